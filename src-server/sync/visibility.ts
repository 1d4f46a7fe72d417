import { entities, entityNames, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import type { User } from '../auth/user.repository';

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

export function scopeFor(user: User): Scope {
  switch (user.role) {
    case 'admin':
    case 'sales_manager':
    case 'service_manager':
      return { all: true, keys: [] };
    case 'sales_rep':
    case 'service_agent':
    case 'marketing':
      return { all: false, keys: [user.id] };
    default: {
      const exhaustive: never = user.role;
      return exhaustive;
    }
  }
}

export function inScope(scope: Scope, key: string | null | undefined): boolean {
  return scope.all || (key !== null && key !== undefined && scope.keys.includes(key));
}

/** The cascading ref of an entity (a contact's accountId): its visibility follows that parent. */
export function visibilityParent(entity: EntityName): { field: string; entity: EntityName } | null {
  for (const [field, def] of Object.entries(entities[entity].fields as Record<string, FieldDef>)) {
    if (def.kind === 'ref' && def.cascade && (entityNames as string[]).includes(def.entity)) return { field, entity: def.entity as EntityName };
  }
  return null;
}

/** Entities whose visibility follows `parent` through a cascading ref. */
export function visibilityChildren(parent: EntityName): { entity: EntityName; field: string }[] {
  const out: { entity: EntityName; field: string }[] = [];
  for (const name of entityNames) {
    const p = visibilityParent(name);
    if (p && p.entity === parent) out.push({ entity: name, field: p.field });
  }
  return out;
}
