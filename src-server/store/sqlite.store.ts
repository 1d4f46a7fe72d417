import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SqlParam, SqlRunner, SqlStore } from './sql-store';

/**
 * The embedded default: one SQLite file in the data folder. better-sqlite3 is synchronous and one
 * connection serves the whole process, so every operation queues behind the one before it: a
 * transaction's awaits must not let another request's statements run inside it.
 */
export class SqliteStore implements SqlStore {
  readonly dialect = 'sqlite' as const;
  readonly location: string;
  private readonly db: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners: ((payload: string) => void)[] = [];
  private readonly statements = new Map<string, Database.Statement>();
  private pendingNotifies: string[] | null = null;

  constructor(dataDir: string) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.location = path.resolve(dataDir);
    this.db = new Database(path.join(dataDir, 'server.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -64000');
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      // Statements are cached by text; the server's SQL is a fixed set plus IN lists of bounded length.
      if (this.statements.size > 2000) this.statements.clear();
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private readonly runner: SqlRunner = {
    all: async <T>(sql: string, params: SqlParam[] = []) => this.prepare(sql).all(...params) as T[],
    get: async <T>(sql: string, params: SqlParam[] = []) => this.prepare(sql).get(...params) as T | undefined,
    run: async (sql: string, params: SqlParam[] = []) => ({ changes: this.prepare(sql).run(...params).changes }),
  };

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  all<T>(sql: string, params?: SqlParam[]): Promise<T[]> {
    return this.serial(() => this.runner.all<T>(sql, params));
  }
  get<T>(sql: string, params?: SqlParam[]): Promise<T | undefined> {
    return this.serial(() => this.runner.get<T>(sql, params));
  }
  run(sql: string, params?: SqlParam[]): Promise<{ changes: number }> {
    return this.serial(() => this.runner.run(sql, params));
  }

  tx<T>(fn: (q: SqlRunner) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      this.pendingNotifies = [];
      try {
        const out = await fn(this.runner);
        this.db.exec('COMMIT');
        const notes = this.pendingNotifies;
        this.pendingNotifies = null;
        for (const payload of notes) for (const l of this.listeners) l(payload);
        return out;
      } catch (error) {
        this.pendingNotifies = null;
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Delivered after the transaction commits, like PostgreSQL's NOTIFY. */
  async notify(_q: SqlRunner, payload: string): Promise<void> {
    if (this.pendingNotifies) this.pendingNotifies.push(payload);
    else for (const l of this.listeners) l(payload);
  }

  async onNotify(listener: (payload: string) => void): Promise<void> {
    this.listeners.push(listener);
  }

  /** Multi-statement SQL (migrations). */
  exec(sql: string): Promise<void> {
    return this.serial(async () => {
      this.db.exec(sql);
    });
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      if (!this.db.open) return;
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    });
  }
}
