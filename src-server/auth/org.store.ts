import { entities, entityNames, type EntityName } from '../../src-shared/entities/index';
import {
  builtinRoleCodes,
  completeRole,
  defaultRole,
  isBuiltinRole,
  mergeRoles,
  roleDefinition,
  scopeOwners,
  type Access,
  type OrgDepartment,
  type OrgUser,
  type Role,
} from '../../src-shared/permissions/access';
import type { SqlRunner, SqlStore } from '../store/sql-store';
import type { User } from './user.repository';

/** The visibility key of records everyone reads (products, stages) and of pool accounts. */
export const GLOBAL_KEY = '*';
export const POOL_KEY = 'pool';

/** Which records of one entity a user sees: every one, or those whose visibility key is listed. */
export interface Scope {
  all: boolean;
  keys: string[];
}

/**
 * What the server holds of a user's permissions for one request: the client's `Access`, and per
 * entity the visibility keys it covers and the fields it may not read or write.
 */
export interface ServerAccess {
  access: Access;
  /** Entities the user may read, with their scope; an entity missing here is not readable. */
  view: Partial<Record<EntityName, Scope>>;
  hidden: Partial<Record<EntityName, Set<string>>>;
  readonly: Partial<Record<EntityName, Set<string>>>;
}

export interface Department {
  id: string;
  name: string;
  parentId: string | null;
}

/** One consistent picture of users, departments and roles, at one org_state version. */
export class Org {
  private readonly memo = new Map<string, ServerAccess>();

  constructor(
    readonly version: number,
    readonly users: (OrgUser & { roles: string[] })[],
    readonly departments: Department[],
    readonly roles: Role[],
  ) {}

  accessFor(user: Pick<User, 'id' | 'roles' | 'department' | 'managerId'>): ServerAccess {
    const key = `${user.id}\u0000${user.roles.join(',')}\u0000${user.department ?? ''}\u0000${user.managerId ?? ''}`;
    let found = this.memo.get(key);
    if (!found) {
      found = computeAccess(user, this.users, this.departments, this.roles);
      this.memo.set(key, found);
    }
    return found;
  }
}

/**
 * A user's access: the union of their roles, each entity's data scope turned into the owner keys it
 * covers (plus the global key, and the pool's when the role sees the pool).
 */
export function computeAccess(user: Pick<User, 'id' | 'roles' | 'department' | 'managerId'>, users: OrgUser[], departments: OrgDepartment[], roles: Role[]): ServerAccess {
  const access = mergeRoles(user.roles, roles);
  const me: OrgUser = { id: user.id, departmentId: user.department, managerId: user.managerId };
  const view: ServerAccess['view'] = {};
  const hidden: ServerAccess['hidden'] = {};
  const readonly: ServerAccess['readonly'] = {};
  for (const e of entityNames) {
    const grant = access.entities[e];
    if (!grant?.actions.includes('read')) continue;
    let all = false;
    const keys = new Set<string>([GLOBAL_KEY]);
    if (access.pool) keys.add(POOL_KEY);
    for (const s of grant.scopes) {
      const owners = scopeOwners(s, me, users, departments);
      if (owners === 'all') all = true;
      else for (const o of owners) keys.add(o);
    }
    view[e] = all ? { all: true, keys: [] } : { all: false, keys: [...keys].sort() };
    const fields = access.fields[e] ?? {};
    hidden[e] = new Set(Object.keys(fields).filter((f) => fields[f] === 'hidden'));
    readonly[e] = new Set(Object.keys(fields).filter((f) => fields[f] === 'readonly'));
  }
  // The records of entities nobody can read still take hidden fields for the write checks.
  for (const e of entityNames) {
    if (view[e]) continue;
    hidden[e] = new Set(Object.keys(entities[e].fields));
    readonly[e] = new Set();
  }
  return { access, view, hidden, readonly };
}

/** Full access to everything: the server's own rules and the demo seeding act with it. */
export function fullAccess(): ServerAccess {
  const admin = defaultRole('admin');
  return computeAccess({ id: 'system', roles: ['admin'], department: null, managerId: null }, [], [], [admin]);
}

/** Every role, built-in ones completed with their defaults, custom ones as stored. */
export async function loadRoles(q: SqlRunner): Promise<Role[]> {
  const rows = await q.all<{ code: string; definition: string }>('SELECT code, definition FROM roles ORDER BY code');
  const stored = new Map<string, Role>();
  for (const r of rows) {
    const parsed = roleDefinition.safeParse(JSON.parse(r.definition));
    if (parsed.success) stored.set(r.code, { ...parsed.data, code: r.code, builtin: isBuiltinRole(r.code) });
  }
  const out: Role[] = builtinRoleCodes.map((c) => completeRole(stored.get(c) ?? defaultRole(c)));
  for (const [code, r] of stored) if (!isBuiltinRole(code)) out.push(r);
  return out;
}

export function parseRoles(roles: string | null, role: string): string[] {
  if (roles) {
    try {
      const list = JSON.parse(roles) as unknown;
      if (Array.isArray(list) && list.every((r) => typeof r === 'string') && list.length > 0) return list as string[];
    } catch {
      // fall through to the single role
    }
  }
  return [role];
}

/**
 * The organisation as of the latest org_state version, cached per server instance: each request
 * reads the version (one row) and reloads users, departments and roles only when it moved.
 */
export class OrgStore {
  private cached: Org | null = null;
  private loading: Promise<Org> | null = null;

  constructor(private readonly store: SqlStore) {}

  async current(): Promise<Org> {
    const row = await this.store.get<{ version: number }>('SELECT version FROM org_state WHERE id = 1');
    const version = Number(row?.version ?? 0);
    if (this.cached && this.cached.version === version) return this.cached;
    if (!this.loading) {
      this.loading = this.load(version).finally(() => {
        this.loading = null;
      });
    }
    const org = await this.loading;
    this.cached = org;
    return org;
  }

  private async load(version: number): Promise<Org> {
    const [users, departments, roles] = await Promise.all([
      this.store.all<{ id: string; department: string | null; manager_id: string | null; role: string; roles: string | null }>('SELECT id, department, manager_id, role, roles FROM users'),
      this.store.all<{ id: string; name: string; parent_id: string | null }>('SELECT id, name, parent_id FROM departments ORDER BY name'),
      loadRoles(this.store),
    ]);
    return new Org(
      version,
      users.map((u) => ({ id: u.id, departmentId: u.department, managerId: u.manager_id, roles: parseRoles(u.roles, u.role) })),
      departments.map((d) => ({ id: d.id, name: d.name, parentId: d.parent_id })),
      roles,
    );
  }
}

/** The live-notification key that tells every connected client to pull: access may have changed. */
export const ORG_CHANGED = '@org';

/**
 * Marks the organisation changed, so every server instance reloads it at its next request, and
 * (at commit) pokes every connected client to pull, which brings its replica in line.
 */
export async function bumpOrgVersion(q: SqlRunner, store?: SqlStore): Promise<void> {
  const row = await q.get<{ version: number }>('UPDATE org_state SET version = version + 1 WHERE id = 1 RETURNING version');
  const head = await q.get<{ cn: number }>("SELECT value AS cn FROM counters WHERE name = 'cn'");
  if (store) await store.notify(q, JSON.stringify({ cn: Number(head?.cn ?? 0), keys: [ORG_CHANGED], org: Number(row?.version ?? 0) }));
}
