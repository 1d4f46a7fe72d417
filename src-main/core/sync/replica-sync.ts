import type Database from 'better-sqlite3';
import type { RecordData } from '../../../src-shared/api/client-api.contract';
import { entities, entityNames, isEntityName, isJsonKind, type EntityName, type FieldDef } from '../../../src-shared/entities/index';
import { hiddenFields, type Access } from '../../../src-shared/permissions/access';
import type { Change, MutationResult, SnapshotPage } from '../../../src-shared/sync/protocol.contract';
import { tableColumns, updatedAtIndexName } from '../db/schema';
import type { OutboxEntry } from '../outbox/outbox.repository';
import type { RecordRepository } from '../records/record.repository';
import type { ConflictRepository } from './conflict.repository';

/** Records touched by one step of the engine, for the UI's change events. */
export type Touched = Map<EntityName, Set<string>>;

function touch(t: Touched, entity: EntityName, id: string): void {
  let ids = t.get(entity);
  if (!ids) t.set(entity, (ids = new Set()));
  ids.add(id);
}

function sqlValue(def: FieldDef | undefined, value: unknown): unknown {
  if (isJsonKind(def)) return JSON.stringify(Array.isArray(value) ? value : []);
  if (def?.kind === 'bool') return value ? 1 : 0;
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

const SYSTEM = new Set(['id', 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt', 'syncVersion']);

/**
 * Writes what the server says into the replica, without outbox entries: push answers, pulled
 * changes and snapshot pages. Each call is one SQLite transaction, so a killed process leaves
 * either all of a page (with its cursor) or none of it.
 *
 * Pending local edits stay on top: a pulled value for a field with an unsent change is parked in
 * pulled_shadow instead of overwriting what the user typed, and becomes the field's value if the
 * server refuses the edit or someone wrote the field after it.
 */
/** The value the server stored for a pushed field: what it answered in `assigned`, else what was sent. */
function served(assigned: Record<string, unknown> | undefined, field: string, sent: unknown): unknown {
  return assigned && Object.hasOwn(assigned, field) ? assigned[field] : sent;
}

export class ReplicaSync {
  private readonly fieldsOf = new Map<EntityName, Record<string, FieldDef>>();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly snapshotPlans = new Map<string, { insert: Database.Statement; params: (values: unknown[]) => unknown[] }>();
  /** Fields the user's access hides, per entity (see applyAccess): never written into the replica. */
  private hidden = new Map<EntityName, Set<string>>();

  constructor(
    private readonly sqlite: Database.Database,
    private readonly records: RecordRepository,
    private readonly conflicts: ConflictRepository,
    private readonly now: () => number = Date.now,
  ) {
    for (const [name, def] of Object.entries(entities)) this.fieldsOf.set(name as EntityName, def.fields as Record<string, FieldDef>);
  }

  /** Statements by SQL text: a pulled page runs the same few shapes thousands of times. */
  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private column(entity: EntityName, field: string): string | null {
    return tableColumns(entity)[field]?.name ?? null;
  }

  /** Sets columns of a row by field name; unknown fields (from a newer server) are skipped. */
  private writeFields(entity: EntityName, id: string, values: Record<string, unknown>): void {
    const sets: string[] = [];
    const params: unknown[] = [];
    const defs = this.fieldsOf.get(entity) ?? {};
    const hidden = this.hidden.get(entity);
    for (const [field, value] of Object.entries(values)) {
      const col = this.column(entity, field);
      if (!col || field === 'id') continue;
      sets.push(`"${col}" = ?`);
      // A hidden field stays blank whatever arrives: a refused edit settles on its base value,
      // which may be from before the field was hidden.
      params.push(sqlValue(defs[field], hidden?.has(field) ? null : value));
    }
    if (sets.length === 0) return;
    this.prepare(`UPDATE ${entities[entity].table} SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
  }

  private insertRow(entity: EntityName, row: Record<string, unknown> & { id: string }): void {
    const defs = this.fieldsOf.get(entity) ?? {};
    const cols = Object.entries(tableColumns(entity));
    const names = cols.map(([, c]) => `"${c.name}"`).join(', ');
    const values = cols.map(([key]) => {
      const v = row[key];
      if (v === undefined) return isJsonKind(defs[key]) ? '[]' : defs[key]?.kind === 'bool' ? 0 : key === 'deletedAt' ? null : null;
      return sqlValue(defs[key], v);
    });
    this.prepare(`INSERT OR REPLACE INTO ${entities[entity].table} (${names}) VALUES (${cols.map(() => '?').join(', ')})`).run(...values);
  }

  private reindex(entity: EntityName, id: string): void {
    const row = this.records.find(entity, id);
    if (row && row.deletedAt === null) this.records.search.put(entity, row);
    else this.records.search.remove(entity, id);
  }

  private setShadow(entity: EntityName, id: string, field: string, value: unknown, cn: number): void {
    this
      .prepare(
        `INSERT INTO pulled_shadow (entity, record_id, field, value, cn) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (entity, record_id, field) DO UPDATE SET value = excluded.value, cn = excluded.cn WHERE excluded.cn >= pulled_shadow.cn`,
      )
      .run(entity, id, field, JSON.stringify(value ?? null), cn);
  }

  private takeShadow(entity: EntityName, id: string, field: string): { value: unknown; cn: number } | null {
    const row = this.prepare('SELECT value, cn FROM pulled_shadow WHERE entity = ? AND record_id = ? AND field = ?').get(entity, id, field) as { value: string; cn: number } | undefined;
    if (!row) return null;
    this.prepare('DELETE FROM pulled_shadow WHERE entity = ? AND record_id = ? AND field = ?').run(entity, id, field);
    return { value: JSON.parse(row.value) as unknown, cn: row.cn };
  }

  private title(entity: EntityName, id: string, fallback: Record<string, unknown>): string {
    const row = this.records.find(entity, id);
    const field = entities[entity].titleField;
    const value = row?.[field] ?? fallback[field];
    return typeof value === 'string' && value !== '' ? value : id;
  }

  private bumpVersion(entity: EntityName, id: string, version: number): void {
    const table = entities[entity].table;
    this.prepare(`UPDATE ${table} SET sync_version = ? WHERE id = ? AND (sync_version IS NULL OR sync_version < ?)`).run(version, id, version);
  }

  /**
   * A field's edit has been answered and no later unsent edit touches it: the field settles on the
   * newest server value known (`winner`, or a parked pulled value written after it).
   */
  private settleField(entry: OutboxEntry, field: string, winner: { value: unknown; cn: number } | null, laterPending: Set<string>): boolean {
    if (laterPending.has(field) || laterPending.has('*')) return false;
    // Server-assigned numbers arrive in the answer itself; the provisional one is never settled back.
    if (this.fieldsOf.get(entry.entity)?.[field]?.serverAssigned) {
      this.takeShadow(entry.entity, entry.recordId, field);
      return false;
    }
    const shadow = this.takeShadow(entry.entity, entry.recordId, field);
    // A value pulled at the same change number as the winner is the server's state after it.
    const best = shadow && (!winner || shadow.cn >= winner.cn) ? shadow : winner;
    if (!best) return false;
    if (!this.records.find(entry.entity, entry.recordId)) return false;
    this.writeFields(entry.entity, entry.recordId, { [field]: best.value });
    return true;
  }

  /**
   * Writes what the server stored differently from what was pushed (its numbers, the values its
   * rules derived), except fields the user has changed again since: their own push settles them.
   * Server-assigned numbers are never edited, so they are always written.
   */
  private writeAssigned(entry: OutboxEntry, assigned: Record<string, unknown> | undefined, laterPending: Set<string>): void {
    if (!assigned) return;
    const defs = this.fieldsOf.get(entry.entity) ?? {};
    const values = Object.fromEntries(Object.entries(assigned).filter(([field]) => defs[field]?.serverAssigned || !(laterPending.has(field) || laterPending.has('*'))));
    this.writeFields(entry.entity, entry.recordId, values);
  }

  /**
   * Stores the server's answers to pushed outbox entries (same order), removes the entries and
   * files what lost or was refused in the conflict inbox, in one transaction.
   */
  applyPushResults(entries: OutboxEntry[], results: MutationResult[]): { touched: Touched; inbox: number } {
    const touched: Touched = new Map();
    let inbox = 0;
    const now = this.now();
    this.sqlite.transaction(() => {
      const bySeq = new Map(results.map((r) => [r.seq, r]));
      for (const entry of entries) {
        const result = bySeq.get(entry.seq);
        if (!result) continue;
        this.records.outbox.remove([entry.seq]);
        const later = this.records.outbox.pendingFields(entry.entity, entry.recordId);
        const exists = this.records.find(entry.entity, entry.recordId) !== undefined;
        switch (result.status) {
          case 'applied': {
            if (exists) {
              this.bumpVersion(entry.entity, entry.recordId, result.version);
              this.writeAssigned(entry, result.assigned, later);
              for (const field of Object.keys(entry.changes)) this.settleField(entry, field, { value: served(result.assigned, field, entry.changes[field]), cn: result.version }, later);
              touch(touched, entry.entity, entry.recordId);
            }
            break;
          }
          case 'conflict': {
            if (result.deleted) {
              this.conflicts.add(
                {
                  kind: 'deleted',
                  entity: entry.entity,
                  recordId: entry.recordId,
                  title: this.title(entry.entity, entry.recordId, entry.changes),
                  op: entry.op,
                  field: null,
                  mine: entry.changes,
                  theirs: null,
                  byName: result.deleted.by.name,
                  at: result.deleted.at,
                  winningVersion: result.version,
                  code: null,
                  message: null,
                  issues: null,
                },
                now,
              );
              inbox++;
              // The record keeps the server's values (it is deleted there): the edit lives in the
              // inbox, and restoring it re-applies the edit as a change of its own.
              for (const field of Object.keys(entry.changes)) this.settleField(entry, field, { value: entry.base[field] ?? null, cn: -1 }, later);
              break;
            }
            if (exists) {
              this.bumpVersion(entry.entity, entry.recordId, result.version);
              this.writeAssigned(entry, result.assigned, later);
            }
            for (const field of Object.keys(entry.changes)) {
              const lost = result.lost?.find((l) => l.field === field);
              if (!lost) {
                this.settleField(entry, field, { value: served(result.assigned, field, entry.changes[field]), cn: result.version }, later);
                continue;
              }
              this.conflicts.add(
                {
                  kind: 'field',
                  entity: entry.entity,
                  recordId: entry.recordId,
                  title: this.title(entry.entity, entry.recordId, entry.changes),
                  op: entry.op,
                  field,
                  mine: { [field]: entry.changes[field] ?? null },
                  theirs: { [field]: lost.theirs },
                  byName: lost.by.name,
                  at: lost.at,
                  winningVersion: lost.cn,
                  code: null,
                  message: null,
                  issues: null,
                },
                now,
              );
              inbox++;
              this.settleField(entry, field, { value: lost.theirs, cn: lost.cn }, later);
            }
            if (exists) touch(touched, entry.entity, entry.recordId);
            break;
          }
          case 'rejected': {
            const mine = entry.op === 'create' ? Object.fromEntries(Object.entries(entry.changes).filter(([k]) => !SYSTEM.has(k) || k === 'ownerId')) : entry.changes;
            this.conflicts.add(
              {
                kind: 'rejected',
                entity: entry.entity,
                recordId: entry.recordId,
                title: this.title(entry.entity, entry.recordId, entry.changes),
                op: entry.op,
                field: null,
                mine,
                theirs: null,
                byName: null,
                at: null,
                winningVersion: null,
                code: result.code,
                message: result.message,
                issues: result.issues?.map((i) => ({ field: i.field, key: i.key })) ?? null,
              },
              now,
            );
            inbox++;
            if (!exists) break;
            if (entry.op === 'create') {
              // The server never had it: the record leaves the replica; what was typed is in the inbox.
              if (!later.has('*')) this.dropRecord(entry.entity, entry.recordId, touched);
            } else if (entry.op === 'update') {
              for (const field of Object.keys(entry.changes)) {
                this.settleField(entry, field, { value: entry.base[field] ?? null, cn: -1 }, later);
              }
              touch(touched, entry.entity, entry.recordId);
            }
            break;
          }
          default: {
            const exhaustive: never = result;
            return exhaustive;
          }
        }
        this.reindex(entry.entity, entry.recordId);
      }
    })();
    return { touched, inbox };
  }

  /** Removes a record and its cascading children from the replica (not a delete: nothing is sent). */
  dropRecord(entity: EntityName, id: string, touched: Touched): void {
    for (const name of Object.keys(entities) as EntityName[]) {
      for (const [field, def] of Object.entries(this.fieldsOf.get(name) ?? {})) {
        if (def.kind !== 'ref' || !def.cascade || def.entity !== entity) continue;
        const col = this.column(name, field);
        if (!col) continue;
        const kids = this.sqlite.prepare(`SELECT id FROM ${entities[name].table} WHERE "${col}" = ?`).all(id) as { id: string }[];
        for (const kid of kids) this.dropRecord(name, kid.id, touched);
      }
    }
    this.sqlite.prepare(`DELETE FROM ${entities[entity].table} WHERE id = ?`).run(id);
    this.sqlite.prepare('DELETE FROM pulled_shadow WHERE entity = ? AND record_id = ?').run(entity, id);
    this.records.search.remove(entity, id);
    touch(touched, entity, id);
  }

  /**
   * The fields an access hides, per entity, that this replica has columns for. Only the fields
   * of the entity definitions: system columns (owner, times) are never hidden.
   */
  private hiddenBy(access: Access | null): Map<EntityName, Set<string>> {
    const out = new Map<EntityName, Set<string>>();
    if (!access) return out;
    for (const entity of entityNames) {
      const defs = this.fieldsOf.get(entity) ?? {};
      const fields = hiddenFields(access, entity).filter((f) => Object.hasOwn(defs, f) && this.column(entity, f) !== null);
      if (fields.length > 0) out.set(entity, new Set(fields));
    }
    return out;
  }

  /** The user's access as stored at start (no clearing: it was applied when it arrived). */
  useAccess(access: Access | null): void {
    this.hidden = this.hiddenBy(access);
  }

  /**
   * Brings the replica in line with a new access: every field it hides is cleared in every record
   * (the server stops sending a field that becomes hidden but sends no nulls for it), with the
   * pulled values parked for it, the before-values of unsent edits to it (a refused edit would
   * settle the field back on them) and the winning values of inbox entries; the search entries of
   * the records whose searchable text lost something are made again. What the user typed (unsent
   * edits, their side in the inbox) stays theirs. Fields revealed again are left as they are: the
   * server sends their values with the rescope. Runs in one transaction (or the caller's).
   */
  applyAccess(access: Access | null, touched: Touched): void {
    const hidden = this.hiddenBy(access);
    this.sqlite.transaction(() => {
      let reindexed = false;
      for (const [entity, fields] of hidden) {
        const defs = this.fieldsOf.get(entity) ?? {};
        const table = entities[entity].table;
        const names = [...fields];
        // Blank as insertRow writes it: NOT NULL columns (flags, lists) take their default.
        const blank = names.map((f) => ({ col: `"${this.column(entity, f)}"`, value: sqlValue(defs[f], null) }));
        const held = blank.map((b) => (b.value === null ? `${b.col} IS NOT NULL` : `${b.col} IS NOT ?`)).join(' OR ');
        const heldParams = blank.filter((b) => b.value !== null).map((b) => b.value);
        const ids = (this.sqlite.prepare(`SELECT id FROM ${table} WHERE ${held}`).all(...heldParams) as { id: string }[]).map((r) => r.id);
        if (ids.length > 0) {
          this.sqlite.prepare(`UPDATE ${table} SET ${blank.map((b) => `${b.col} = ?`).join(', ')} WHERE ${held}`).run(...blank.map((b) => b.value), ...heldParams);
        }
        for (const field of names) {
          this.prepare('DELETE FROM pulled_shadow WHERE entity = ? AND field = ?').run(entity, field);
          const path = `$.${JSON.stringify(field)}`;
          this.prepare('UPDATE outbox SET base = json_remove(base, ?) WHERE entity = ? AND json_type(base, ?) IS NOT NULL').run(path, entity, path);
          this.prepare('UPDATE conflict SET theirs = json_remove(theirs, ?) WHERE entity = ? AND json_type(theirs, ?) IS NOT NULL').run(path, entity, path);
        }
        const searchable = names.some((f) => defs[f]?.search);
        for (const id of ids) {
          if (searchable) this.reindex(entity, id);
          touch(touched, entity, id);
        }
        reindexed ||= searchable && ids.length > 0;
      }
      // The replaced entries' FTS rows go now rather than with a later batch (see SearchIndex.retire).
      // Deleted FTS rows linger in the index's own pages until a merge: optimize rewrites them, so
      // no hidden text stays in the file. It costs a rewrite of the index, and a field becomes
      // hidden rarely (an administrator's change), so it is paid only then.
      if (reindexed) {
        this.records.search.purge();
        this.sqlite.exec("INSERT INTO search_fts (search_fts) VALUES ('optimize')");
      }
    })();
    this.hidden = hidden;
  }

  /**
   * Applies one pulled page and stores the cursor after it, in one transaction. `access`: a new
   * access that came with the page (a rescope), applied first.
   */
  applyChanges(changes: Change[], storeCursor: () => void, access?: Access | null): Touched {
    const touched: Touched = new Map();
    this.sqlite.transaction(() => {
      if (access !== undefined) this.applyAccess(access, touched);
      for (const change of changes) {
        if (!isEntityName(change.entity)) continue;
        this.applyChange(change, touched);
      }
      storeCursor();
    })();
    return touched;
  }

  private applyChange(change: Change, touched: Touched): void {
    const { entity, recordId } = change;
    const local = this.records.find(entity, recordId);
    switch (change.op) {
      case 'remove':
        if (local) this.dropRecord(entity, recordId, touched);
        return;
      case 'delete': {
        if (!local) return;
        if (local.deletedAt === null) this.writeFields(entity, recordId, { deletedAt: this.now() });
        if (change.version !== undefined) this.bumpVersion(entity, recordId, change.version);
        this.reindex(entity, recordId);
        touch(touched, entity, recordId);
        return;
      }
      case 'upsert': {
        const fields = (change.fields ?? {}) as Record<string, unknown>;
        const version = change.version ?? change.cn;
        if (!local) {
          // A partial change of a record this replica never had carries too little to insert; the
          // server sends records entering the user's scope in full.
          if (!change.full) return;
          this.insertRow(entity, { ...fields, id: recordId, deletedAt: null, syncVersion: version });
          this.reindex(entity, recordId);
          touch(touched, entity, recordId);
          return;
        }
        const pending = this.records.outbox.pendingFields(entity, recordId);
        const apply: Record<string, unknown> = {};
        let parked = false;
        for (const [field, value] of Object.entries(fields)) {
          if (pending.has(field) || (pending.has('*') && !SYSTEM.has(field))) {
            this.setShadow(entity, recordId, field, value, change.cn);
            parked = true;
          } else {
            apply[field] = value;
          }
        }
        const pendingDelete = this.records.outbox.forRecord(entity, recordId).some((e) => e.op === 'delete');
        if (change.full && local.deletedAt !== null && !pendingDelete) apply.deletedAt = null;
        this.writeFields(entity, recordId, apply);
        // The version says what the user has seen. A parked value has not been seen, so an edit made
        // now must still count as made before it (and lose to it if it is the same field).
        if (!parked) this.bumpVersion(entity, recordId, version);
        this.reindex(entity, recordId);
        touch(touched, entity, recordId);
        return;
      }
      default: {
        const exhaustive: never = change.op;
        return exhaustive;
      }
    }
  }

  /**
   * How a snapshot page's rows become INSERT parameters: one prepared statement per entity and
   * column list, and for each table column where its value sits in the page row. Built once, not
   * per row: building the SQL text and the row object for every record cost more than SQLite
   * spent inserting it (first sync of 300,000 records).
   */
  private snapshotPlan(entity: EntityName, columns: string[]): { insert: Database.Statement; params: (values: unknown[]) => unknown[] } {
    const key = `${entity}\u0000${columns.join(',')}`;
    let plan = this.snapshotPlans.get(key);
    if (plan) return plan;
    const defs = this.fieldsOf.get(entity) ?? {};
    const cols = Object.entries(tableColumns(entity));
    const from = cols.map(([field]) => columns.indexOf(field === 'syncVersion' ? 'version' : field));
    const kinds = cols.map(([field]) => (isJsonKind(defs[field]) ? 'tags' : defs[field]?.kind === 'bool' ? 'bool' : 'plain'));
    const insert = this.sqlite.prepare(`INSERT OR REPLACE INTO ${entities[entity].table} (${cols.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    // The same values insertRow writes: absent columns get the column's default, deletedAt null.
    const params = (values: unknown[]): unknown[] => {
      const out = new Array<unknown>(from.length);
      for (let c = 0; c < from.length; c++) {
        const v = from[c]! < 0 ? undefined : values[from[c]!];
        const kind = kinds[c];
        if (kind === 'tags') out[c] = JSON.stringify(Array.isArray(v) ? v : []);
        else if (kind === 'bool' || typeof v === 'boolean') out[c] = v ? 1 : 0;
        else out[c] = v ?? null;
      }
      return out;
    };
    plan = { insert, params };
    this.snapshotPlans.set(key, plan);
    return plan;
  }

  /** One snapshot page of the first sync, with the progress marker, in one transaction. */
  applySnapshotPage(entity: EntityName, page: SnapshotPage, storeProgress: () => void): number {
    const cols = page.columns;
    const idAt = cols.indexOf('id');
    const versionAt = cols.indexOf('version');
    const known = cols.map((c) => (c === 'version' ? 'syncVersion' : c)).map((c) => (tableColumns(entity)[c] ? c : null));
    const plan = this.snapshotPlan(entity, cols);
    const rowOf = (values: unknown[]): Record<string, unknown> & { id: string } => {
      const row: Record<string, unknown> & { id: string } = { id: String(values[idAt]), deletedAt: null };
      known.forEach((field, i) => {
        if (field) row[field] = values[i];
      });
      row.syncVersion = values[versionAt];
      return row;
    };
    this.sqlite.transaction(() => {
      // Records of the page this replica already holds (unsent work kept at sign-in, a page applied
      // again) take the careful path; asked once per page instead of a lookup per row, because on a
      // first sync there are none.
      const ids = page.rows.map((values) => String(values[idAt]));
      const held = new Set(
        (this.prepare(`SELECT id FROM ${entities[entity].table} WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as { id: string }[]).map((r) => r.id),
      );
      for (const values of page.rows) {
        const id = String(values[idAt]);
        if (held.has(id)) {
          if (this.records.outbox.forRecord(entity, id).length > 0) continue;
          const row = rowOf(values);
          this.insertRow(entity, row);
          this.records.search.put(entity, row);
          continue;
        }
        // Without its search entry: the engine builds those after the snapshot (indexMissing).
        plan.insert.run(plan.params(values));
      }
      storeProgress();
    })();
    return page.rows.length;
  }

  /**
   * Search entries for live records that have none (the first sync stores records without them):
   * walks each entity by rowid from `from` (advanced in place), indexing up to `limit` records in
   * one transaction. `scanned`: every entity was walked to its end.
   */
  indexMissing(from: Map<EntityName, number>, limit: number): { indexed: number; scanned: boolean } {
    let indexed = 0;
    let scanned = true;
    this.sqlite.transaction(() => {
      for (const entity of Object.keys(entities) as EntityName[]) {
        const want = limit - indexed;
        if (want <= 0) {
          scanned = false;
          break;
        }
        const def = entities[entity];
        const defs = this.fieldsOf.get(entity) ?? {};
        // Only what the search text is made of: the id, the title and the searchable fields.
        const cols = Object.entries(tableColumns(entity)).filter(([key]) => key === 'id' || key === def.titleField || defs[key]?.search);
        const rows = this.prepare(
          `SELECT rowid AS "rowid:", ${cols.map(([, c]) => `"${c.name}"`).join(', ')} FROM ${def.table} t WHERE rowid > ? AND deleted_at IS NULL
             AND NOT EXISTS (SELECT 1 FROM search_doc d WHERE d.entity = ? AND d.record_id = t.id) ORDER BY rowid LIMIT ?`,
        ).all(from.get(entity) ?? 0, entity, want) as Record<string, unknown>[];
        for (const raw of rows) {
          const record: Record<string, unknown> = {};
          for (const [key, col] of cols) {
            const v = raw[col.name];
            record[key] = isJsonKind(defs[key]) && typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
          }
          this.records.search.putNew(entity, record as Record<string, unknown> & { id: string });
        }
        indexed += rows.length;
        if (rows.length > 0) from.set(entity, Number(rows[rows.length - 1]!['rowid:']));
        if (rows.length === want) {
          scanned = false;
          break;
        }
      }
    })();
    return { indexed, scanned };
  }

  /** Live records and search entries in the replica: equal when search covers every record. */
  searchCoverage(): { live: number; indexed: number } {
    let live = 0;
    for (const def of Object.values(entities)) {
      live += (this.prepare(`SELECT count(*) AS n FROM ${def.table} INDEXED BY ${updatedAtIndexName(def)} WHERE deleted_at IS NULL`).get() as { n: number }).n;
    }
    const indexed = (this.prepare('SELECT count(*) AS n FROM search_doc').get() as { n: number }).n;
    return { live, indexed };
  }

  /**
   * Clears the synced tables, keeping records with unsent changes (the user's own work made before
   * signing in is pushed, not lost), and the search index with them.
   */
  clearForSignIn(): void {
    this.sqlite.transaction(() => {
      for (const entity of Object.keys(entities) as EntityName[]) {
        const table = entities[entity].table;
        this.sqlite.prepare(`DELETE FROM ${table} WHERE id NOT IN (SELECT record_id FROM outbox WHERE entity = ?)`).run(entity);
      }
      this.sqlite.exec('DELETE FROM pulled_shadow');
    })();
    this.records.rebuildSearch();
  }

  /** Everything of the signed-in user goes: records, outbox, inbox, shadows (sign-out, revoked device). */
  wipe(): void {
    this.sqlite.transaction(() => {
      for (const def of Object.values(entities)) this.sqlite.exec(`DELETE FROM ${def.table}`);
      this.sqlite.exec('DELETE FROM outbox; DELETE FROM pulled_shadow; DELETE FROM conflict;');
    })();
    this.records.rebuildSearch();
  }

  /** For the inbox's actions: the current local record, if any. */
  find(entity: EntityName, id: string): RecordData | undefined {
    return this.records.find(entity, id);
  }
}
