import os from 'node:os';
import path from 'node:path';
import { CrmError } from '../../src-shared/result';
import { CoreService } from '../core/core.service';
import { resolveReplicaKey } from '../core/db/replica-key';
import { WsConnector } from '../core/sync/ws-connector';
import type { Command } from './args';
import { runCommand } from './commands';
import { CliFailure, EXIT, failureFromCore } from './errors';
import { appRoot, appVersion, migrationsDir } from './paths';

/**
 * `npm run crm` runs the script from the package root; a relative --profile means the folder the
 * user typed it in, which npm passes on as INIT_CWD.
 */
function profileDir(profile: string): string {
  const fromNpm = process.env.npm_lifecycle_event === 'crm' ? process.env.INIT_CWD : undefined;
  return path.resolve(fromNpm ?? process.cwd(), profile);
}

function openCore(profile: string, keyFile: string | null): CoreService {
  const root = appRoot();
  const dataDir = profileDir(profile);
  return new CoreService(
    {
      dataDir,
      replicaKey: resolveReplicaKey(dataDir, keyFile === null ? null : path.resolve(process.env.npm_lifecycle_event === 'crm' ? (process.env.INIT_CWD ?? process.cwd()) : process.cwd(), keyFile)),
      migrationsDir: migrationsDir(root),
      seedDemo: false,
      osLocale: Intl.DateTimeFormat().resolvedOptions().locale,
      appVersion: appVersion(root),
      deviceName: `crm on ${os.hostname() || 'this computer'}`,
    },
    new WsConnector(),
    // Not live: no background connection, pokes or retries; `crm sync` runs one cycle.
    { live: false },
  );
}

/**
 * Opens the profile's replica with the same CoreService the app runs in its worker, runs one
 * command and closes the replica again. Resolves with what goes to stdout.
 */
export async function execute(profile: string, command: Command, keyFile: string | null = null): Promise<string> {
  let core: CoreService;
  try {
    core = openCore(profile, keyFile);
  } catch (error) {
    if (error instanceof CrmError) throw failureFromCore(error.toInfo());
    // Opening touches only the profile folder and its replica: a file in the way, no permission.
    throw new CliFailure(EXIT.replica, `cannot open the profile ${profile}: ${(error as Error).message}`);
  }
  try {
    return await runCommand(core, command);
  } finally {
    // Checkpoints the WAL into replica.db, so the profile folder is one self-contained file again.
    core.close();
  }
}
