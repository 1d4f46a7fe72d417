import type Database from 'better-sqlite3';
import { uuidv7 } from 'uuidv7';
import type { EntityName } from '../../../src-shared/entities/index';

export type OutboxOp = 'create' | 'update' | 'delete' | 'restore';

export interface OutboxEntry {
  seq: number;
  mutationId: string;
  entity: EntityName;
  recordId: string;
  op: OutboxOp;
  changes: Record<string, unknown>;
  base: Record<string, unknown>;
  createdAt: number;
  baseVersion: number | null;
}

/**
 * Local changes waiting to be pushed. Only the record repository appends, inside the same
 * transaction as the row it describes, so a change and its outbox entry exist together or not at all.
 */
export class OutboxRepository {
  private readonly insert: Database.Statement<[string, string, string, string, string, string, number, number | null]>;
  private readonly countAll: Database.Statement<[], { n: number }>;
  private byRecord: Database.Statement | null = null;
  private deleteOne: Database.Statement | null = null;

  constructor(private readonly sqlite: Database.Database) {
    this.insert = sqlite.prepare(
      'INSERT INTO outbox (mutation_id, entity, record_id, op, changes, base, created_at, base_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.countAll = sqlite.prepare('SELECT count(*) AS n FROM outbox');
  }

  append(entity: EntityName, recordId: string, op: OutboxOp, changes: Record<string, unknown>, base: Record<string, unknown>, at: number, baseVersion: number | null): void {
    this.insert.run(uuidv7(), entity, recordId, op, JSON.stringify(changes), JSON.stringify(base), at, baseVersion);
  }

  pendingCount(): number {
    return this.countAll.get()?.n ?? 0;
  }

  /** Oldest first, as they must be pushed. */
  peek(limit: number): OutboxEntry[] {
    const rows = this.sqlite
      .prepare('SELECT seq, mutation_id, entity, record_id, op, changes, base, created_at, base_version FROM outbox ORDER BY seq LIMIT ?')
      .all(limit) as OutboxRow[];
    return rows.map(toEntry);
  }

  /** Unsent entries of one record, oldest first (index outbox_record_idx: asked once per pulled change). */
  forRecord(entity: EntityName, recordId: string): OutboxEntry[] {
    this.byRecord ??= this.sqlite.prepare('SELECT * FROM outbox WHERE entity = ? AND record_id = ? ORDER BY seq');
    return (this.byRecord.all(entity, recordId) as OutboxRow[]).map(toEntry);
  }

  /** Fields with unsent changes on this record ('*' when a create or restore is pending: every field). */
  pendingFields(entity: EntityName, recordId: string): Set<string> {
    const out = new Set<string>();
    for (const e of this.forRecord(entity, recordId)) {
      if (e.op === 'create') out.add('*');
      for (const f of Object.keys(e.changes)) out.add(f);
    }
    return out;
  }

  remove(seqs: number[]): void {
    this.deleteOne ??= this.sqlite.prepare('DELETE FROM outbox WHERE seq = ?');
    for (const seq of seqs) this.deleteOne.run(seq);
  }

  /** Everything unsent, oldest first (sign-out checks, tests). */
  all(): OutboxEntry[] {
    return (this.sqlite.prepare('SELECT * FROM outbox ORDER BY seq').all() as OutboxRow[]).map(toEntry);
  }
}

interface OutboxRow {
  seq: number;
  mutation_id: string;
  entity: EntityName;
  record_id: string;
  op: OutboxOp;
  changes: string;
  base: string;
  created_at: number;
  base_version: number | null;
}

function toEntry(r: OutboxRow): OutboxEntry {
  return {
      seq: r.seq,
      mutationId: r.mutation_id,
      entity: r.entity,
      recordId: r.record_id,
      op: r.op,
      changes: JSON.parse(r.changes) as Record<string, unknown>,
      base: JSON.parse(r.base) as Record<string, unknown>,
    createdAt: r.created_at,
    baseVersion: r.base_version,
  };
}
