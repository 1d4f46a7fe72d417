import { CrmError } from '../../src-shared/result';
import { appRoot, appVersion, browserHostDataDir, migrationsDir, rendererDir } from './app-paths';
import { readOrCreateAccessToken } from './access-token';
import { startBrowserHost } from './browser-host';
import { resolveReplicaKey } from '../core/db/replica-key';
import { HOST_USAGE, UsageError, osLocale, parseHostArgs, type HostArgs } from './host-args';
import { createLogger } from './log';

/**
 * `node dist/main/host.cjs`: the browser host as a process. Prints exactly one line on stdout,
 * `CRM browser host listening on <url>`, once it serves; launchers and tests wait for it.
 * Everything else goes to stderr (structured logs, or one plain line when it cannot start).
 */
process.setSourceMapsEnabled(true);

/** After a stop signal, give the core this long to close the replica before giving up. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let args: HostArgs;
  try {
    args = parseHostArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${HOST_USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${HOST_USAGE}\n`);
    return;
  }

  const log = createLogger({ name: 'host' });
  const root = appRoot();
  // The core creates the folder, so a bad one is reported like any replica that cannot open.
  const dataDir = args.dataDir ?? browserHostDataDir();

  const starting = startBrowserHost({
    core: {
      dataDir,
      migrationsDir: migrationsDir(root),
      seedDemo: args.seedDemo,
      osLocale: args.locale ?? osLocale(),
      appVersion: appVersion(root),
      syncServer: args.server ?? undefined,
      autoLogin: args.login ?? undefined,
      replicaKey: resolveReplicaKey(dataDir, args.keyFile),
    },
    rendererDir: rendererDir(root),
    host: args.host,
    port: args.port,
    portAttempts: args.portAttempts,
    allowedOrigins: args.allowedOrigins,
    accessToken: readOrCreateAccessToken(dataDir),
    log,
  });

  // Handlers go in before the core has opened: a stop during start-up waits for it, then closes
  // the replica cleanly instead of killing the worker mid-migration.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A terminal's Ctrl+C reaches both a launcher and this process; the repeat is not a
    // request to abandon the clean close of the replica.
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    setTimeout(() => {
      log.error('shutdown timed out', { ms: SHUTDOWN_TIMEOUT_MS });
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    starting
      .then((host) => host.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error('shutdown failed', { error: String((error as Error)?.stack ?? error) });
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  let host;
  try {
    host = await starting;
  } catch (error) {
    process.stderr.write(`CRM browser host cannot start: ${startFailure(error)}\n`);
    process.exit(1);
  }
  // A core that dies under a running host leaves every page without data: say so and stop, so
  // the launcher (or the person) sees it instead of a host that answers DISCONNECTED forever.
  host.core.onExit((code) => {
    process.stderr.write(`CRM browser host: the data core stopped unexpectedly (exit code ${code}); restart the app.\n`);
    process.exit(1);
  });
  if (!stopping) process.stdout.write(`CRM browser host listening on ${host.openUrl}\n`);
}

/** One line a person can act on: the core's own message for a replica problem, else the cause. */
function startFailure(error: unknown): string {
  if (error instanceof CrmError) return error.message;
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return `the port is already in use (${(error as Error).message}); pass another with --port, or --port 0 for any free one`;
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') return `cannot listen there (${(error as Error).message})`;
  return String((error as Error)?.message ?? error).replace(/\s*\n\s*/g, ' ');
}

main().catch((error: unknown) => {
  process.stderr.write(`CRM browser host failed: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
