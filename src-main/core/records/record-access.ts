import { entities, type EntityName, type FieldDef } from '../../../src-shared/entities/index';
import { can, fieldAccess, type Access, type PermissionAction } from '../../../src-shared/permissions/access';
import { POOL_OWNER } from '../../../src-shared/sales/pool.rules';
import { CrmError, type FieldIssue } from '../../../src-shared/result';

/**
 * The user's permissions checked on this device before a write is stored, so a refused edit is
 * explained at once (offline too) instead of coming back from the server as a rejection in the
 * inbox. The same rules as the server's push (src-server/sync/sync.service.ts refuseAction and
 * refuseFields), which still decides; issue keys are the server's, so both read the same. A null
 * access (a replica on its own) allows everything.
 */
export function refuseAction(access: Access | null | undefined, entity: EntityName, action: PermissionAction): void {
  if (can(access, entity, action)) return;
  throw new CrmError('FORBIDDEN', `your roles do not allow you to ${action} ${entity} records`, [{ field: 'id', key: `permission.${action}` }]);
}

function blank(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b) || (typeof a === 'object' && a !== null)) return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return (a ?? null) === (b ?? null);
}

/**
 * A hidden or read-only field may not be set: on create to anything but blank or its default (a
 * form sends every field), on update to anything but its stored value. `values` are the
 * validated values the user sent, before the core's own rules add what they derive.
 */
export function refuseFields(access: Access | null | undefined, entity: EntityName, values: Record<string, unknown>, stored: Record<string, unknown> | null): void {
  if (!access) return;
  const fields = entities[entity].fields as Record<string, FieldDef>;
  const issues: FieldIssue[] = [];
  for (const [field, value] of Object.entries(values)) {
    if (!Object.hasOwn(fields, field)) continue;
    const level = fieldAccess(access, entity, field);
    if (level === 'editable') continue;
    const def = fields[field];
    const allowed = stored === null ? blank(value) || (def !== undefined && 'default' in def && same(def.default, value)) : same(stored[field], value);
    if (!allowed) issues.push({ field, key: level === 'hidden' ? 'permission.fieldHidden' : 'permission.fieldReadonly' });
  }
  if (issues.length > 0) throw new CrmError('FORBIDDEN', `you may not change ${issues.map((i) => i.field).join(', ')} of ${entity} records`, issues);
}

/** Giving a record to someone else (a new owner other than me or the pool) needs `assign`. */
export function refuseOwner(access: Access | null | undefined, entity: EntityName, values: Record<string, unknown>, stored: Record<string, unknown> | null, me: string): void {
  if (!('ownerId' in values)) return;
  const owner = values.ownerId;
  const changes = stored === null ? typeof owner === 'string' && owner !== me && owner !== POOL_OWNER : !same(owner, stored.ownerId);
  if (changes) refuseAction(access, entity, 'assign');
}
