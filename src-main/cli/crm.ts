import os from 'node:os';
import path from 'node:path';
import { CrmError } from '../../src-shared/result';
import { CoreService } from '../core/core.service';
import { WsConnector } from '../core/sync/ws-connector';
import { parseCommandLine, UsageError, USAGE, type Invocation } from './args';
import { runCommand } from './commands';
import { CliFailure, EXIT, failureFromCore } from './errors';
import { appRoot, appVersion, migrationsDir } from './paths';

/**
 * `crm`: the command-line shell of the data core. It opens the profile's replica in-process with
 * the same CoreService the app runs in its worker, calls it through the same dispatch, and syncs
 * only when told to (the engine is not live: one cycle per `crm sync`).
 */

/**
 * The core logs JSON lines on stderr for the app's log files (slow queries, index rebuilds). On a
 * terminal stderr is where the command's one-line error goes, so those lines are dropped unless
 * --verbose asks for them. They are recognised by their shape: logCore writes each as one chunk.
 */
function silenceCoreLog(): void {
  const write = process.stderr.write.bind(process.stderr);
  const filtered = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === 'string' && chunk.startsWith('{"time":"')) return true;
    return Reflect.apply(write, process.stderr, [chunk, ...rest]) as boolean;
  };
  process.stderr.write = filtered as typeof process.stderr.write;
}

function print(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (text === '') return Promise.resolve();
  // Resolved once the text is handed to the OS, so exiting next does not cut a piped output short.
  return new Promise((resolve) => stream.write(text.endsWith('\n') ? text : `${text}\n`, () => resolve()));
}

function openCore(profile: string): CoreService {
  const root = appRoot();
  return new CoreService(
    {
      dataDir: path.resolve(profile),
      migrationsDir: migrationsDir(root),
      seedDemo: false,
      osLocale: Intl.DateTimeFormat().resolvedOptions().locale,
      appVersion: appVersion(root),
      deviceName: `crm on ${os.hostname() || 'this computer'}`,
    },
    new WsConnector(),
    { live: false },
  );
}

/** Errors are one line: a server's or a library's message may carry newlines. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

async function run(invocation: Invocation): Promise<string> {
  if (invocation.command.kind === 'help' || invocation.profile === null) return USAGE;
  let core: CoreService;
  try {
    core = openCore(invocation.profile);
  } catch (error) {
    if (error instanceof CrmError) throw failureFromCore(error.toInfo());
    throw error;
  }
  try {
    return await runCommand(core, invocation.command);
  } finally {
    // Checkpoints the WAL into replica.db, so the profile folder is one self-contained file again.
    core.close();
  }
}

async function main(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    await print(process.stderr, `crm: ${oneLine(error.message)}`);
    return EXIT.usage;
  }
  if (!invocation.verbose) silenceCoreLog();
  try {
    await print(process.stdout, await run(invocation));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliFailure) {
      await print(process.stderr, `crm: ${oneLine(error.message)}`);
      return error.exitCode;
    }
    if (invocation.verbose && error instanceof Error && error.stack) await print(process.stderr, error.stack);
    const detail = oneLine(error instanceof Error ? error.message : String(error));
    await print(process.stderr, `crm: internal error: ${detail}${invocation.verbose ? '' : ' (run again with --verbose for details)'}`);
    return EXIT.internal;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`crm: internal error: ${String(error)}\n`);
    process.exit(EXIT.internal);
  },
);
