import type Database from 'better-sqlite3';
import { and, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { uuidv7 } from 'uuidv7';
import type { ListQuery, RecordData } from '../../../src-shared/api/client-api.contract';
import { cascadeChildren, entities, isEntityName, isJsonKind, type EntityName, type FieldDef } from '../../../src-shared/entities/index';
import { copiedFromRef, derivedValues, recordIssues } from '../../../src-shared/entities/rules';
import { followUpValues } from '../../../src-shared/sales/follow-up.rules';
import { validateValues } from '../../../src-shared/entities/record.schema';
import { provisionalNumber } from '../../../src-shared/entities/numbering.util';
import type { Access } from '../../../src-shared/permissions/access';
import { CrmError, type FieldIssue } from '../../../src-shared/result';
import { entityTables, tableColumns, updatedAtIndexName } from '../db/schema';
import type { Replica } from '../db/replica';
import { OutboxRepository } from '../outbox/outbox.repository';
import { SearchIndex } from '../search/search.index';
import { refuseAction, refuseFields, refuseOwner } from './record-access';
import { filterCondition, orderBy, quickFilterCondition } from './list-query.util';

type ParsedListQuery = Required<Omit<ListQuery, 'quick'>> & { quick?: string | undefined };

export interface ChangeSink {
  (entity: EntityName, ids: string[]): void;
}

/**
 * How a write is checked. `access`: the user's permissions, for what the user asked for (the
 * client API's writes); the core's own workflows (follow-up tasks, pool moves) leave it out.
 */
export interface WriteOptions {
  allowSystem?: boolean;
  access?: Access | null;
}

/** A field value as better-sqlite3 binds it (drizzle does this mapping on the query-builder path). */
function toSqlValue(def: FieldDef | undefined, value: unknown): unknown {
  if (value === undefined) return isJsonKind(def) ? '[]' : def?.kind === 'bool' ? 0 : null;
  if (isJsonKind(def)) return JSON.stringify(value ?? []);
  if (def?.kind === 'bool') return value ? 1 : 0;
  return value;
}

function fieldMode(fields: Record<string, FieldDef>, key: string): 'json' | 'bool' | 'plain' {
  const def = Object.hasOwn(fields, key) ? fields[key] : undefined;
  return isJsonKind(def) ? 'json' : def?.kind === 'bool' ? 'bool' : 'plain';
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return (a ?? null) === (b ?? null);
}

/**
 * Reads and writes records of every entity. Each write changes the row, appends its outbox entry
 * and updates the search index in one SQLite transaction. Deletes are tombstones (deletedAt set),
 * so undo is a restore and the sync engine can push the delete.
 */
export class RecordRepository {
  readonly outbox: OutboxRepository;
  readonly search: SearchIndex;
  private lastTick = 0;
  private readonly bulkInserts = new Map<EntityName, Database.Statement>();
  private readonly finders = new Map<EntityName, { stmt: Database.Statement; columns: { key: string; name: string; mode: 'json' | 'bool' | 'plain' }[] }>();
  private readonly titleLookups = new Map<EntityName, Database.Statement<[string], Record<string, unknown>>>();

  constructor(
    private readonly replica: Replica,
    private readonly currentUser: () => string,
    private readonly onChange: ChangeSink,
    private readonly now: () => number = Date.now,
  ) {
    this.outbox = new OutboxRepository(replica.sqlite);
    // Continue after the newest write already stored, in case the OS clock stepped back since.
    for (const def of Object.values(entities)) {
      const row = replica.sqlite.prepare(`SELECT max(updated_at) AS t FROM ${def.table} WHERE deleted_at IS NULL`).get() as { t: number | null };
      this.lastTick = Math.max(this.lastTick, row.t ?? 0);
    }
    this.search = new SearchIndex(replica.sqlite, (ent, id) => this.titleOf(ent, id));
  }

  /**
   * Write timestamps, strictly increasing within this replica even when two writes fall in the same
   * millisecond: restore finds the children deleted with a parent by their shared deletedAt, so two
   * deletes must never share one.
   */
  private tick(): number {
    this.lastTick = Math.max(this.now(), this.lastTick + 1);
    return this.lastTick;
  }

  /** The title of a live record, for search text that includes a parent's name. */
  private titleOf(entity: string, id: string): string | null {
    if (!isEntityName(entity)) return null;
    let stmt = this.titleLookups.get(entity);
    if (!stmt) {
      const def = entities[entity];
      const col = tableColumns(entity)[def.titleField]?.name ?? 'id';
      stmt = this.replica.sqlite.prepare(`SELECT "${col}" AS title FROM ${def.table} WHERE id = ? AND deleted_at IS NULL`);
      this.titleLookups.set(entity, stmt);
    }
    const row = stmt.get(id);
    return row ? String(row.title ?? '') : null;
  }

  private table(entity: EntityName): SQLiteTable {
    return entityTables[entity] as unknown as SQLiteTable;
  }

  private col(entity: EntityName, name: string) {
    const col = tableColumns(entity)[name];
    if (!col) throw new CrmError('BAD_REQUEST', `${entity} has no column ${name}`);
    return col;
  }

  /**
   * The record including tombstones, or undefined. One prepared statement per entity and a
   * column map instead of the query builder: sync applies thousands of these per page.
   */
  find(entity: EntityName, id: string): RecordData | undefined {
    let finder = this.finders.get(entity);
    if (!finder) {
      const columns = Object.entries(tableColumns(entity)).map(([key, col]) => ({ key, name: col.name, mode: fieldMode(entities[entity].fields as Record<string, FieldDef>, key) }));
      finder = { stmt: this.replica.sqlite.prepare(`SELECT * FROM ${entities[entity].table} WHERE id = ?`), columns };
      this.finders.set(entity, finder);
    }
    const raw = finder.stmt.get(id) as Record<string, unknown> | undefined;
    if (!raw) return undefined;
    const out: Record<string, unknown> = {};
    for (const c of finder.columns) {
      const v = raw[c.name];
      out[c.key] = c.mode === 'json' ? (typeof v === 'string' ? (JSON.parse(v) as unknown) : v) : c.mode === 'bool' ? v === 1 || v === true : v;
    }
    return out as RecordData;
  }

  get(entity: EntityName, id: string): RecordData {
    const record = this.find(entity, id);
    if (!record || record.deletedAt !== null) throw new CrmError('NOT_FOUND', `${entity} ${id} not found`);
    return record;
  }

  list(query: ParsedListQuery): { rows: RecordData[]; total: number | null } {
    const { entity } = query;
    const conds: SQL[] = [isNull(this.col(entity, 'deletedAt'))];
    for (const filter of query.filters) conds.push(filterCondition(entity, filter));
    if (query.quick) {
      const quick = quickFilterCondition(entity, query.quick);
      if (quick) conds.push(quick);
    }
    const where = and(...conds);
    // Row ids first, then rows: the page's rowids come from the field's index alone, so a deep
    // offset steps over index entries instead of whole rows.
    const rowids = (
      this.replica.db
        .select({ rid: sql<number>`rowid` })
        .from(this.table(entity))
        .where(where)
        .orderBy(...orderBy(entity, query.sort))
        .limit(query.limit)
        .offset(query.offset)
        .all() as { rid: number }[]
    ).map((r) => r.rid);
    const byRowid = new Map<number, RecordData>();
    if (rowids.length > 0) {
      const found = this.replica.db
        .select({ rid: sql<number>`rowid`, row: this.table(entity) })
        .from(this.table(entity))
        .where(sql`rowid IN ${rowids}`)
        .all() as { rid: number; row: RecordData }[];
      for (const f of found) byRowid.set(f.rid, f.row);
    }
    const rows = rowids.map((rid) => byRowid.get(rid)).filter((r): r is RecordData => r !== undefined);
    let total: number | null = null;
    if (query.withTotal && conds.length === 1) {
      // Unfiltered: with statistics the planner scans the table to count; a partial index over
      // live rows is a fifth of the pages.
      const def = entities[entity];
      total = (this.replica.sqlite.prepare(`SELECT count(*) AS n FROM ${def.table} INDEXED BY ${updatedAtIndexName(def)} WHERE deleted_at IS NULL`).get() as { n: number }).n;
    } else if (query.withTotal) {
      total = this.replica.db.select({ n: count() }).from(this.table(entity)).where(where).get()?.n ?? 0;
    }
    return { rows, total };
  }

  /** Live records by id (for a page, search hits, ref titles); deleted ones are left out. */
  titles(entity: EntityName, ids: string[]): Map<string, RecordData> {
    const out = new Map<string, RecordData>();
    if (ids.length === 0) return out;
    // Chunked: SQLite limits the number of bound parameters in one statement.
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.replica.db
        .select()
        .from(this.table(entity))
        .where(and(isNull(this.col(entity, 'deletedAt')), sql`${this.col(entity, 'id')} IN ${chunk}`))
        .all() as RecordData[];
      for (const row of rows) out.set(row.id, row);
    }
    return out;
  }

  private checkRefs(entity: EntityName, values: Record<string, unknown>): FieldIssue[] {
    const issues: FieldIssue[] = [];
    for (const [name, field] of Object.entries(entities[entity].fields as Record<string, FieldDef>)) {
      if (field.kind !== 'ref' || !(name in values) || values[name] === null) continue;
      if (!isEntityName(field.entity)) continue;
      const target = this.find(field.entity, String(values[name]));
      if (!target || target.deletedAt !== null) issues.push({ field: name, key: 'validation.ref' });
    }
    return issues;
  }

  /**
   * The record rules of src-shared/entities/rules.ts at write time, plus what the core stamps:
   * values copied from a referenced record (an opportunity's status from its stage, and the
   * stage's probability unless one was typed), totals from lines, and the moments a deal changed
   * stage or closed, an order was approved / shipped / completed, a task was done. Returns the
   * values to write with the user's (system fields included) and the issues found.
   */
  private withRules(entity: EntityName, before: RecordData | null, values: Record<string, unknown>, input: Record<string, unknown>, now: number): { values: Record<string, unknown>; issues: FieldIssue[] } {
    const out = { ...values };
    const merged = (): Record<string, unknown> => ({ ...(before ?? {}), ...out });
    const changed = (field: string) => field in out && (before === null || !sameValue(before[field], out[field]));
    for (const copy of copiedFromRef[entity] ?? []) {
      if (!changed(copy.ref) || typeof out[copy.ref] !== 'string') continue;
      const def = (entities[entity].fields as Record<string, FieldDef>)[copy.ref];
      if (def?.kind !== 'ref' || !isEntityName(def.entity)) continue;
      const target = this.find(def.entity, String(out[copy.ref]));
      if (target) out[copy.field] = target[copy.from];
      if (entity === 'opportunity' && target && !('probability' in input)) out.probability = target.probability ?? null;
    }
    if (entity === 'opportunity') {
      if (changed('stageId')) out.stageChangedAt = now;
      if (changed('status')) out.closedAt = out.status === 'open' ? null : now;
    }
    if (entity === 'order' && changed('status')) {
      const stamp: Record<string, string> = { approved: 'approvedAt', shipped: 'shippedAt', completed: 'completedAt' };
      const field = stamp[String(out.status)];
      if (field) out[field] = now;
    }
    if (entity === 'task' && changed('status')) out.completedAt = out.status === 'done' ? now : null;
    const current = merged();
    for (const [field, value] of Object.entries(derivedValues(entity, current))) {
      // Whatever was sent for a derived field, the stored value is the one the rule gives.
      if (before === null || !sameValue(current[field], value)) out[field] = value;
    }
    return { values: out, issues: recordIssues(entity, before, merged()) };
  }

  /**
   * Follow-up discipline on this replica (src-shared/sales/follow-up.rules.ts): the activity's
   * account or lead shows its new last / next follow-up at once, offline too. Nothing is queued:
   * the server makes the same change when the activity reaches it and sends it to every client.
   */
  private followUp(activity: Record<string, unknown>): void {
    const parentEntity = typeof activity.accountId === 'string' && activity.accountId !== '' ? 'account' : typeof activity.leadId === 'string' && activity.leadId !== '' ? 'lead' : null;
    if (!parentEntity) return;
    const parentId = String(parentEntity === 'account' ? activity.accountId : activity.leadId);
    const parent = this.find(parentEntity, parentId);
    if (!parent || parent.deletedAt !== null) return;
    const values = followUpValues(parent, activity);
    if (Object.keys(values).length === 0) return;
    this.replica.db.update(this.table(parentEntity)).set(values).where(eq(this.col(parentEntity, 'id'), parentId)).run();
    this.onChange(parentEntity, [parentId]);
  }

  create(entity: EntityName, input: Record<string, unknown>, id?: string, options: WriteOptions = {}): RecordData {
    if (options.access !== undefined) refuseAction(options.access, entity, 'create');
    const validated = validateValues(entity, input, 'create', options);
    const issues = validated.issues;
    issues.push(...this.checkRefs(entity, validated.values));
    if (issues.length > 0) throw new CrmError('VALIDATION', `invalid ${entity}`, issues);
    if (options.access !== undefined) {
      refuseFields(options.access, entity, validated.values, null);
      refuseOwner(options.access, entity, validated.values, null, this.currentUser());
    }
    if (id && this.find(entity, id)) throw new CrmError('BAD_REQUEST', `${entity} ${id} already exists`);
    const now = this.tick();
    const ruled = this.withRules(entity, null, validated.values, input, now);
    if (ruled.issues.length > 0) throw new CrmError('VALIDATION', `invalid ${entity}`, ruled.issues);
    const values = ruled.values;
    const user = this.currentUser();
    const row: Record<string, unknown> = {
      ...values,
      id: id ?? uuidv7(),
      ownerId: typeof values.ownerId === 'string' ? values.ownerId : user,
      createdAt: now,
      createdBy: user,
      updatedAt: now,
      updatedBy: user,
      deletedAt: null,
    };
    const recordId = String(row.id);
    // Server-assigned numbers: a provisional one until the server's answer replaces it.
    for (const [name, def] of Object.entries(entities[entity].fields as Record<string, FieldDef>)) {
      if (def.serverAssigned) row[name] = provisionalNumber(entity, name, recordId);
    }
    this.replica.sqlite.transaction(() => {
      this.replica.db.insert(this.table(entity)).values(row).run();
      const changes = Object.fromEntries(Object.entries(row).filter(([k]) => !['id', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt', 'syncVersion'].includes(k)));
      this.outbox.append(entity, recordId, 'create', changes, {}, now, null);
      this.search.put(entity, { ...row, id: recordId });
    })();
    this.onChange(entity, [recordId]);
    if (entity === 'activity') this.followUp(row);
    return this.get(entity, recordId);
  }

  update(entity: EntityName, id: string, input: Record<string, unknown>, options: WriteOptions = {}): RecordData {
    const existing = this.get(entity, id);
    if (options.access !== undefined) refuseAction(options.access, entity, 'update');
    const validated = validateValues(entity, input, 'update', options);
    const issues = [...validated.issues, ...this.checkRefs(entity, validated.values)];
    if (issues.length > 0) throw new CrmError('VALIDATION', `invalid ${entity}`, issues);
    if (options.access !== undefined) {
      refuseFields(options.access, entity, validated.values, existing);
      refuseOwner(options.access, entity, validated.values, existing, this.currentUser());
    }
    const ruled = this.withRules(entity, existing, validated.values, input, this.now());
    if (ruled.issues.length > 0) throw new CrmError('VALIDATION', `invalid ${entity}`, ruled.issues);
    const values = ruled.values;
    const changes: Record<string, unknown> = {};
    const base: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      if (!sameValue(existing[name], value)) {
        changes[name] = value;
        base[name] = existing[name] ?? null;
      }
    }
    if (Object.keys(changes).length === 0) return existing;
    const now = this.tick();
    const user = this.currentUser();
    this.replica.sqlite.transaction(() => {
      this.replica.db
        .update(this.table(entity))
        .set({ ...changes, updatedAt: now, updatedBy: user })
        .where(eq(this.col(entity, 'id'), id))
        .run();
      this.outbox.append(entity, id, 'update', changes, base, now, typeof existing.syncVersion === 'number' ? existing.syncVersion : null);
      this.search.put(entity, { ...existing, ...changes, id });
      if (entities[entity].titleField in changes) this.reindexReferrers(entity, id);
    })();
    this.onChange(entity, [id]);
    if (entity === 'activity' && ['occurredAt', 'nextFollowUpAt', 'accountId', 'leadId'].some((f) => f in changes)) this.followUp({ ...existing, ...changes });
    return this.get(entity, id);
  }

  /**
   * Sets deleted_at on the record and on its cascading children selected by `childDeletedAt`
   * (live ones for a delete, those deleted with the parent for a restore), in one transaction,
   * with an outbox entry and a search update per record. Returns the ids touched per entity.
   */
  private setDeleted(entity: EntityName, id: string, op: 'delete' | 'restore', childDeletedAt: number | null, access?: Access | null): Map<EntityName, string[]> {
    const now = this.tick();
    const stamp = op === 'delete' ? now : null;
    const user = this.currentUser();
    const touched = new Map<EntityName, string[]>();
    this.replica.sqlite.transaction(() => {
      const visit = (ent: EntityName, recordId: string) => {
        // Each record going with the parent is a delete of its own on the server: refused there
        // when its entity may not be deleted, so refused here as a whole (the transaction rolls back).
        if (access !== undefined) refuseAction(access, ent, 'delete');
        const version = this.find(ent, recordId)?.syncVersion;
        this.replica.db
          .update(this.table(ent))
          .set({ deletedAt: stamp, updatedAt: now, updatedBy: user })
          .where(eq(this.col(ent, 'id'), recordId))
          .run();
        this.outbox.append(ent, recordId, op, {}, {}, now, typeof version === 'number' ? version : null);
        if (stamp === null) {
          const restored = this.find(ent, recordId);
          if (restored) this.search.put(ent, restored);
        } else {
          this.search.remove(ent, recordId);
        }
        touched.set(ent, [...(touched.get(ent) ?? []), recordId]);
        for (const child of cascadeChildren(ent)) {
          const deletedCol = this.col(child.entity, 'deletedAt');
          const kids = this.replica.db
            .select({ id: this.col(child.entity, 'id') })
            .from(this.table(child.entity))
            .where(and(eq(this.col(child.entity, child.field), recordId), childDeletedAt === null ? isNull(deletedCol) : eq(deletedCol, childDeletedAt)))
            .all() as { id: string }[];
          for (const kid of kids) visit(child.entity, kid.id);
        }
      };
      visit(entity, id);
    })();
    for (const [ent, ids] of touched) this.onChange(ent, ids);
    return touched;
  }

  /**
   * Tombstones the record and, with the same timestamp, its cascading children (an account's
   * contacts). The shared timestamp is how restore knows which children went with it.
   */
  delete(entity: EntityName, id: string, options: Pick<WriteOptions, 'access'> = {}): number {
    this.get(entity, id);
    const touched = this.setDeleted(entity, id, 'delete', null, options.access);
    return [...touched.values()].reduce((n, ids) => n + ids.length, 0);
  }

  /** Undoes a delete: the record and the children that were deleted with it come back. */
  restore(entity: EntityName, id: string, options: Pick<WriteOptions, 'access'> = {}): RecordData {
    const record = this.find(entity, id);
    if (!record) throw new CrmError('NOT_FOUND', `${entity} ${id} not found`);
    if (record.deletedAt === null) return record;
    const parentIssues = this.checkRefs(entity, record);
    if (parentIssues.length > 0) throw new CrmError('VALIDATION', `the parent of ${entity} ${id} is deleted`, parentIssues);
    // Undoing a delete takes what deleting does (as on the server).
    this.setDeleted(entity, id, 'restore', record.deletedAt, options.access);
    return this.get(entity, id);
  }

  /**
   * Loads rows that did not originate as local edits (demo data, and later snapshots from the
   * server): no outbox entries, indexed for search, in one transaction per call. Uses one prepared
   * statement per entity instead of the query builder: building SQL per row cost more than SQLite
   * spent writing it.
   */
  bulkLoad(entity: EntityName, rows: (Record<string, unknown> & { id: string })[]): void {
    const now = this.now();
    const user = this.currentUser();
    const columns = Object.entries(tableColumns(entity));
    let insert = this.bulkInserts.get(entity);
    if (!insert) {
      const names = columns.map(([, c]) => `"${c.name}"`).join(', ');
      insert = this.replica.sqlite.prepare(`INSERT INTO ${entities[entity].table} (${names}) VALUES (${columns.map(() => '?').join(', ')})`);
      this.bulkInserts.set(entity, insert);
    }
    const fields = entities[entity].fields as Record<string, FieldDef>;
    const stmt = insert;
    this.replica.sqlite.transaction(() => {
      for (const r of rows) {
        const row: Record<string, unknown> = { ownerId: user, createdAt: now, createdBy: user, updatedAt: now, updatedBy: user, deletedAt: null, ...r };
        stmt.run(columns.map(([key]) => toSqlValue(fields[key], row[key])));
        this.search.putNew(entity, row as Record<string, unknown> & { id: string });
      }
    })();
  }

  /** Records whose search text includes this record's title (contacts carry their account's name). */
  private reindexReferrers(entity: EntityName, id: string): void {
    for (const name of Object.keys(entityTables) as EntityName[]) {
      for (const [field, def] of Object.entries(entities[name].fields as Record<string, FieldDef>)) {
        if (def.kind !== 'ref' || !def.search || def.entity !== entity) continue;
        const rows = this.replica.db
          .select()
          .from(this.table(name))
          .where(and(eq(this.col(name, field), id), isNull(this.col(name, 'deletedAt'))))
          .all() as RecordData[];
        for (const row of rows) this.search.put(name, row);
      }
    }
  }

  /** Re-indexes every live record of every entity, in one transaction. */
  rebuildSearch(): number {
    let n = 0;
    this.replica.sqlite.transaction(() => {
      this.search.clear();
      for (const entity of Object.keys(entityTables) as EntityName[]) {
        const rows = this.replica.db.select().from(this.table(entity)).where(isNull(this.col(entity, 'deletedAt'))).all() as RecordData[];
        for (const row of rows) this.search.put(entity, row);
        n += rows.length;
      }
    })();
    return n;
  }

  analyze(): void {
    this.replica.analyze();
  }

  isEmpty(entity: EntityName): boolean {
    return this.replica.db.select({ id: this.col(entity, 'id') }).from(this.table(entity)).limit(1).all().length === 0;
  }
}
