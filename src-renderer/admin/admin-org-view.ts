import { entities, entityNames, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { isMessageKey } from '../../src-shared/i18n/index';
import {
  departmentSubtree,
  permissionActions,
  subordinates,
  unhideableFields,
  type DataScope,
  type FieldAccess,
  type PermissionAction,
  type RoleDefinition,
} from '../../src-shared/permissions/access';
import type { AdminDepartment, AdminRole } from '../../src-shared/sync/protocol.contract';
import type { Translator } from '../i18n/use-t';

// --- departments -------------------------------------------------------------------------------

export interface DepartmentNode {
  department: AdminDepartment;
  /** 0 for a top department. */
  depth: number;
  children: DepartmentNode[];
  /** Users in it and in every department below it. */
  total: number;
}

/**
 * The departments as a tree, siblings in name order (the locale's collation). A department whose
 * parent is missing (deleted meanwhile) shows at the top rather than not at all.
 */
export function departmentTree(departments: readonly AdminDepartment[], locale: string): DepartmentNode[] {
  const collator = new Intl.Collator(locale);
  const ids = new Set(departments.map((d) => d.id));
  const byParent = new Map<string | null, AdminDepartment[]>();
  for (const d of departments) {
    const parent = d.parentId !== null && ids.has(d.parentId) ? d.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
  }
  const seen = new Set<string>();
  const build = (parent: string | null, depth: number): DepartmentNode[] =>
    (byParent.get(parent) ?? [])
      .filter((d) => !seen.has(d.id))
      .sort((a, b) => collator.compare(a.name, b.name) || a.id.localeCompare(b.id))
      .map((d) => {
        seen.add(d.id);
        const children = build(d.id, depth + 1);
        return { department: d, depth, children, total: d.userCount + children.reduce((n, c) => n + c.total, 0) };
      });
  return build(null, 0);
}

/** The tree in reading order, each node after its parent: rows of the page, options of a picker. */
export function flattenTree(nodes: readonly DepartmentNode[]): DepartmentNode[] {
  return nodes.flatMap((n) => [n, ...flattenTree(n.children)]);
}

/**
 * The rows of the tree as drawn: for each level above the row whether a guide line runs on (an
 * ancestor with siblings still below), and whether the row is the last of its siblings (its elbow ends).
 */
export interface TreeRow {
  node: DepartmentNode;
  guides: boolean[];
  last: boolean;
}

export function treeRows(nodes: readonly DepartmentNode[], guides: boolean[] = []): TreeRow[] {
  return nodes.flatMap((node, i) => {
    const last = i === nodes.length - 1;
    return [{ node, guides, last }, ...treeRows(node.children, [...guides, !last])];
  });
}

/** A department's names from the top, `销售部 / 华东区`. */
export function departmentPath(id: string, departments: readonly AdminDepartment[]): string {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const names: string[] = [];
  const seen = new Set<string>();
  for (let at = byId.get(id); at && !seen.has(at.id); at = at.parentId === null ? undefined : byId.get(at.parentId)) {
    seen.add(at.id);
    names.unshift(at.name);
  }
  return names.join(' / ');
}

/** Where a department may move: anywhere but itself and the departments below it. */
export function moveTargets(id: string, departments: readonly AdminDepartment[]): Set<string> {
  const below = departmentSubtree(id, [...departments]);
  return new Set(departments.filter((d) => !below.has(d.id)).map((d) => d.id));
}

/** Who may be a user's manager: anyone but the user and those who report to them. */
export function managerCandidates<U extends { id: string; managerId: string | null }>(userId: string, users: readonly U[]): U[] {
  const below = subordinates(
    userId,
    users.map((u) => ({ id: u.id, managerId: u.managerId, departmentId: null })),
  );
  return users.filter((u) => !below.has(u.id));
}

// --- roles -------------------------------------------------------------------------------------

/** A role's name in words: a built-in one not renamed by an admin reads in the interface's language. */
export function roleLabel(t: Translator, role: { code: string; name: string; builtin: boolean }): string {
  if (role.builtin && (role.name === role.code || role.name.trim() === '')) {
    const key = `role.${role.code}`;
    return isMessageKey(key) ? t(key) : role.code;
  }
  return role.name;
}

export function definitionOf(role: AdminRole): RoleDefinition {
  return { name: role.name, admin: role.admin, pool: role.pool, entities: structuredClone(role.entities), fields: structuredClone(role.fields) };
}

/** Whether two definitions allow the same (the order of keys and actions aside). */
export function sameDefinition(a: RoleDefinition, b: RoleDefinition): boolean {
  return canonical(a) === canonical(b);
}

function canonical(def: RoleDefinition): string {
  const grants = entityNames.filter((e) => def.entities[e]).map((e) => [e, def.entities[e]!.scope, permissionActions.filter((a) => def.entities[e]!.actions.includes(a))]);
  const fields = entityNames.flatMap((e) =>
    Object.entries(def.fields[e] ?? {})
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([f, level]) => `${e}.${f}=${level}`),
  );
  return JSON.stringify([def.name.trim(), def.admin, def.pool, grants, fields]);
}

/** Records everyone shares (products, stages): a data scope means nothing for them. */
export function sharedEntity(entity: EntityName): boolean {
  return (entities[entity] as { visibility?: string }).visibility === 'global';
}

/**
 * An action checked or unchecked. Every other action needs 查看 (it is checked with them, and
 * unchecking it clears the row); a row with nothing checked is no access at all. A row that gains
 * its first action starts at the narrowest scope (all, for shared records).
 */
export function toggleAction(def: RoleDefinition, entity: EntityName, action: PermissionAction, on: boolean): RoleDefinition {
  const current = def.entities[entity];
  let actions = new Set<PermissionAction>(current?.actions ?? []);
  if (on) {
    actions.add(action);
    actions.add('read');
  } else if (action === 'read') {
    actions = new Set();
  } else {
    actions.delete(action);
  }
  const next = { ...def.entities };
  if (actions.size === 0) delete next[entity];
  else next[entity] = { actions: permissionActions.filter((a) => actions.has(a)), scope: current?.scope ?? (sharedEntity(entity) ? 'all' : 'own') };
  return { ...def, entities: next };
}

/** Every action of a row on, or all off. */
export function setRow(def: RoleDefinition, entity: EntityName, on: boolean): RoleDefinition {
  const next = { ...def.entities };
  if (!on) delete next[entity];
  else next[entity] = { actions: [...permissionActions], scope: def.entities[entity]?.scope ?? (sharedEntity(entity) ? 'all' : 'own') };
  return { ...def, entities: next };
}

export function setScope(def: RoleDefinition, entity: EntityName, scope: DataScope): RoleDefinition {
  const grant = def.entities[entity];
  if (!grant) return def;
  return { ...def, entities: { ...def.entities, [entity]: { ...grant, scope } } };
}

export function fieldLevel(def: RoleDefinition, entity: EntityName, field: string): FieldAccess {
  return def.fields[entity]?.[field] ?? 'editable';
}

/** A field's level; 编辑 is the default and is not stored. Hiding the title field is not offered (and refused). */
export function setFieldLevel(def: RoleDefinition, entity: EntityName, field: string, level: FieldAccess): RoleDefinition {
  if (level === 'hidden' && unhideableFields(entity).has(field)) return def;
  const fields = { ...(def.fields[entity] ?? {}) };
  if (level === 'editable') delete fields[field];
  else fields[field] = level;
  const next = { ...def.fields };
  if (Object.keys(fields).length === 0) delete next[entity];
  else next[entity] = fields;
  return { ...def, fields: next };
}

/** Fields of an entity that are not editable for the role. */
export function limitedCount(def: RoleDefinition, entity: EntityName): number {
  return Object.keys(def.fields[entity] ?? {}).length;
}

/** The fields the field-permissions tab lists, in their definition order. */
export function permissionFields(entity: EntityName): { name: string; def: FieldDef; canHide: boolean }[] {
  const keep = unhideableFields(entity);
  return Object.entries(entities[entity].fields as Record<string, FieldDef>).map(([name, def]) => ({ name, def, canHide: !keep.has(name) }));
}

/** A code for a copy of a role that no role has yet: `sales_rep_copy`, `sales_rep_copy2`, … */
export function copyCode(source: string, taken: readonly string[]): string {
  const base = `${source}_copy`.slice(0, 36);
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n++) if (!taken.includes(`${base}${n}`)) return `${base}${n}`;
}

export const ROLE_CODE = /^[a-z][a-z0-9_]{1,39}$/;
