import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { deferIndexes, openReplica, readJournal, readMeta, restoreDeferredIndexes } from '../../src-main/core/db/replica';
import { entities } from '../../src-shared/entities/index';
import { CrmError } from '../../src-shared/result';
import { MIGRATIONS_DIR, openTestCore, tempDir } from '../support/core-fixture';

const journal = readJournal(MIGRATIONS_DIR);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of migrations/client holding only the first `n` migrations. */
function firstMigrations(n: number): string {
  const dir = tempDir('crm-mig-');
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'meta'));
  const full = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const entries = full.entries.slice(0, n);
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify({ ...full, entries }));
  for (const e of entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

function columns(sqlite: Database.Database, table: string): string[] {
  return (sqlite.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/** Rows that exist before migration N, written with whatever columns the schema had then. */
function seedAt(sqlite: Database.Database): void {
  const now = Date.now();
  const accountCols = columns(sqlite, 'accounts');
  if (accountCols.length > 0) {
    sqlite
      .prepare('INSERT INTO accounts (id, owner_id, created_at, created_by, updated_at, updated_by, name, phone) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run('acc-1', 'u1', now, 'u1', now, 'u1', '华为技术有限公司', '0755-28780808');
  }
  if (columns(sqlite, 'contacts').length > 0) {
    sqlite
      .prepare('INSERT INTO contacts (id, owner_id, created_at, created_by, updated_at, updated_by, account_id, name, mobile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('con-1', 'u1', now, 'u1', now, 'u1', 'acc-1', '张伟', '13812345678');
  }
}

describe('client migrations', () => {
  it('has at least the initial schema and the search index', () => {
    expect(journal.map((e) => e.tag)).toEqual(expect.arrayContaining(['0000_init', '0001_search_fts']));
  });

  // One test per migration: migrate to N-1, seed rows, migrate to N, check the rows and search.
  for (const entry of journal.filter((e) => e.idx > 0)) {
    it(`carries data through ${entry.tag}`, async () => {
      const dir = tempDir('crm-data-');
      dirs.push(dir);
      const file = path.join(dir, 'replica.db');
      const before = new Database(file);
      migrate(drizzle(before), { migrationsFolder: firstMigrations(entry.idx) });
      before.pragma(`user_version = ${entry.idx}`);
      seedAt(before);
      before.close();

      const t = openTestCore({ dir });
      try {
        const account = await t.call('record.get', { entity: 'account', id: 'acc-1' });
        expect(account).toMatchObject({ name: '华为技术有限公司', phone: '0755-28780808', deletedAt: null });
        const contact = await t.call('record.get', { entity: 'contact', id: 'con-1' });
        expect(contact).toMatchObject({ name: '张伟', accountId: 'acc-1' });
        // Rows written before the migration are searchable after it.
        const hits = (await t.call('search.global', { q: '5678' })).hits.map((h) => h.id);
        expect(hits).toEqual(['con-1']);
        expect(t.core.replica.sqlite.pragma('user_version', { simple: true })).toBe(journal.length);
      } finally {
        t.core.close();
      }
    });
  }

  it('refuses a replica written by a newer app version and leaves it untouched', () => {
    const dir = tempDir('crm-new-');
    dirs.push(dir);
    const file = path.join(dir, 'replica.db');
    const newer = new Database(file);
    newer.exec("CREATE TABLE replica_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO replica_meta VALUES ('appVersion', '9.0.0');");
    newer.pragma(`user_version = ${journal.length + 1}`);
    newer.close();
    const size = fs.statSync(file).size;

    let error: unknown;
    try {
      openReplica(file, MIGRATIONS_DIR, '0.1.0');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CrmError);
    expect((error as CrmError).code).toBe('DB_TOO_NEW');
    expect((error as CrmError).message).toMatch(/newer|9\.0\.0/);
    expect(fs.statSync(file).size).toBe(size);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(journal.length + 1);
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'accounts'").get()).toEqual({ n: 0 });
    check.close();
  });

  it('changes synced tables additively only (no dropped, renamed or rebuilt columns)', () => {
    const synced = Object.values(entities).map((e) => e.table);
    for (const entry of journal) {
      const text = fs.readFileSync(path.join(MIGRATIONS_DIR, `${entry.tag}.sql`), 'utf8');
      for (const table of synced) {
        const forbidden = [
          new RegExp(`DROP\\s+TABLE\\s+[\`"]?${table}[\`"]?`, 'i'),
          new RegExp(`ALTER\\s+TABLE\\s+[\`"]?${table}[\`"]?\\s+(DROP|RENAME)`, 'i'),
          new RegExp(`__new_${table}\\b`, 'i'),
        ];
        for (const pattern of forbidden) expect(text, `${entry.tag} must not ${pattern.source} on synced table ${table}`).not.toMatch(pattern);
      }
    }
  });

  it('opens in WAL mode', () => {
    const t = openTestCore();
    try {
      expect(t.core.replica.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      t.close();
    }
  });

  it('builds indexes a bulk load deferred when the process ended before it could (next open)', () => {
    const dir = tempDir('crm-deferred-');
    const file = path.join(dir, 'replica.db');
    const names = (sqlite: Database.Database) =>
      (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('accounts', 'contacts') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    try {
      const first = openReplica(file, MIGRATIONS_DIR, '0.1.0');
      const migrated = names(first.sqlite);
      expect(migrated.length).toBeGreaterThan(10);
      expect(deferIndexes(first.sqlite, ['accounts', 'contacts'])).toBe(migrated.length);
      expect(names(first.sqlite)).toEqual([]);
      // The process ends here: no restore.
      first.sqlite.close();
      const again = openReplica(file, MIGRATIONS_DIR, '0.1.0');
      expect(names(again.sqlite)).toEqual(migrated);
      expect(readMeta(again.sqlite, 'replica.deferredIndexes')).toBeNull();
      expect(restoreDeferredIndexes(again.sqlite)).toBe(0);
      again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
