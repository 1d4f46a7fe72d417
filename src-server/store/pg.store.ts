import pg from 'pg';
import type { SqlParam, SqlRunner, SqlStore } from './sql-store';

// BIGINT (change numbers, epoch milliseconds) as numbers: every value stays below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

const CHANNEL = 'crm_changes';

function toPg(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function runnerFor(client: pg.Pool | pg.PoolClient): SqlRunner {
  return {
    all: async <T>(sql: string, params: SqlParam[] = []) => (await client.query(toPg(sql), params)).rows as T[],
    get: async <T>(sql: string, params: SqlParam[] = []) => (await client.query(toPg(sql), params)).rows[0] as T | undefined,
    run: async (sql: string, params: SqlParam[] = []) => ({ changes: (await client.query(toPg(sql), params)).rowCount ?? 0 }),
  };
}

/**
 * PostgreSQL, for production: several server instances share one database; notifications between
 * them go through LISTEN / NOTIFY on one dedicated connection per instance.
 */
export class PgStore implements SqlStore {
  readonly dialect = 'pg' as const;
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly runner: SqlRunner;
  private listener: pg.Client | null = null;
  private readonly listeners: ((payload: string) => void)[] = [];

  /** `schema`: tables live in this schema (created if missing); tests use a fresh one per run. */
  constructor(
    private readonly url: string,
    private readonly schema: string | null = null,
    poolSize = 10,
  ) {
    const shown = new URL(url);
    if (shown.password) shown.password = '***';
    this.location = shown.toString() + (schema ? ` (schema ${schema})` : '');
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    this.runner = runnerFor(this.pool);
  }

  async init(): Promise<void> {
    if (this.schema) {
      if (!/^[a-z_][a-z0-9_]*$/.test(this.schema)) throw new Error(`invalid schema name ${this.schema}`);
      const admin = new pg.Client({ connectionString: this.url });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      } finally {
        await admin.end();
      }
    }
  }

  all<T>(sql: string, params?: SqlParam[]): Promise<T[]> {
    return this.runner.all<T>(sql, params);
  }
  get<T>(sql: string, params?: SqlParam[]): Promise<T | undefined> {
    return this.runner.get<T>(sql, params);
  }
  run(sql: string, params?: SqlParam[]): Promise<{ changes: number }> {
    return this.runner.run(sql, params);
  }

  async tx<T>(fn: (q: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(runnerFor(client));
      await client.query('COMMIT');
      return out;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Multi-statement SQL (migrations), in one transaction under an advisory lock. */
  async exec(sql: string): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(sql);
    } finally {
      client.release();
    }
  }

  /** Runs `fn` holding a session advisory lock, so instances starting together migrate one at a time. */
  async withLock<T>(key: number, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [key]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [key]);
      }
    } finally {
      client.release();
    }
  }

  async notify(q: SqlRunner, payload: string): Promise<void> {
    // Inside a transaction NOTIFY is delivered at commit, to every instance including this one.
    await q.run('SELECT pg_notify(?, ?)', [CHANNEL, payload]);
  }

  async onNotify(listener: (payload: string) => void): Promise<void> {
    this.listeners.push(listener);
    if (this.listener) return;
    const client = new pg.Client({ connectionString: this.url });
    this.listener = client;
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) for (const l of this.listeners) l(msg.payload);
    });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
  }

  private closed = false;

  async close(): Promise<void> {
    // Idempotent, like the SQLite store's: shutdown paths may both get here.
    if (this.closed) return;
    this.closed = true;
    if (this.listener) await this.listener.end().catch(() => undefined);
    await this.pool.end();
  }
}
