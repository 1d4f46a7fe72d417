import type { CoreEvent, Method } from '../../../src-shared/api/client-api.contract';
import type { Result } from '../../../src-shared/result';
import type { ReplicaKey } from '../db/replica-key';

/** What the host process tells the core when it starts it. */
export interface CoreOptions {
  /** Folder for the replica (replica.db) and its WAL files. */
  dataDir: string;
  /** migrations/client, shipped beside the app. */
  migrationsDir: string;
  /** Seed zh-CN demo data into an empty replica. */
  seedDemo: boolean;
  /** The OS locale, used until the user picks a language. */
  osLocale: string;
  /** The app's version, shown in About and written to sync requests later. */
  appVersion: string;
  /**
   * The sync server this installation uses (IT sets it, or `npm start` its embedded one). With it,
   * a replica without a signed-in user shows the sign-in screen instead of working locally.
   */
  syncServer?: string | undefined;
  /** Sign in at start when nobody is signed in (the embedded demo: `npm start`). */
  autoLogin?: { username: string; password: string } | undefined;
  /** The name this device registers under (host name). */
  deviceName?: string | undefined;
  /**
   * The key the replica is encrypted with (the Electron shell's from the OS keychain, the browser
   * host's and the CLI's from a key file or a passphrase). Without one the replica is plain.
   */
  replicaKey?: ReplicaKey | null | undefined;
}

/** `close` asks the core to finish, close the replica cleanly (checkpointing the WAL) and exit. */
export type WorkerRequest = { kind: 'call'; id: number; method: Method; input: unknown } | { kind: 'close' };

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'fatal'; error: { code: string; message: string } }
  | { kind: 'reply'; id: number; reply: Result<unknown> }
  | { kind: 'event'; event: CoreEvent };
