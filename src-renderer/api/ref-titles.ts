import type { EntityName } from '../../src-shared/entities/index';
import { entities } from '../../src-shared/entities/index';
import { stageLabel } from '../format/record-title';
import { useApp } from '../state/app.store';
import { api } from './client';

/**
 * Names of referenced records (a contact's account), cached for grid cells and pickers. The list
 * API returns ids only; a block of grid rows asks for the names it lacks in one list call.
 * Entries are dropped when a `changed` event names the record, so a renamed account shows its new name.
 */
const titles = new Map<string, string>();
/** Built-in pipeline stages are named in the reader's language (stage.<code>), not by their stored name. */
const stageCodes = new Map<string, string>();
const inflight = new Map<string, Promise<void>>();

const key = (entity: EntityName, id: string) => `${entity}:${id}`;

export function refTitle(entity: EntityName, id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  if (entity === 'stage') {
    const label = stageLabel(stageCodes.get(id), useApp.getState().locale);
    if (label) return label;
  }
  return titles.get(key(entity, id));
}

/** Titles of several referenced records (an opportunity's competitors), in order; unknown ones left out. */
export function refTitles(entity: EntityName, ids: unknown): string[] {
  if (!Array.isArray(ids)) return [];
  return ids.map((id) => refTitle(entity, id)).filter((title): title is string => title !== undefined && title !== '');
}

export function rememberRefTitle(entity: EntityName, id: string, title: string): void {
  titles.set(key(entity, id), title);
}

export function forgetRefTitles(entity: EntityName, ids: string[]): void {
  for (const id of ids) {
    titles.delete(key(entity, id));
    if (entity === 'stage') stageCodes.delete(id);
  }
}

/** After the replica was replaced every name may be stale or gone. */
export function forgetAllRefTitles(): void {
  titles.clear();
  stageCodes.clear();
}

/** Ids per request: one `record.list` with an `in` filter (the contract allows 200 values). */
const BATCH = 200;

export async function loadRefTitles(entity: EntityName, ids: Iterable<unknown>): Promise<void> {
  const waits: Promise<void>[] = [];
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    if (typeof id !== 'string' || id === '') continue;
    const k = key(entity, id);
    if (titles.has(k)) continue;
    const pending = inflight.get(k);
    if (pending) waits.push(pending);
    else missing.push(id);
  }
  for (let i = 0; i < missing.length; i += BATCH) {
    const chunk = missing.slice(i, i + BATCH);
    const request = api['record.list']({ entity, filters: [{ field: 'id', op: 'in', value: chunk }], limit: chunk.length, withTotal: false })
      .then(({ rows }) => {
        for (const row of rows) {
          titles.set(key(entity, row.id), String(row[entities[entity].titleField] ?? ''));
          if (entity === 'stage' && typeof row.code === 'string') stageCodes.set(row.id, row.code);
        }
        // A deleted parent leaves an empty name rather than failing the whole block.
        for (const id of chunk) if (!titles.has(key(entity, id))) titles.set(key(entity, id), '');
      })
      .finally(() => {
        for (const id of chunk) inflight.delete(key(entity, id));
      });
    for (const id of chunk) inflight.set(key(entity, id), request);
    waits.push(request);
  }
  await Promise.all(waits);
}
