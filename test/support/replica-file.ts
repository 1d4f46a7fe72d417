import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import CipherDatabase from 'better-sqlite3-multiple-ciphers';
import { keyPragmas, readKeyFile } from '../../src-main/core/db/replica-key';

/**
 * A test's direct handle on a host's or a profile's replica (to look at its outbox, or to put
 * entries in while the app is down): encrypted with the key file beside it, as the browser host and
 * the CLI keep it by default.
 */
export function openReplicaFile(dataDir: string, options: { readonly?: boolean } = {}): Database.Database {
  const db = new CipherDatabase(path.join(dataDir, 'replica.db'), options) as unknown as Database.Database;
  const keyFile = path.join(dataDir, 'replica.key');
  if (fs.existsSync(keyFile)) for (const pragma of keyPragmas(readKeyFile(keyFile))) db.pragma(pragma);
  return db;
}
