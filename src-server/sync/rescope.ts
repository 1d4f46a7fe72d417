import { entityNames, type EntityName } from '../../src-shared/entities/index';
import type { Change } from '../../src-shared/sync/protocol.contract';
import type { ServerAccess } from '../auth/org.store';
import { placeholders, type SqlParam, type SqlRunner } from '../store/sql-store';
import { loadRecords, type StoredRecord } from './record.store';

/**
 * What a device's replica was filled under: per readable entity the visibility keys it covers
 * ('all', or the sorted key list), and the fields it was not sent. Two prints that differ are a
 * rescope: the records and fields between them enter or leave the replica (docs/sync-protocol.md,
 * Permissions), without the device downloading anything it already holds.
 */
export interface AccessPrint {
  v: Partial<Record<EntityName, 'all' | string[]>>;
  h: Partial<Record<EntityName, string[]>>;
}

export function accessPrint(a: ServerAccess): AccessPrint {
  const print: AccessPrint = { v: {}, h: {} };
  for (const e of entityNames) {
    const scope = a.view[e];
    if (!scope) continue;
    print.v[e] = scope.all ? 'all' : scope.keys;
    const hidden = [...(a.hidden[e] ?? [])].sort();
    if (hidden.length > 0) print.h[e] = hidden;
  }
  return print;
}

/** Stored compactly: entities mostly share one key list, written once. */
export function encodePrint(p: AccessPrint): string {
  const lists: string[][] = [];
  const index = new Map<string, number>();
  const v: Record<string, 'all' | number> = {};
  for (const [e, keys] of Object.entries(p.v)) {
    if (keys === 'all') {
      v[e] = 'all';
      continue;
    }
    const id = keys.join('\u0000');
    let i = index.get(id);
    if (i === undefined) {
      i = lists.length;
      lists.push(keys);
      index.set(id, i);
    }
    v[e] = i;
  }
  return JSON.stringify({ k: lists, v, h: p.h });
}

export function decodePrint(text: string): AccessPrint {
  const raw = JSON.parse(text) as { k: string[][]; v: Record<string, 'all' | number>; h: AccessPrint['h'] };
  const v: AccessPrint['v'] = {};
  for (const [e, ref] of Object.entries(raw.v)) v[e as EntityName] = ref === 'all' ? 'all' : (raw.k[ref] ?? []);
  return { v, h: raw.h };
}

export function samePrint(a: AccessPrint, b: AccessPrint): boolean {
  return encodePrint(a) === encodePrint(b);
}

/**
 * What a device may hold when a rescope was cut short by another change: anything either print
 * let in (records of both, fields visible in either).
 */
export function unionPrint(a: AccessPrint, b: AccessPrint): AccessPrint {
  const out: AccessPrint = { v: {}, h: {} };
  for (const e of entityNames) {
    const x = a.v[e];
    const y = b.v[e];
    if (x === undefined && y === undefined) continue;
    out.v[e] = x === 'all' || y === 'all' ? 'all' : [...new Set([...(x ?? []), ...(y ?? [])])].sort();
    // Hidden in the union only where every print that reads the entity hid it.
    const hx = x === undefined ? null : new Set(a.h[e] ?? []);
    const hy = y === undefined ? null : new Set(b.h[e] ?? []);
    const hidden = hx && hy ? [...hx].filter((f) => hy.has(f)) : [...(hx ?? hy ?? [])];
    if (hidden.length > 0) out.h[e] = hidden.sort();
  }
  return out;
}

/** How far a rescope got: the entity (by index), the step, and the last record id done. */
export interface RescopeProgress {
  i: number;
  step: 'leave' | 'enter' | 'reveal';
  after: string;
}
const STEPS: RescopeProgress['step'][] = ['leave', 'enter', 'reveal'];

/** SQL for "the record's key is covered by this print's entry" and its parameters. */
function covers(keys: 'all' | string[] | undefined): { sql: string; params: SqlParam[] } {
  if (keys === undefined) return { sql: '1 = 0', params: [] };
  if (keys === 'all') return { sql: '1 = 1', params: [] };
  if (keys.length === 0) return { sql: '1 = 0', params: [] };
  return { sql: `vis_key IN (${placeholders(keys.length)})`, params: keys };
}

/**
 * One page of a rescope from `from` to `to`: removes for records that left, full records for those
 * that entered, and the newly readable fields of records that stayed. Returns the changes and where
 * to go on from, or null progress when it is complete. `send` turns a stored record into what
 * the device receives (its readable fields).
 */
export async function rescopePage(
  q: SqlRunner,
  from: AccessPrint,
  to: AccessPrint,
  start: RescopeProgress,
  limit: number,
  send: (r: StoredRecord, only: string[] | null) => Change,
): Promise<{ changes: Change[]; next: RescopeProgress | null }> {
  const changes: Change[] = [];
  let at: RescopeProgress = { ...start };
  while (at.i < entityNames.length) {
    const entity = entityNames[at.i]!;
    const room = limit - changes.length;
    if (room <= 0) return { changes, next: at };
    const was = covers(from.v[entity]);
    const now = covers(to.v[entity]);
    let sql: string | null = null;
    let params: SqlParam[] = [];
    let reveal: string[] = [];
    if (at.step === 'leave') {
      sql = `(${was.sql}) AND NOT (${now.sql})`;
      params = [...was.params, ...now.params];
    } else if (at.step === 'enter') {
      sql = `(${now.sql}) AND NOT (${was.sql}) AND deleted_at IS NULL`;
      params = [...now.params, ...was.params];
    } else if (from.v[entity] !== undefined && to.v[entity] !== undefined) {
      const hiddenNow = new Set(to.h[entity] ?? []);
      reveal = (from.h[entity] ?? []).filter((f) => !hiddenNow.has(f));
      if (reveal.length > 0) {
        sql = `(${now.sql}) AND (${was.sql}) AND deleted_at IS NULL`;
        params = [...now.params, ...was.params];
      }
    }
    let done = sql === null;
    if (sql !== null) {
      const rows = await q.all<{ id: string }>(`SELECT id FROM records WHERE entity = ? AND id > ? AND ${sql} ORDER BY id LIMIT ?`, [entity, at.after, ...params, room]);
      if (at.step === 'leave') {
        for (const r of rows) changes.push({ cn: 0, entity, recordId: r.id, op: 'remove' });
      } else {
        const records = await loadRecords(q, entity, rows.map((r) => r.id));
        for (const r of rows) {
          const rec = records.get(r.id);
          if (rec) changes.push(send(rec, at.step === 'reveal' ? reveal : null));
        }
      }
      if (rows.length > 0) at = { ...at, after: rows[rows.length - 1]!.id };
      done = rows.length < room;
    }
    if (done) {
      const s = STEPS.indexOf(at.step);
      at = s < STEPS.length - 1 ? { i: at.i, step: STEPS[s + 1]!, after: '' } : { i: at.i + 1, step: 'leave', after: '' };
    }
  }
  return { changes, next: null };
}
