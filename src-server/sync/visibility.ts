import { entities, entityNames, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import type { User } from '../auth/user.repository';
import { POOL_OWNER } from '../../src-shared/sales/pool.rules';

/**
 * Who sees what. Every record carries a visibility key: an account's is its owner, and a child
 * (contact, later opportunity, activity) inherits its parent's, so a rep's replica holds their
 * accounts and everything under them. A user sees the records whose key is in their scope.
 * Departments and configurable scopes add keys here (a manager's scope becomes their team's
 * keys) without touching the sync protocol.
 */
export interface Scope {
  all: boolean;
  keys: string[];
}

/** The key of records everyone sees (products, competitors, pipeline stages). */
export const GLOBAL_KEY = '*';
/** The key of accounts in the customer pool (公海) and what follows them: every sales rep sees them. */
export const POOL_KEY = POOL_OWNER;

export function scopeFor(user: User): Scope {
  switch (user.role) {
    case 'admin':
    case 'sales_manager':
    case 'service_manager':
      return { all: true, keys: [] };
    case 'sales_rep':
      return { all: false, keys: [user.id, GLOBAL_KEY, POOL_KEY] };
    case 'service_agent':
    case 'marketing':
      return { all: false, keys: [user.id, GLOBAL_KEY] };
    default: {
      const exhaustive: never = user.role;
      return exhaustive;
    }
  }
}

export function inScope(scope: Scope, key: string | null | undefined): boolean {
  return scope.all || (key !== null && key !== undefined && scope.keys.includes(key));
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
