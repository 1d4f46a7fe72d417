import { entities, entityNames, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { builtinRoleCodes, defaultRole } from '../../src-shared/permissions/access';
import type { User } from '../auth/user.repository';
import { computeAccess, GLOBAL_KEY, POOL_KEY, type Scope, type ServerAccess } from '../auth/org.store';

/**
 * Who sees what. Every record carries a visibility key: an account's is its owner, and a child
 * (contact, opportunity, activity) inherits its parent's, so a rep's replica holds their accounts
 * and everything under them. A user sees the records of an entity whose key is among the owners
 * their roles' data scope covers for it (src-server/auth/org.store.ts computeAccess), plus the
 * global key and, where a role sees the pool, the pool's.
 */
export { GLOBAL_KEY, POOL_KEY, type Scope };

/**
 * A user's access from the built-in roles alone, as if nobody else were in the organisation: for
 * callers without the org at hand (scripts, tests). The server's requests use OrgStore.
 */
export function standaloneAccess(user: User): ServerAccess {
  return computeAccess(user, [{ id: user.id, departmentId: user.department, managerId: user.managerId }], [], builtinRoleCodes.map(defaultRole));
}

export function inScope(scope: Scope | undefined, key: string | null | undefined): boolean {
  if (!scope) return false;
  return scope.all || (key !== null && key !== undefined && scope.keys.includes(key));
}

/** Whether the user may read records of `entity` with visibility key `key`. */
export function sees(access: ServerAccess, entity: EntityName, key: string | null | undefined): boolean {
  return inScope(access.view[entity], key);
}

/**
 * The cascading refs of an entity in order of precedence (a contact's accountId; an activity's
 * accountId, then leadId): its visibility follows the first one that is set.
 */
export function visibilityParents(entity: EntityName): { field: string; entity: EntityName }[] {
  const out: { field: string; entity: EntityName }[] = [];
  for (const [field, def] of Object.entries(entities[entity].fields as Record<string, FieldDef>)) {
    if (def.kind === 'ref' && def.cascade && (entityNames as string[]).includes(def.entity)) out.push({ field, entity: def.entity as EntityName });
  }
  return out;
}

/** The parent a record with these fields follows, if any. */
export function effectiveParent(entity: EntityName, fields: Record<string, unknown>): { field: string; entity: EntityName; id: string } | null {
  for (const p of visibilityParents(entity)) {
    const id = fields[p.field];
    if (typeof id === 'string' && id !== '') return { ...p, id };
  }
  return null;
}

/** Entities whose visibility can follow `parent` through a cascading ref. */
export function visibilityChildren(parent: EntityName): { entity: EntityName; field: string }[] {
  const out: { entity: EntityName; field: string }[] = [];
  for (const name of entityNames) {
    for (const p of visibilityParents(name)) if (p.entity === parent) out.push({ entity: name, field: p.field });
  }
  return out;
}
