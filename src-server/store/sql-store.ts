/**
 * The one database interface the server is written against. SQL uses `?` placeholders and the
 * subset both SQLite (3.35+) and PostgreSQL understand (ON CONFLICT, RETURNING); the PostgreSQL
 * store rewrites placeholders to $1..$n. Integers above 2^53 never occur (change numbers, epoch
 * milliseconds), so both stores hand back plain numbers.
 */
export type SqlParam = string | number | null;

export interface SqlRunner {
  all<T>(sql: string, params?: SqlParam[]): Promise<T[]>;
  get<T>(sql: string, params?: SqlParam[]): Promise<T | undefined>;
  run(sql: string, params?: SqlParam[]): Promise<{ changes: number }>;
}

export type Dialect = 'sqlite' | 'pg';

export interface SqlStore extends SqlRunner {
  readonly dialect: Dialect;
  /** Where the data lives, for logs and the health endpoint (a folder, or a URL without password). */
  readonly location: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. Writes
   * that number changes are serialised by the change counter's row lock, so change numbers become
   * visible in order (see sync.repository.ts).
   */
  tx<T>(fn: (q: SqlRunner) => Promise<T>): Promise<T>;
  /** Cross-instance notification (PostgreSQL NOTIFY at commit; in-process for SQLite). */
  notify(q: SqlRunner, payload: string): Promise<void>;
  /** Resolves once notifications are being received. */
  onNotify(listener: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** `IN (?, ?, ?)` for n values. Callers keep n under both stores' parameter limits. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
