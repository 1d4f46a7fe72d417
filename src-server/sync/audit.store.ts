import type { EntityName } from '../../src-shared/entities/index';
import type { AuditKind } from '../../src-shared/sync/protocol.contract';
import { placeholders, type SqlParam, type SqlRunner } from '../store/sql-store';

/** One audited value: a field's value before and after a change (no field: a delete, restore or bare move). */
export interface AuditValue {
  field: string | null;
  old: unknown;
  new: unknown;
}

export interface AuditChange {
  cn: number;
  entity: EntityName;
  recordId: string;
  kind: AuditKind;
  userId: string | null;
  deviceId: string | null;
  at: number;
}

const COLUMNS = ['cn', 'entity', 'record_id', 'kind', 'field', 'old_value', 'new_value', 'user_id', 'device_id', 'at'] as const;
/** Rows per INSERT: 10 columns × 40 stays far below both stores' bound-parameter limits. */
const ROWS_PER_INSERT = 40;

function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function blank(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** The values a record was created with (fields left empty say nothing and are left out). */
export function createdValues(fields: Record<string, unknown>): AuditValue[] {
  return Object.entries(fields)
    .filter(([, v]) => !blank(v))
    .map(([field, v]) => ({ field, old: null, new: v }));
}

/** The listed fields' values before and after a change. */
export function changedValues(fields: readonly string[], before: Record<string, unknown>, after: Record<string, unknown>): AuditValue[] {
  return fields.map((field) => ({ field, old: before[field] ?? null, new: after[field] ?? null }));
}

/**
 * Writes a change's audit rows, in the caller's transaction (the one that stores the change), so
 * the log never holds a change that was rolled back nor misses one that was kept. A change with no
 * values still gets one row, so every delete, restore and move shows in the record's history.
 */
export async function writeAudit(q: SqlRunner, change: AuditChange, values: AuditValue[]): Promise<void> {
  const rows = values.length > 0 ? values : [{ field: null, old: null, new: null }];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const params: SqlParam[] = [];
    for (const v of chunk) params.push(change.cn, change.entity, change.recordId, change.kind, v.field, json(v.old), json(v.new), change.userId, change.deviceId, change.at);
    const row = `(${placeholders(COLUMNS.length)})`;
    await q.run(`INSERT INTO record_audit (${COLUMNS.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`, params);
  }
}

export interface AuditRow {
  cn: number;
  kind: AuditKind;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  user_id: string | null;
  user_name: string | null;
  device_id: string | null;
  device_name: string | null;
  at: number;
}

/**
 * The rows of a record's `limit` latest changes before change `before` (all when null), newest
 * first, with the names of the user and device, and whether older changes exist. Paged by change,
 * not by row, so a change is never split between pages.
 */
export async function auditPage(q: SqlRunner, entity: EntityName, recordId: string, before: number | null, limit: number): Promise<{ rows: AuditRow[]; more: boolean }> {
  const upper = before ?? Number.MAX_SAFE_INTEGER;
  const cns = (
    await q.all<{ cn: number }>('SELECT DISTINCT cn FROM record_audit WHERE entity = ? AND record_id = ? AND cn < ? ORDER BY cn DESC LIMIT ?', [entity, recordId, upper, limit + 1])
  ).map((r) => Number(r.cn));
  const more = cns.length > limit;
  const page = cns.slice(0, limit);
  if (page.length === 0) return { rows: [], more: false };
  const rows = await q.all<AuditRow>(
    `SELECT a.cn, a.kind, a.field, a.old_value, a.new_value, a.user_id, u.name AS user_name, a.device_id, d.name AS device_name, a.at
     FROM record_audit a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN devices d ON d.id = a.device_id
     WHERE a.entity = ? AND a.record_id = ? AND a.cn >= ? AND a.cn <= ? ORDER BY a.cn DESC, a.id`,
    [entity, recordId, page[page.length - 1]!, page[0]!],
  );
  return { rows: rows.map((r) => ({ ...r, cn: Number(r.cn), at: Number(r.at) })), more };
}
