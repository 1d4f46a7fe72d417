import fs from 'node:fs';
import path from 'node:path';
import { PgStore } from './pg.store';
import type { SqlStore } from './sql-store';
import { SqliteStore } from './sqlite.store';

export interface StoreOptions {
  /** Data folder for the SQLite store (the embedded default). */
  dataDir?: string | undefined;
  /** PostgreSQL URL; wins over dataDir. */
  pgUrl?: string | undefined;
  /** PostgreSQL schema for the tables (tests: a fresh one per run). */
  pgSchema?: string | undefined;
  /** migrations/ at the top of the project (holds server-sqlite and server-pg). */
  migrationsRoot: string;
}

/** Raised when the database was written by a newer server than this one. */
export class StoreTooNewError extends Error {}

/** Opens the store named by the options and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<SqlStore> {
  if (options.pgUrl) {
    const store = new PgStore(options.pgUrl, options.pgSchema ?? null);
    try {
      // One instance prepares and migrates at a time (the schema too: CREATE SCHEMA IF NOT EXISTS
      // races between instances); the others wait and then find nothing to do.
      await store.withLock(727_001, async () => {
        await store.init();
        await migrate(store, path.join(options.migrationsRoot, 'server-pg'), (sql) => store.exec(sql), false);
      });
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }
  if (!options.dataDir) throw new Error('either a data folder or a PostgreSQL URL is needed');
  const store = new SqliteStore(options.dataDir);
  try {
    await migrate(store, path.join(options.migrationsRoot, 'server-sqlite'), (sql) => store.exec(sql), true);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * Applies migrations/<dialect>/NNNN_name.sql in order, each in its own transaction, recording
 * each in schema_migrations. A database that has a migration this build does not know was written
 * by a newer server and is refused before anything touches it.
 */
async function migrate(store: SqlStore, dir: string, exec: (sql: string) => Promise<void>, wholeInOneTransaction: boolean): Promise<void> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
  // SQLite has no advisory lock: the check and every migration run in one IMMEDIATE transaction,
  // so a second process opening the same folder (serve and `user add` started together) waits
  // for the first and then finds everything applied. PostgreSQL runs under the advisory lock.
  if (wholeInOneTransaction) await exec('BEGIN IMMEDIATE');
  try {
    await exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const applied = new Set((await store.all<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const known = files.map((f) => Number(f.slice(0, 4)));
    const unknown = [...applied].filter((v) => !known.includes(v));
    if (unknown.length > 0) {
      throw new StoreTooNewError(
        `The server database ${store.location} has schema version ${Math.max(...unknown)}, newer than this server knows (${Math.max(0, ...known)}). Update the server.`,
      );
    }
    for (const file of files) {
      const version = Number(file.slice(0, 4));
      if (applied.has(version)) continue;
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${version}, '${file}', ${Date.now()});`;
      try {
        await exec(wholeInOneTransaction ? `${sql}\n${record}` : `BEGIN;\n${sql}\n${record}\nCOMMIT;`);
      } catch (error) {
        if (!wholeInOneTransaction) await exec('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${file} failed: ${(error as Error).message}`);
      }
    }
    if (wholeInOneTransaction) await exec('COMMIT');
  } catch (error) {
    if (wholeInOneTransaction) await exec('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
