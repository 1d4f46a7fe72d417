import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CoreService } from '../../src-main/core/core.service';
import { keyFileOrNew, newHexKey, readKeyFile, type ReplicaKey } from '../../src-main/core/db/replica-key';
import { WsConnector } from '../../src-main/core/sync/ws-connector';
import { callThrough, MIGRATIONS_DIR, tempDir } from '../support/core-fixture';

/**
 * Encryption at rest: the replica file is unreadable without its key (a laptop lost, a file copied
 * off it), opens with it, is refused with DB_KEY under another key, and a replica written before
 * encryption is encrypted in place, data kept.
 */
const NAME = '杭州西湖精密仪器有限公司';
const dirs: string[] = [];
const cores: CoreService[] = [];

function open(dir: string, key: ReplicaKey | null): CoreService {
  const core = new CoreService({ dataDir: dir, migrationsDir: MIGRATIONS_DIR, seedDemo: false, osLocale: 'zh-CN', appVersion: '0.0.0-test', replicaKey: key }, new WsConnector(), { live: false });
  cores.push(core);
  return core;
}

function closeAll(): void {
  for (const c of cores.splice(0)) c.close();
}

function fresh(): string {
  const dir = tempDir('crm-enc-');
  dirs.push(dir);
  return dir;
}

/** The replica's bytes, WAL included: the name must appear in neither. */
function fileBytes(dir: string): Buffer {
  const parts = ['replica.db', 'replica.db-wal'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f));
  return Buffer.concat(parts.map((f) => fs.readFileSync(f)));
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'opened';
}

afterEach(() => {
  closeAll();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('replica encryption at rest', () => {
  it('holds no readable customer data, opens with its key and refuses without it or with another', async () => {
    const dir = fresh();
    const key = newHexKey();
    const core = open(dir, key);
    await callThrough(core)('record.create', { entity: 'account', values: { name: NAME, phone: '0571-88886666' } });
    closeAll();
    expect(fileBytes(dir).includes(Buffer.from(NAME))).toBe(false);
    expect(fileBytes(dir).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\u0000');
    // Copied to another machine: plain SQLite cannot read it, nor the app without the key.
    const copy = fresh();
    fs.copyFileSync(path.join(dir, 'replica.db'), path.join(copy, 'replica.db'));
    expect(() => new Database(path.join(copy, 'replica.db')).prepare('SELECT * FROM accounts').all()).toThrow(/not a database/);
    expect(refusal(() => open(copy, null))).toBe('DB_KEY');
    expect(refusal(() => open(copy, newHexKey()))).toBe('DB_KEY');
    expect(refusal(() => open(copy, { kind: 'passphrase', passphrase: 'guess' }))).toBe('DB_KEY');
    // With the key, everything is there.
    const again = open(copy, key);
    const rows = (await callThrough(again)('record.list', { entity: 'account' })).rows;
    expect(rows.map((r) => r.name)).toEqual([NAME]);
    expect((await callThrough(again)('search.global', { q: '西湖精密' })).hits.map((h) => h.title)).toEqual([NAME]);
  });

  it('encrypts a replica written before encryption in place, keeping its data; a passphrase works as a key', async () => {
    const dir = fresh();
    const plain = open(dir, null);
    await callThrough(plain)('record.create', { entity: 'account', values: { name: NAME } });
    closeAll();
    expect(fileBytes(dir).includes(Buffer.from(NAME))).toBe(true);
    const key: ReplicaKey = { kind: 'passphrase', passphrase: '西湖 风景 2026' };
    const encrypted = open(dir, key);
    expect((await callThrough(encrypted)('record.list', { entity: 'account' })).rows.map((r) => r.name)).toEqual([NAME]);
    closeAll();
    expect(fileBytes(dir).includes(Buffer.from(NAME))).toBe(false);
    expect(refusal(() => open(dir, null))).toBe('DB_KEY');
    expect((await callThrough(open(dir, key))('record.list', { entity: 'account' })).rows).toHaveLength(1);
  });

  it('key files: made owner-only on first use, read back, and a damaged one is refused with a clear message', () => {
    const dir = fresh();
    const file = path.join(dir, 'keys', 'replica.key');
    const made = keyFileOrNew(file);
    expect(made.kind).toBe('hex');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(keyFileOrNew(file)).toEqual(made);
    expect(readKeyFile(file)).toEqual(made);
    fs.writeFileSync(file, 'not a key');
    expect(() => readKeyFile(file)).toThrow(/does not hold a key/);
    expect(() => readKeyFile(path.join(dir, 'missing.key'))).toThrow(/cannot read the replica key file/);
  });
});
