import type Database from 'better-sqlite3';
import type { SyncLogEntry } from '../../../src-shared/api/client-api.contract';

/** Entries kept: enough for support to see the last days of a laptop that syncs every minute. */
const KEEP = 5000;

/** The sync log: one line per request or event, exported by the user for support. */
export class SyncLogRepository {
  private readonly insert: Database.Statement;
  private writes = 0;

  constructor(private readonly sqlite: Database.Database) {
    this.insert = sqlite.prepare('INSERT INTO sync_log (at, kind, ok, detail, ms, bytes) VALUES (?, ?, ?, ?, ?, ?)');
  }

  add(entry: SyncLogEntry): void {
    this.insert.run(entry.at, entry.kind, entry.ok ? 1 : 0, entry.detail.slice(0, 2000), entry.ms, entry.bytes);
    // Trim now and then rather than on every write.
    if (++this.writes % 200 === 0) this.sqlite.prepare('DELETE FROM sync_log WHERE id <= (SELECT max(id) FROM sync_log) - ?').run(KEEP);
  }

  list(limit: number): SyncLogEntry[] {
    const rows = this.sqlite.prepare('SELECT at, kind, ok, detail, ms, bytes FROM sync_log ORDER BY id DESC LIMIT ?').all(limit) as (Omit<SyncLogEntry, 'ok'> & { ok: number })[];
    return rows.reverse().map((r) => ({ ...r, ok: r.ok === 1 }));
  }
}
