import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
// The same API as better-sqlite3, built with SQLite3 Multiple Ciphers: the replica is encrypted.
import CipherDatabase from 'better-sqlite3-multiple-ciphers';
import { keyPragmas, type ReplicaKey } from './replica-key';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { CrmError } from '../../../src-shared/result';

export type ReplicaDb = BetterSQLite3Database<Record<string, never>>;

export interface Replica {
  /** The one writable handle: the core is the replica's only writer. */
  sqlite: Database.Database;
  db: ReplicaDb;
  file: string;
  schemaVersion: number;
  /** Refreshes the planner's statistics; call after loading many rows at once. */
  analyze(): void;
  close(): void;
}

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

export function readJournal(migrationsDir: string): JournalEntry[] {
  const file = path.join(migrationsDir, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

/**
 * Opens (creating if needed) the replica and brings its schema up to date. The schema version is
 * the number of migrations applied, kept in PRAGMA user_version; a replica whose version is above
 * what this build knows was written by a newer app and is refused before anything touches it,
 * since an older build could misread or damage columns it does not know.
 */
export function openReplica(file: string, migrationsDir: string, appVersion: string, key: ReplicaKey | null = null): Replica {
  const known = readJournal(migrationsDir).length;
  // Owner-only: the replica is this user's customers, and machines are often shared.
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const sqlite = openKeyed(file, key);
  try {
    const found = sqlite.pragma('user_version', { simple: true }) as number;
    if (found > known) {
      const writer = readMeta(sqlite, 'appVersion');
      throw new CrmError(
        'DB_TOO_NEW',
        `The local database ${file} has schema version ${found}${writer ? ` (written by version ${writer} of the app)` : ''}, ` +
          `but this version of the app (${appVersion}) knows only up to ${known}. Update the app to open it.`,
      );
    }
    sqlite.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash or power loss can
    // lose the last transactions, and the outbox is re-sent from the server's acknowledgements.
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // Up to 256 MB of decrypted pages (allocated as they are read): with the replica encrypted, a
    // page missing from this cache is decrypted again on every read, and with 32 MB a filtered
    // count over 100,000 accounts took 6× as long as on a plain file (docs/benchmarks.md).
    sqlite.pragma(`cache_size = -${PAGE_CACHE_KB}`);
    // A first sync that ended part-way left its tables without their secondary indexes: put them
    // back before anything (a migration, a query) relies on them.
    restoreDeferredIndexes(sqlite);
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsDir });
    sqlite.pragma(`user_version = ${known}`);
    writeMeta(sqlite, 'appVersion', appVersion);
    // Let the planner refresh statistics it finds stale (cheap; SQLite decides what to analyse).
    sqlite.pragma('optimize = 0x10002');
    return {
      sqlite,
      db,
      file,
      schemaVersion: known,
      analyze() {
        // Sampled statistics: without them the planner cannot tell a selective index (industry)
        // from one it should walk for ORDER BY (name), and picks badly after a bulk load.
        sqlite.pragma('analysis_limit = 1000');
        sqlite.exec('ANALYZE');
      },
      close() {
        if (!sqlite.open) return;
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
        sqlite.close();
      },
    };
  } catch (error) {
    sqlite.close();
    if (error instanceof CrmError) throw error;
    throw new CrmError('DB_OPEN_FAILED', `cannot prepare ${file}: ${(error as Error).message}`);
  }
}

const PAGE_CACHE_KB = 262_144;

const NOT_A_DATABASE = /file is not a database|not an error|encrypted/i;

function openHandle(file: string): Database.Database {
  try {
    return new CipherDatabase(file) as unknown as Database.Database;
  } catch (error) {
    throw new CrmError('DB_OPEN_FAILED', `cannot open ${file}: ${(error as Error).message}`);
  }
}

/** Whether the handle can read the file's schema (the key is right, or the file is plain). */
function readable(sqlite: Database.Database): boolean {
  try {
    sqlite.prepare('SELECT count(*) FROM sqlite_master').get();
    return true;
  } catch (error) {
    if (NOT_A_DATABASE.test((error as Error).message)) return false;
    throw error;
  }
}

/**
 * A handle on the replica with its key given. A replica written before encryption (plain) is
 * encrypted in place the first time it is opened with a key; an encrypted replica opened without
 * its key, or with another, is refused with DB_KEY and left untouched.
 */
function openKeyed(file: string, key: ReplicaKey | null): Database.Database {
  const existed = fs.existsSync(file) && fs.statSync(file).size > 0;
  const sqlite = openHandle(file);
  if (key) for (const pragma of keyPragmas(key)) sqlite.pragma(pragma);
  if (readable(sqlite)) return sqlite;
  sqlite.close();
  if (!key) throw new CrmError('DB_KEY', `${file} is encrypted; the app needs its key to open it`);
  if (!existed) throw new CrmError('DB_OPEN_FAILED', `cannot create ${file}`);
  // Plain? Then this is the first start of an app that encrypts: encrypt it now.
  const plain = openHandle(file);
  if (!readable(plain)) {
    plain.close();
    throw new CrmError('DB_KEY', `${file} is encrypted with another key`);
  }
  try {
    // SQLite3 Multiple Ciphers encrypts a database in rollback-journal mode only.
    plain.pragma('wal_checkpoint(TRUNCATE)');
    plain.pragma('journal_mode = DELETE');
    for (const pragma of keyPragmas(key, true)) plain.pragma(pragma);
  } finally {
    plain.close();
  }
  const keyed = openHandle(file);
  for (const pragma of keyPragmas(key)) keyed.pragma(pragma);
  if (!readable(keyed)) {
    keyed.close();
    throw new CrmError('DB_OPEN_FAILED', `${file} could not be encrypted`);
  }
  return keyed;
}

/** Prepared meta statements per handle: the sync engine reads its cursor and state constantly. */
const metaStatements = new WeakMap<Database.Database, { read: Database.Statement<[string], { value: string }>; write: Database.Statement<[string, string]> }>();

function metaFor(sqlite: Database.Database) {
  let stmts = metaStatements.get(sqlite);
  if (stmts) return stmts;
  if (sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'replica_meta'").get() === undefined) return null;
  stmts = {
    read: sqlite.prepare('SELECT value FROM replica_meta WHERE key = ?'),
    write: sqlite.prepare('INSERT INTO replica_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
  };
  metaStatements.set(sqlite, stmts);
  return stmts;
}

export function readMeta(sqlite: Database.Database, key: string): string | null {
  return metaFor(sqlite)?.read.get(key)?.value ?? null;
}

export function writeMeta(sqlite: Database.Database, key: string, value: string): void {
  const stmts = metaFor(sqlite);
  if (!stmts) throw new Error('replica_meta is missing: the replica was not migrated');
  stmts.write.run(key, value);
}

const DEFERRED_INDEXES = 'replica.deferredIndexes';

/**
 * Drops the secondary (non-unique) indexes of `tables` for a bulk load, keeping their definitions
 * in replica_meta so that restoreDeferredIndexes (or the next open, after a crash) builds them
 * again. Building an index once over sorted rows costs a fraction of keeping a dozen of them up to
 * date row by row, which is most of what inserting 300,000 records costs. Returns how many.
 */
export function deferIndexes(sqlite: Database.Database, tables: string[]): number {
  const list = tables.map(() => '?').join(', ');
  return sqlite.transaction(() => {
    const owed = JSON.parse(readMeta(sqlite, DEFERRED_INDEXES) ?? '[]') as { name: string; sql: string }[];
    const found = sqlite
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list}) AND sql NOT LIKE 'CREATE UNIQUE%'`)
      .all(...tables) as { name: string; sql: string }[];
    for (const index of found) sqlite.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
    writeMeta(sqlite, DEFERRED_INDEXES, JSON.stringify([...owed, ...found]));
    return found.length;
  })();
}

/** Builds the indexes deferIndexes dropped (none owed: nothing to do). Returns how many. */
export function restoreDeferredIndexes(sqlite: Database.Database): number {
  const raw = readMeta(sqlite, DEFERRED_INDEXES);
  if (raw === null) return 0;
  const owed = JSON.parse(raw) as { name: string; sql: string }[];
  return sqlite.transaction(() => {
    const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
    let built = 0;
    for (const index of owed) {
      if (exists.get(index.name) !== undefined) continue;
      sqlite.exec(index.sql);
      built++;
    }
    sqlite.prepare('DELETE FROM replica_meta WHERE key = ?').run(DEFERRED_INDEXES);
    return built;
  })();
}
