import { useMemo } from 'react';
import { entities, type EntityName } from '../../src-shared/entities/index';
import { can, fieldAccess, hiddenFields, type Access, type FieldAccess, type PermissionAction } from '../../src-shared/permissions/access';
import { useApp } from './app.store';
import type { PageName } from './routes';

/**
 * The signed-in user's permissions in the views: what to leave out (hidden fields, modules they
 * cannot read) and what to offer (new, edit, delete, export). The core refuses the same things
 * and the server decides; this only keeps the screens from offering what would be refused. The
 * access comes with app.info and follows `access` events (a sync after an administrator changed
 * the user's roles); none (a replica on its own) allows everything.
 */

/** The current access, outside React. */
export function currentAccess(): Access | null {
  return useApp.getState().info?.access ?? null;
}

export function useAccess(): Access | null {
  return useApp((s) => s.info?.access ?? null);
}

export function useCan(entity: EntityName, action: PermissionAction): boolean {
  return useApp((s) => can(s.info?.access, entity, action));
}

export function useFieldAccess(entity: EntityName, field: string): FieldAccess {
  return useApp((s) => fieldAccess(s.info?.access, entity, field));
}

/**
 * The fields of an entity the user may not see. Every field when the entity cannot be read at all
 * (its records are not on the device either), so a page reached by an old link shows nothing.
 */
export function hiddenFieldSet(access: Access | null | undefined, entity: EntityName): ReadonlySet<string> {
  if (!access) return EMPTY;
  if (!can(access, entity, 'read')) return new Set(Object.keys(entities[entity].fields));
  const hidden = hiddenFields(access, entity);
  return hidden.length === 0 ? EMPTY : new Set(hidden);
}

/** The fields a role may see but not change. */
export function readonlyFieldSet(access: Access | null | undefined, entity: EntityName): ReadonlySet<string> {
  if (!access) return EMPTY;
  const fields = Object.entries(access.fields[entity] ?? {}).filter(([, level]) => level === 'readonly');
  return fields.length === 0 ? EMPTY : new Set(fields.map(([name]) => name));
}

const EMPTY: ReadonlySet<string> = new Set();

/** A stable text of a set, to key what must be rebuilt when it changes (grid columns). */
export function setKey(set: ReadonlySet<string>): string {
  return [...set].sort().join(',');
}

/** Hidden fields of an entity for a component; the same set object until the access changes. */
export function useHiddenFields(entity: EntityName): ReadonlySet<string> {
  const access = useAccess();
  return useMemo(() => hiddenFieldSet(access, entity), [access, entity]);
}

export function useReadonlyFields(entity: EntityName): ReadonlySet<string> {
  const access = useAccess();
  return useMemo(() => readonlyFieldSet(access, entity), [access, entity]);
}

/** Leaves out the hidden ones of a list of fields (form and page sections, header facts). */
export function visibleFields<T extends { name: string }>(fields: T[], hidden: ReadonlySet<string>): T[] {
  return hidden.size === 0 ? fields : fields.filter((f) => !hidden.has(f.name));
}

/** What a view shows, for leaving out the views of modules the user cannot read. */
const pageEntity: Partial<Record<PageName, EntityName>> = { pipeline: 'opportunity', funnel: 'opportunity', myTasks: 'task', pool: 'account' };

/** Whether the sidebar offers a view: the pool also needs a role that sees the pool. */
export function pageAllowed(access: Access | null | undefined, page: PageName): boolean {
  const entity = pageEntity[page];
  if (entity && !can(access, entity, 'read')) return false;
  return page !== 'pool' || !access || access.pool;
}
