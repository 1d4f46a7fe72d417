import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import { newHexKey, readKeyFile, type ReplicaKey } from '../core/db/replica-key';

/**
 * The replica's key in the Electron shell: 32 random bytes made on first start, kept in
 * `replica.key.sealed` encrypted by the OS keychain (safeStorage: DPAPI on Windows, the Keychain on
 * macOS, the Secret Service / kwallet on Linux), so a copied user-data folder is useless on
 * another machine or account. Where the OS offers no keychain (a bare Linux session), the key is
 * kept in an owner-only `replica.key` instead, and the log says so.
 */
export function replicaKeyFromKeychain(userData: string, warn: (message: string) => void): ReplicaKey {
  const sealed = path.join(userData, 'replica.key.sealed');
  const plainFile = path.join(userData, 'replica.key');
  if (!safeStorage.isEncryptionAvailable()) {
    warn('the OS keychain is not available: the replica key is kept in an owner-only file instead');
    if (fs.existsSync(plainFile)) return readKeyFile(plainFile);
    const key = newHexKey() as { kind: 'hex'; hex: string };
    fs.mkdirSync(userData, { recursive: true, mode: 0o700 });
    fs.writeFileSync(plainFile, `${key.hex}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  }
  if (fs.existsSync(sealed)) return { kind: 'hex', hex: safeStorage.decryptString(fs.readFileSync(sealed)) };
  // A key kept in a file before the keychain became available moves into it.
  const key = fs.existsSync(plainFile) ? (readKeyFile(plainFile) as { kind: 'hex'; hex: string }) : (newHexKey() as { kind: 'hex'; hex: string });
  fs.mkdirSync(userData, { recursive: true, mode: 0o700 });
  fs.writeFileSync(sealed, safeStorage.encryptString(key.hex), { mode: 0o600 });
  fs.rmSync(plainFile, { force: true });
  return key;
}
