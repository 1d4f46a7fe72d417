import type Database from 'better-sqlite3';
import type { ConflictEntry } from '../../../src-shared/api/client-api.contract';
import type { EntityName } from '../../../src-shared/entities/index';

export type NewConflict = Omit<ConflictEntry, 'id' | 'createdAt' | 'resolvedAt' | 'resolution'> & { winningVersion: number | null };

interface ConflictRow {
  id: number;
  kind: ConflictEntry['kind'];
  entity: EntityName;
  record_id: string;
  title: string;
  op: string;
  field: string | null;
  mine: string;
  theirs: string | null;
  by_name: string | null;
  at: number | null;
  winning_version: number | null;
  code: string | null;
  message: string | null;
  issues: string | null;
  created_at: number;
  resolved_at: number | null;
  resolution: string | null;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/**
 * The conflict inbox. Entries are written in the same transaction as the push result that caused
 * them, so a value that lost (or was refused) is in the inbox before its outbox entry is gone.
 */
export class ConflictRepository {
  private readonly insertStmt: Database.Statement;
  private readonly countOpen: Database.Statement<[], { n: number }>;

  constructor(private readonly sqlite: Database.Database) {
    this.insertStmt = sqlite.prepare(
      `INSERT INTO conflict (kind, entity, record_id, title, op, field, mine, theirs, by_name, at, winning_version, code, message, issues, created_at)
       VALUES (@kind, @entity, @recordId, @title, @op, @field, @mine, @theirs, @byName, @at, @winningVersion, @code, @message, @issues, @createdAt)`,
    );
    this.countOpen = sqlite.prepare('SELECT count(*) AS n FROM conflict WHERE resolved_at IS NULL');
  }

  add(entry: NewConflict, now: number): number {
    const info = this.insertStmt.run({
      ...entry,
      mine: JSON.stringify(entry.mine),
      theirs: entry.theirs === null ? null : JSON.stringify(entry.theirs),
      issues: entry.issues === null ? null : JSON.stringify(entry.issues),
      createdAt: now,
    });
    return Number(info.lastInsertRowid);
  }

  openCount(): number {
    return this.countOpen.get()?.n ?? 0;
  }

  list(includeResolved: boolean): ConflictEntry[] {
    const rows = this.sqlite
      .prepare(`SELECT * FROM conflict ${includeResolved ? '' : 'WHERE resolved_at IS NULL'} ORDER BY id DESC LIMIT 5000`)
      .all() as ConflictRow[];
    return rows.map((r) => this.toEntry(r));
  }

  find(id: number): (ConflictEntry & { winningVersion: number | null }) | undefined {
    const row = this.sqlite.prepare('SELECT * FROM conflict WHERE id = ?').get(id) as ConflictRow | undefined;
    return row ? { ...this.toEntry(row), winningVersion: row.winning_version } : undefined;
  }

  resolve(id: number, resolution: string, now: number): void {
    this.sqlite.prepare('UPDATE conflict SET resolved_at = ?, resolution = ? WHERE id = ? AND resolved_at IS NULL').run(now, resolution, id);
  }

  private toEntry(r: ConflictRow): ConflictEntry {
    return {
      id: r.id,
      kind: r.kind,
      entity: r.entity,
      recordId: r.record_id,
      title: r.title,
      op: r.op,
      field: r.field,
      mine: parse<Record<string, unknown>>(r.mine) ?? {},
      theirs: parse<Record<string, unknown>>(r.theirs),
      byName: r.by_name,
      at: r.at,
      code: r.code,
      message: r.message,
      issues: parse<{ field: string; key: string }[]>(r.issues),
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      resolution: r.resolution,
    };
  }
}
