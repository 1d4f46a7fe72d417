import type { EntityName } from '../../src-shared/entities/index';
import { placeholders, type SqlRunner } from '../store/sql-store';

/** A record as the server keeps it: the entity's fields (and ownerId) as one JSON map. */
export interface StoredRecord {
  entity: EntityName;
  id: string;
  visKey: string;
  fields: Record<string, unknown>;
  /** The change number that last wrote each field. */
  fieldVersions: Record<string, number>;
  version: number;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  deletedAt: number | null;
  deletedBy: string | null;
}

interface RecordRow {
  entity: EntityName;
  id: string;
  vis_key: string;
  fields: string;
  field_versions: string;
  version: number;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
  deleted_at: number | null;
  deleted_by: string | null;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

function fromRow(r: RecordRow): StoredRecord {
  return {
    entity: r.entity,
    id: r.id,
    visKey: r.vis_key,
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    fieldVersions: JSON.parse(r.field_versions) as Record<string, number>,
    version: Number(r.version),
    createdAt: Number(r.created_at),
    createdBy: r.created_by,
    updatedAt: Number(r.updated_at),
    updatedBy: r.updated_by,
    deletedAt: num(r.deleted_at),
    deletedBy: r.deleted_by,
  };
}

/** Keeps IN lists below SQLite's default bound-parameter limit with room for other parameters. */
const CHUNK = 400;

export async function loadRecord(q: SqlRunner, entity: EntityName, id: string): Promise<StoredRecord | undefined> {
  const row = await q.get<RecordRow>('SELECT * FROM records WHERE entity = ? AND id = ?', [entity, id]);
  return row ? fromRow(row) : undefined;
}

export async function loadRecords(q: SqlRunner, entity: EntityName, ids: string[]): Promise<Map<string, StoredRecord>> {
  const out = new Map<string, StoredRecord>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const rows = await q.all<RecordRow>(`SELECT * FROM records WHERE entity = ? AND id IN (${placeholders(chunk.length)})`, [entity, ...chunk]);
    for (const r of rows) out.set(r.id, fromRow(r));
  }
  return out;
}

export async function insertRecord(q: SqlRunner, r: StoredRecord): Promise<void> {
  await q.run(
    `INSERT INTO records (entity, id, vis_key, fields, field_versions, version, created_at, created_by, updated_at, updated_by, deleted_at, deleted_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [r.entity, r.id, r.visKey, JSON.stringify(r.fields), JSON.stringify(r.fieldVersions), r.version, r.createdAt, r.createdBy, r.updatedAt, r.updatedBy, r.deletedAt, r.deletedBy],
  );
}

export async function saveRecord(q: SqlRunner, r: StoredRecord): Promise<void> {
  await q.run(
    `UPDATE records SET vis_key = ?, fields = ?, field_versions = ?, version = ?, updated_at = ?, updated_by = ?, deleted_at = ?, deleted_by = ?
     WHERE entity = ? AND id = ?`,
    [r.visKey, JSON.stringify(r.fields), JSON.stringify(r.fieldVersions), r.version, r.updatedAt, r.updatedBy, r.deletedAt, r.deletedBy, r.entity, r.id],
  );
}

/** Ids of the records whose cascading ref points at the parent (for moves, deletes, restores). */
export async function childIds(q: SqlRunner, childEntity: EntityName, parent: EntityName, parentId: string): Promise<string[]> {
  const rows = await q.all<{ id: string }>('SELECT id FROM record_refs WHERE entity = ? AND parent_entity = ? AND parent_id = ?', [childEntity, parent, parentId]);
  return rows.map((r) => r.id);
}

export async function setParentRef(q: SqlRunner, entity: EntityName, id: string, parent: EntityName, parentId: string | null): Promise<void> {
  if (parentId === null) {
    await q.run('DELETE FROM record_refs WHERE entity = ? AND id = ?', [entity, id]);
    return;
  }
  await q.run(
    `INSERT INTO record_refs (entity, id, parent_entity, parent_id) VALUES (?, ?, ?, ?)
     ON CONFLICT (entity, id) DO UPDATE SET parent_entity = excluded.parent_entity, parent_id = excluded.parent_id`,
    [entity, id, parent, parentId],
  );
}

/** The next change number. The counter row stays locked until commit, so numbers commit in order. */
export async function nextCn(q: SqlRunner): Promise<number> {
  const row = await q.get<{ value: number }>("UPDATE counters SET value = value + 1 WHERE name = 'cn' RETURNING value");
  if (!row) throw new Error('change counter missing');
  return Number(row.value);
}

export async function headCn(q: SqlRunner): Promise<number> {
  const row = await q.get<{ value: number }>("SELECT value FROM counters WHERE name = 'cn'");
  return Number(row?.value ?? 0);
}

/** The next value of a named sequence (customer numbers), created on first use. */
export async function nextSequence(q: SqlRunner, name: string): Promise<number> {
  await q.run('INSERT INTO counters (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING', [name]);
  const row = await q.get<{ value: number }>('UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value', [name]);
  return Number(row?.value ?? 0);
}

export type ChangeKind = 'create' | 'update' | 'delete' | 'restore' | 'move';

export async function logChange(
  q: SqlRunner,
  c: { cn: number; entity: EntityName; recordId: string; kind: ChangeKind; fields: string[] | null; visKey: string; oldVisKey: string | null; userId: string | null; deviceId: string | null; at: number },
): Promise<void> {
  await q.run('INSERT INTO changes (cn, entity, record_id, kind, fields, vis_key, old_vis_key, user_id, device_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    c.cn,
    c.entity,
    c.recordId,
    c.kind,
    c.fields === null ? null : JSON.stringify(c.fields),
    c.visKey,
    c.oldVisKey,
    c.userId,
    c.deviceId,
    c.at,
  ]);
}
