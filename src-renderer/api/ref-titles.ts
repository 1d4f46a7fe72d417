import type { EntityName } from '../../src-shared/entities/index';
import { entities } from '../../src-shared/entities/index';
import { api } from './client';

/**
 * Names of referenced records (a contact's account), cached for grid cells and pickers. The list
 * API returns ids only; a block of grid rows asks for the names it lacks in one list call.
 * Entries are dropped when a `changed` event names the record, so a renamed account shows its new name.
 */
const titles = new Map<string, string>();
const inflight = new Map<string, Promise<void>>();

const key = (entity: EntityName, id: string) => `${entity}:${id}`;

export function refTitle(entity: EntityName, id: unknown): string | undefined {
  return typeof id === 'string' ? titles.get(key(entity, id)) : undefined;
}

export function rememberRefTitle(entity: EntityName, id: string, title: string): void {
  titles.set(key(entity, id), title);
}

export function forgetRefTitles(entity: EntityName, ids: string[]): void {
  for (const id of ids) titles.delete(key(entity, id));
}

/** After the replica was replaced every name may be stale or gone. */
export function forgetAllRefTitles(): void {
  titles.clear();
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
        for (const row of rows) titles.set(key(entity, row.id), String(row[entities[entity].titleField] ?? ''));
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
