import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CrmError } from '../../../src-shared/result';

/**
 * The key the replica is encrypted with (SQLCipher 4 format, through SQLite3 Multiple Ciphers):
 * 32 random bytes as hex (a key file, or the Electron shell's key kept by the OS keychain), or a
 * passphrase the user types or a service passes in the environment.
 */
export type ReplicaKey = { kind: 'hex'; hex: string } | { kind: 'passphrase'; passphrase: string };

const HEX_KEY = /^[0-9a-f]{64}$/;

export function newHexKey(): ReplicaKey {
  return { kind: 'hex', hex: crypto.randomBytes(32).toString('hex') };
}

/** A key file holds the 64 hex digits of one key (whitespace around it is ignored). */
export function readKeyFile(file: string): ReplicaKey {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim().toLowerCase();
  } catch (error) {
    throw new CrmError('DB_KEY', `cannot read the replica key file ${file}: ${(error as Error).message}`);
  }
  if (!HEX_KEY.test(text)) throw new CrmError('DB_KEY', `the replica key file ${file} does not hold a key (64 hexadecimal digits)`);
  return { kind: 'hex', hex: text };
}

/**
 * The key in `file`, made (32 random bytes, owner-only) when the file does not exist yet: the
 * browser host and the CLI keep their replica's key this way unless told where it lives.
 */
export function keyFileOrNew(file: string): ReplicaKey {
  if (fs.existsSync(file)) return readKeyFile(file);
  const key = newHexKey() as { kind: 'hex'; hex: string };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${key.hex}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The pragmas that select the cipher and give the key, before anything reads the file. */
export function keyPragmas(key: ReplicaKey, rekey = false): string[] {
  const pragma = key.kind === 'hex' ? (rekey ? 'hexrekey' : 'hexkey') : rekey ? 'rekey' : 'key';
  const value = key.kind === 'hex' ? key.hex : key.passphrase;
  return ["cipher = 'sqlcipher'", 'legacy = 4', `${pragma} = ${quote(value)}`];
}

/** The environment variable a passphrase can come in (a service, a kiosk), instead of a key file. */
export const PASSPHRASE_ENV = 'CRM_REPLICA_PASSPHRASE';

/**
 * The replica key of the browser host and the CLI: a passphrase from CRM_REPLICA_PASSPHRASE, else
 * the key file given (made when missing), else `replica.key` beside the replica (made on first use,
 * owner-only). Keep the key file somewhere else (`--key-file`) when the data folder may be copied.
 */
export function resolveReplicaKey(dataDir: string, keyFile: string | null, env: NodeJS.ProcessEnv = process.env): ReplicaKey {
  const passphrase = env[PASSPHRASE_ENV];
  if (passphrase !== undefined && passphrase !== '') return { kind: 'passphrase', passphrase };
  return keyFileOrNew(keyFile ?? path.join(dataDir, 'replica.key'));
}
