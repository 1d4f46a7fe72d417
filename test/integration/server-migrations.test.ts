import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../../src-server/store/open-store';
import type { SqlStore } from '../../src-server/store/sql-store';
import { tempDir } from '../support/core-fixture';
import { MIGRATIONS_ROOT, PG_URL, dropSchema, freshSchema, type StoreKind } from '../support/sync-fixture';

/**
 * The server's own migrations (migrations/server-sqlite, migrations/server-pg): they apply on an
 * empty database, a second start applies nothing, a failing one leaves nothing behind, and the two
 * dialects describe the same tables.
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
const TABLES = ['admin_audit', 'auth_audit', 'changes', 'counters', 'departments', 'device_access', 'devices', 'login_state', 'mutation_results', 'org_state', 'record_audit', 'record_refs', 'records', 'roles', 'rule_marks', 'schema_migrations', 'users'];

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function migrationFiles(kind: StoreKind, root = MIGRATIONS_ROOT): { version: number; name: string }[] {
  return fs
    .readdirSync(path.join(root, kind === 'pg' ? 'server-pg' : 'server-sqlite'))
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort()
    .map((name) => ({ version: Number(name.slice(0, 4)), name }));
}

/** A fresh, empty place for a store of this kind; removed after the test. */
function emptyDatabase(kind: StoreKind, migrationsRoot = MIGRATIONS_ROOT): StoreOptions {
  if (kind === 'sqlite') {
    const dir = tempDir('crm-srvmig-');
    cleanup.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    return { dataDir: dir, migrationsRoot };
  }
  const schema = freshSchema();
  cleanup.push(() => dropSchema(schema));
  return { pgUrl: PG_URL, pgSchema: schema, migrationsRoot };
}

async function open(options: StoreOptions): Promise<SqlStore> {
  const store = await openStore(options);
  cleanup.push(() => store.close());
  return store;
}

async function tables(store: SqlStore): Promise<string[]> {
  const rows =
    store.dialect === 'sqlite'
      ? await store.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      : await store.all<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name');
  return rows.map((r) => r.name);
}

async function columns(store: SqlStore, table: string): Promise<string[]> {
  const rows =
    store.dialect === 'sqlite'
      ? await store.all<{ name: string }>(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`)
      : await store.all<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position', [table]);
  return rows.map((r) => r.name);
}

async function applied(store: SqlStore): Promise<{ version: number; name: string; applied_at: number }[]> {
  return (await store.all<{ version: number; name: string; applied_at: number }>('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')).map((r) => ({
    version: Number(r.version),
    name: r.name,
    applied_at: Number(r.applied_at),
  }));
}

for (const kind of stores) {
  describe(`server migrations (${kind})`, () => {
    it('apply in full on an empty database; a second start applies nothing and keeps the data', async () => {
      const where = emptyDatabase(kind);
      const first = await openStore(where);
      const done = await applied(first);
      expect(done.map(({ version, name }) => ({ version, name }))).toEqual(migrationFiles(kind));
      expect(await tables(first)).toEqual(TABLES);
      expect(await first.all('SELECT name, value FROM counters')).toEqual([{ name: 'cn', value: 0 }]);
      await first.run("UPDATE counters SET value = 41 WHERE name = 'cn'");
      await first.close();

      const second = await open(where);
      expect(await applied(second)).toEqual(done);
      expect(await tables(second)).toEqual(TABLES);
      expect(await second.all('SELECT name, value FROM counters')).toEqual([{ name: 'cn', value: 41 }]);
    });

    it('a migration that fails leaves no trace, and the next start applies it once it is fixed', async () => {
      const root = tempDir('crm-srvmig-root-');
      cleanup.push(async () => fs.rmSync(root, { recursive: true, force: true }));
      const dialect = kind === 'pg' ? 'server-pg' : 'server-sqlite';
      fs.cpSync(path.join(MIGRATIONS_ROOT, dialect), path.join(root, dialect), { recursive: true });
      const next = String(migrationFiles(kind).length + 1).padStart(4, '0');
      const file = path.join(root, dialect, `${next}_broken.sql`);
      fs.writeFileSync(file, 'CREATE TABLE half_done (x INTEGER);\nINSERT INTO half_done (x) VALUES (1);\nINSERT INTO no_such_table (x) VALUES (1);\n');
      const where = emptyDatabase(kind, root);

      await expect(openStore(where)).rejects.toThrow(new RegExp(`^migration ${next}_broken\\.sql failed: .*no_such_table`));
      const plain = await openStore({ ...where, migrationsRoot: MIGRATIONS_ROOT });
      // The good migrations before it are kept; the broken one left neither its table nor its row.
      expect(await tables(plain)).toEqual(TABLES);
      expect((await applied(plain)).map((r) => r.version)).toEqual(migrationFiles(kind).map((m) => m.version));
      await plain.close();

      fs.writeFileSync(file, 'CREATE TABLE half_done (x INTEGER);\nINSERT INTO half_done (x) VALUES (1);\n');
      const fixed = await open(where);
      expect(await tables(fixed)).toEqual([...TABLES, 'half_done'].sort());
      expect(await fixed.all('SELECT x FROM half_done')).toEqual([{ x: 1 }]);
      expect((await applied(fixed)).map((r) => r.name)).toEqual([...migrationFiles(kind).map((m) => m.name), `${next}_broken.sql`]);
    });

    if (kind === 'pg') {
      it('several instances starting together on one PostgreSQL migrate once, one at a time (advisory lock)', async () => {
        const where = emptyDatabase(kind);
        // The schema exists already, as in production: instances share a database an operator made.
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        await admin.query(`CREATE SCHEMA ${where.pgSchema}`);
        await admin.end();
        const instances = await Promise.all([0, 1, 2, 3].map(() => open(where)));
        const views = await Promise.all(instances.map((s) => applied(s)));
        for (const view of views) expect(view).toEqual(views[0]);
        expect(views[0]!.map(({ version, name }) => ({ version, name }))).toEqual(migrationFiles(kind));
        expect(await instances[3]!.all('SELECT name, value FROM counters')).toEqual([{ name: 'cn', value: 0 }]);
      });
    }
  });
}

describe('server migrations: the two dialects', () => {
  it('create the same tables with the same columns in the same order', async () => {
    const sqlite = await open(emptyDatabase('sqlite'));
    const postgres = await open(emptyDatabase('pg'));
    expect(await tables(postgres)).toEqual(await tables(sqlite));
    for (const table of TABLES) expect(await columns(postgres, table), table).toEqual(await columns(sqlite, table));
    expect(migrationFiles('pg').map((m) => m.name)).toEqual(migrationFiles('sqlite').map((m) => m.name));
  });
});
