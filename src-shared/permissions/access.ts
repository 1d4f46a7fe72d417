import { z } from 'zod';
import { entities, entityNames, type EntityName, type FieldDef } from '../entities/index';

/**
 * Permissions (权限): roles grant, per entity, actions and a data scope, and per field an access
 * level. The server decides with these on every push and pull; the client gets its user's merged
 * access (`Access`) to hide what it may not show and explain what it may not do. Entities added
 * later get the built-in roles' defaults from their definitions (defaultGrant), so a new entity is
 * protected without an edit here.
 */
export const permissionActions = ['create', 'read', 'update', 'delete', 'export', 'assign'] as const;
export type PermissionAction = (typeof permissionActions)[number];

/** 本人, 本人及下属, 本部门, 本部门及下属, 全部. */
export const dataScopes = ['own', 'own_sub', 'dept', 'dept_sub', 'all'] as const;
export type DataScope = (typeof dataScopes)[number];

/** A field's access for a role; `editable` is the default and is not stored. */
export const fieldAccessLevels = ['hidden', 'readonly', 'editable'] as const;
export type FieldAccess = (typeof fieldAccessLevels)[number];

export const builtinRoleCodes = ['admin', 'sales_manager', 'sales_rep', 'service_manager', 'service_agent', 'marketing'] as const;
export type BuiltinRole = (typeof builtinRoleCodes)[number];
export const isBuiltinRole = (code: string): code is BuiltinRole => (builtinRoleCodes as readonly string[]).includes(code);

const entityName = z.enum(entityNames as [EntityName, ...EntityName[]]);

export const entityGrant = z.object({
  actions: z.array(z.enum(permissionActions)).max(permissionActions.length),
  scope: z.enum(dataScopes),
});
export type EntityGrant = z.infer<typeof entityGrant>;

/** What a role allows. An entity missing from `entities` is not accessible to the role at all. */
export const roleDefinition = z.object({
  name: z.string().trim().min(1).max(60),
  /** Manages users, departments, roles and devices (the 管理 screens). */
  admin: z.boolean(),
  /** Sees the customer pool (公海) and may claim from it. */
  pool: z.boolean(),
  entities: z.partialRecord(entityName, entityGrant),
  /** Fields that are not editable: hidden or read-only. */
  fields: z.partialRecord(entityName, z.record(z.string().min(1).max(64), z.enum(['hidden', 'readonly']))),
});
export type RoleDefinition = z.infer<typeof roleDefinition>;

export const roleCode = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'role codes are 2-40 lowercase letters, digits and _');
export const role = roleDefinition.extend({ code: roleCode, builtin: z.boolean() });
export type Role = z.infer<typeof role>;

/**
 * A user's permissions as the client holds them: the union of their roles. An action is allowed if
 * any role allows it; the scopes of all roles that read an entity add up; a field is hidden only
 * if every such role hides it, read-only if none lets it be edited.
 */
export const access = z.object({
  roles: z.array(z.string()),
  admin: z.boolean(),
  pool: z.boolean(),
  entities: z.partialRecord(entityName, z.object({ actions: z.array(z.enum(permissionActions)), scopes: z.array(z.enum(dataScopes)) })),
  fields: z.partialRecord(entityName, z.record(z.string(), z.enum(['hidden', 'readonly']))),
});
export type Access = z.infer<typeof access>;

const ALL_ACTIONS: PermissionAction[] = [...permissionActions];

/**
 * Fields that may not be hidden: the record's title (every list, picker and link shows it). A
 * required field may be hidden (a temp agent who must not see contract amounts); a user who cannot
 * see it cannot create such records, and the client does not ask them for it on an edit.
 */
export function unhideableFields(entity: EntityName): Set<string> {
  return new Set<string>([entities[entity].titleField as string]);
}

/** Issues with a role definition an admin saved, as [field path, i18n key]. */
export function roleIssues(def: RoleDefinition): { path: string; key: string }[] {
  const out: { path: string; key: string }[] = [];
  for (const [entity, fields] of Object.entries(def.fields) as [EntityName, Record<string, string>][]) {
    const known = entities[entity].fields as Record<string, FieldDef>;
    const keep = unhideableFields(entity);
    for (const [field, level] of Object.entries(fields)) {
      if (!Object.hasOwn(known, field)) out.push({ path: `${entity}.${field}`, key: 'permission.unknownField' });
      else if (level === 'hidden' && keep.has(field)) out.push({ path: `${entity}.${field}`, key: 'permission.cannotHide' });
    }
  }
  return out;
}

/** The actions a built-in role has on an entity by default, from the entity's definition. */
export function defaultGrant(code: BuiltinRole, entity: EntityName): EntityGrant | null {
  const def = entities[entity];
  const global = def.visibility === 'global';
  const writers = def.writeRoles as readonly string[] | undefined;
  const writes = (actions: PermissionAction[]): PermissionAction[] => (global && writers && !writers.includes(code) ? ['read', 'export'] : actions);
  switch (code) {
    case 'admin':
      return { actions: ALL_ACTIONS, scope: 'all' };
    case 'sales_manager':
    case 'service_manager':
      return { actions: writes(ALL_ACTIONS), scope: 'dept_sub' };
    case 'sales_rep':
      return { actions: writes(['create', 'read', 'update', 'delete', 'export', 'assign']), scope: 'own' };
    case 'service_agent':
      return { actions: writes(['create', 'read', 'update']), scope: 'own' };
    case 'marketing':
      return { actions: writes(['create', 'read', 'update', 'export']), scope: 'own' };
    default: {
      const exhaustive: never = code;
      return exhaustive;
    }
  }
}

/** A built-in role as it is before an admin changes it. */
export function defaultRole(code: BuiltinRole): Role {
  const grants: Partial<Record<EntityName, EntityGrant>> = {};
  for (const e of entityNames) {
    const g = defaultGrant(code, e);
    if (g) grants[e] = g;
  }
  return { code, name: code, builtin: true, admin: code === 'admin', pool: code === 'admin' || code === 'sales_manager' || code === 'sales_rep', entities: grants, fields: {} };
}

/**
 * A stored role with the defaults filled in: a built-in role's entities it does not mention
 * (entities added after it was last saved) take their default grant.
 */
export function completeRole(stored: Role): Role {
  if (!isBuiltinRole(stored.code)) return stored;
  const base = defaultRole(stored.code);
  return { ...stored, builtin: true, entities: { ...base.entities, ...stored.entities } };
}

const RANK: Record<FieldAccess, number> = { hidden: 0, readonly: 1, editable: 2 };

/** The union of a user's roles (see `access`). Unknown role codes grant nothing. */
export function mergeRoles(codes: string[], roles: Role[]): Access {
  const mine = codes.map((c) => roles.find((r) => r.code === c)).filter((r): r is Role => r !== undefined);
  const out: Access = { roles: codes, admin: mine.some((r) => r.admin), pool: mine.some((r) => r.pool), entities: {}, fields: {} };
  for (const e of entityNames) {
    const readers = mine.filter((r) => r.entities[e]?.actions.includes('read'));
    const actions = new Set<PermissionAction>();
    const scopes = new Set<DataScope>();
    for (const r of mine) {
      const g = r.entities[e];
      if (!g) continue;
      for (const a of g.actions) actions.add(a);
      if (g.actions.includes('read')) scopes.add(g.scope);
    }
    if (actions.size === 0) continue;
    out.entities[e] = { actions: ALL_ACTIONS.filter((a) => actions.has(a)), scopes: dataScopes.filter((s) => scopes.has(s)) };
    const fields: Record<string, 'hidden' | 'readonly'> = {};
    for (const field of Object.keys(entities[e].fields)) {
      const levels = (readers.length > 0 ? readers : mine.filter((r) => r.entities[e])).map((r) => r.fields[e]?.[field] ?? 'editable');
      const best = levels.reduce<FieldAccess>((a, b) => (RANK[b] > RANK[a] ? b : a), 'hidden');
      if (best !== 'editable') fields[field] = best;
    }
    if (Object.keys(fields).length > 0) out.fields[e] = fields;
  }
  return out;
}

export function can(access: Access | null | undefined, entity: EntityName, action: PermissionAction): boolean {
  if (!access) return true;
  return access.entities[entity]?.actions.includes(action) ?? false;
}

export function fieldAccess(access: Access | null | undefined, entity: EntityName, field: string): FieldAccess {
  if (!access) return 'editable';
  if (!access.entities[entity]?.actions.includes('read')) return 'hidden';
  return access.fields[entity]?.[field] ?? 'editable';
}

export function hiddenFields(access: Access | null | undefined, entity: EntityName): string[] {
  if (!access) return [];
  return Object.entries(access.fields[entity] ?? {})
    .filter(([, level]) => level === 'hidden')
    .map(([field]) => field);
}

// --- the organisation: departments and who reports to whom -----------------------------------

export interface OrgUser {
  id: string;
  departmentId: string | null;
  managerId: string | null;
}
export interface OrgDepartment {
  id: string;
  parentId: string | null;
}

/** A department and every department below it. */
export function departmentSubtree(root: string, departments: OrgDepartment[]): Set<string> {
  const children = new Map<string, string[]>();
  for (const d of departments) if (d.parentId) children.set(d.parentId, [...(children.get(d.parentId) ?? []), d.id]);
  const out = new Set<string>();
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return out;
}

/** A user and everyone who reports to them, directly or through others. */
export function subordinates(me: string, users: OrgUser[]): Set<string> {
  const reports = new Map<string, string[]>();
  for (const u of users) if (u.managerId) reports.set(u.managerId, [...(reports.get(u.managerId) ?? []), u.id]);
  const out = new Set<string>();
  const stack = [me];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...(reports.get(id) ?? []));
  }
  return out;
}

/**
 * The users whose records a scope covers for `me`, or 'all'. A user without a department sits at
 * the top of the tree (the company): their department is everyone else without one, and their
 * department and below is everyone.
 */
export function scopeOwners(scope: DataScope, me: OrgUser, users: OrgUser[], departments: OrgDepartment[]): 'all' | Set<string> {
  switch (scope) {
    case 'all':
      return 'all';
    case 'own':
      return new Set([me.id]);
    case 'own_sub':
      return subordinates(me.id, users);
    case 'dept':
      return new Set([me.id, ...users.filter((u) => u.departmentId === me.departmentId).map((u) => u.id)]);
    case 'dept_sub': {
      if (me.departmentId === null) return 'all';
      const tree = departmentSubtree(me.departmentId, departments);
      return new Set([me.id, ...users.filter((u) => u.departmentId !== null && tree.has(u.departmentId)).map((u) => u.id)]);
    }
    default: {
      const exhaustive: never = scope;
      return exhaustive;
    }
  }
}
