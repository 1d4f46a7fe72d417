import { uuidv7 } from 'uuidv7';
import { permissionActions, isBuiltinRole, roleIssues, type RoleDefinition } from '../../src-shared/permissions/access';
import type { AdminDepartment, AdminRole, AdminUserUpdate, OrgRefusalReason } from '../../src-shared/sync/protocol.contract';
import type { UserRow } from './user.repository';
import type { SqlRunner, SqlStore } from '../store/sql-store';
import { bumpOrgVersion, loadRoles, parseRoles } from './org.store';

/**
 * A change to the organisation the server refuses: `reason` is what the client shows
 * (adminOrg.refused.<reason>), `message` is for the operator and the log. The `*_missing` reasons
 * name the route's own target (404); the others are 400s.
 */
export class OrgError extends Error {
  constructor(
    readonly reason: OrgRefusalReason,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'OrgError';
  }

  get status(): 404 | 400 {
    return this.reason === 'department_missing' || this.reason === 'role_missing' || this.reason === 'user_missing' ? 404 : 400;
  }
}

interface DepartmentRow {
  id: string;
  name: string;
  parent_id: string | null;
  created_at: number;
}

/** A users row without its password hash, which nothing here reads. */
type OrgUserRow = Omit<UserRow, 'password_hash'>;

const toDepartment = (r: DepartmentRow, userCount: number): AdminDepartment => ({
  id: r.id,
  name: r.name,
  parentId: r.parent_id,
  userCount,
  createdAt: Number(r.created_at),
});

/** The stored form of a definition: actions once each and in their canonical order. */
function normalise(def: RoleDefinition): RoleDefinition {
  const entities: RoleDefinition['entities'] = {};
  for (const [entity, grant] of Object.entries(def.entities) as [keyof RoleDefinition['entities'], NonNullable<RoleDefinition['entities'][keyof RoleDefinition['entities']]>][]) {
    entities[entity] = { actions: permissionActions.filter((a) => grant.actions.includes(a)), scope: grant.scope };
  }
  const fields: RoleDefinition['fields'] = {};
  for (const [entity, levels] of Object.entries(def.fields) as [keyof RoleDefinition['fields'], Record<string, 'hidden' | 'readonly'>][]) {
    if (Object.keys(levels).length > 0) fields[entity] = levels;
  }
  return { name: def.name.trim(), admin: def.admin, pool: def.pool, entities, fields };
}

/**
 * The organisation as the admin screens and the `crm-server` commands change it: departments (a
 * tree), roles (built-in ones changed or reset, custom ones), and each user's name, department,
 * manager, roles and whether they are disabled. Every change is one transaction that starts by
 * raising org_state's version (bumpOrgVersion): on PostgreSQL that row lock also serialises
 * concurrent changes, so the checks below (cycles, users in a department) read a settled tree.
 */
export class OrgRepository {
  private readonly now: () => number;

  constructor(
    private readonly store: SqlStore,
    options: { now?: (() => number) | undefined } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  // --- departments ------------------------------------------------------------------------------

  async departments(q: SqlRunner = this.store): Promise<AdminDepartment[]> {
    // One query at a time: inside a transaction a PostgreSQL client runs them one by one anyway.
    const rows = await q.all<DepartmentRow>('SELECT id, name, parent_id, created_at FROM departments ORDER BY name, id');
    const counts = await q.all<{ department: string; n: number }>('SELECT department, count(*) AS n FROM users WHERE department IS NOT NULL GROUP BY department');
    const byDept = new Map(counts.map((c) => [c.department, Number(c.n)]));
    return rows.map((r) => toDepartment(r, byDept.get(r.id) ?? 0));
  }

  /** A department's names from the top, `销售部/华东区`. */
  async departmentPath(id: string, q: SqlRunner = this.store): Promise<string> {
    const names: string[] = [];
    const seen = new Set<string>();
    let at: string | null = id;
    while (at !== null && !seen.has(at)) {
      seen.add(at);
      const row: DepartmentRow | undefined = await q.get<DepartmentRow>('SELECT id, name, parent_id, created_at FROM departments WHERE id = ?', [at]);
      if (!row) break;
      names.unshift(row.name);
      at = row.parent_id;
    }
    return names.join('/');
  }

  /**
   * A department named by its id or by its path of names (`销售部/华东区`); with `create`, the
   * departments of the path that do not exist yet are made (as `user add --department` does).
   */
  async resolveDepartment(nameOrId: string, options: { create: boolean }): Promise<string | null> {
    const find = async (q: SqlRunner): Promise<string | null> => {
      const byId = await q.get<{ id: string }>('SELECT id FROM departments WHERE id = ?', [nameOrId]);
      if (byId) return byId.id;
      let parent: string | null = null;
      for (const name of nameOrId.split('/').map((n) => n.trim()).filter((n) => n !== '')) {
        const found: { id: string } | undefined = await this.child(q, parent, name);
        if (found) parent = found.id;
        else if (!options.create) return null;
        else {
          const id = uuidv7();
          await q.run('INSERT INTO departments (id, name, parent_id, created_at) VALUES (?, ?, ?, ?)', [id, name, parent, this.now()]);
          parent = id;
        }
      }
      return parent;
    };
    if (!options.create) return find(this.store);
    return this.store.tx(async (q) => {
      const before = await q.get<{ n: number }>('SELECT count(*) AS n FROM departments');
      const id = await find(q);
      const after = await q.get<{ n: number }>('SELECT count(*) AS n FROM departments');
      if (Number(after?.n) !== Number(before?.n)) await bumpOrgVersion(q, this.store);
      return id;
    });
  }

  private child(q: SqlRunner, parentId: string | null, name: string): Promise<{ id: string } | undefined> {
    return parentId === null
      ? q.get<{ id: string }>('SELECT id FROM departments WHERE name = ? AND parent_id IS NULL', [name])
      : q.get<{ id: string }>('SELECT id FROM departments WHERE name = ? AND parent_id = ?', [name, parentId]);
  }

  private async department(q: SqlRunner, id: string): Promise<AdminDepartment | undefined> {
    const row = await q.get<DepartmentRow>('SELECT id, name, parent_id, created_at FROM departments WHERE id = ?', [id]);
    if (!row) return undefined;
    const count = await q.get<{ n: number }>('SELECT count(*) AS n FROM users WHERE department = ?', [id]);
    return toDepartment(row, Number(count?.n ?? 0));
  }

  private async refuseSibling(q: SqlRunner, parentId: string | null, name: string, except: string | null): Promise<void> {
    const twin = await this.child(q, parentId, name);
    if (twin && twin.id !== except) throw new OrgError('department_exists', `a department named "${name}" is already there`, { name });
  }

  async createDepartment(input: { name: string; parentId: string | null }): Promise<AdminDepartment> {
    const name = input.name.trim();
    return this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      if (input.parentId !== null && !(await this.department(q, input.parentId))) throw new OrgError('parent_missing', `no department ${input.parentId} to put it under`, { id: input.parentId });
      await this.refuseSibling(q, input.parentId, name, null);
      const id = uuidv7();
      await q.run('INSERT INTO departments (id, name, parent_id, created_at) VALUES (?, ?, ?, ?)', [id, name, input.parentId, this.now()]);
      return (await this.department(q, id))!;
    });
  }

  /** Renames and/or moves a department; it may not move under itself or a department below it. */
  async updateDepartment(id: string, change: { name?: string | undefined; parentId?: string | null | undefined }): Promise<AdminDepartment> {
    return this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      const current = await this.department(q, id);
      if (!current) throw new OrgError('department_missing', `no department ${id}`, { id });
      const name = change.name?.trim() ?? current.name;
      const parentId = change.parentId === undefined ? current.parentId : change.parentId;
      if (parentId !== null && parentId !== current.parentId) {
        const parent = await this.department(q, parentId);
        if (!parent) throw new OrgError('parent_missing', `no department ${parentId} to move it under`, { id: parentId });
        // Up from the new parent: reaching the department itself means the parent is below it.
        const seen = new Set<string>();
        for (let at: string | null = parentId; at !== null && !seen.has(at); ) {
          if (at === id) throw new OrgError('department_cycle', `"${current.name}" cannot move under itself or a department below it`, { name: current.name, parent: parent.name });
          seen.add(at);
          const row: { parent_id: string | null } | undefined = await q.get<{ parent_id: string | null }>('SELECT parent_id FROM departments WHERE id = ?', [at]);
          at = row?.parent_id ?? null;
        }
      }
      if (name !== current.name || parentId !== current.parentId) await this.refuseSibling(q, parentId, name, id);
      await q.run('UPDATE departments SET name = ?, parent_id = ? WHERE id = ?', [name, parentId, id]);
      return (await this.department(q, id))!;
    });
  }

  /** Deletes an empty department: refused while departments or users are in it. */
  async deleteDepartment(id: string): Promise<void> {
    await this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      const current = await this.department(q, id);
      if (!current) throw new OrgError('department_missing', `no department ${id}`, { id });
      const children = Number((await q.get<{ n: number }>('SELECT count(*) AS n FROM departments WHERE parent_id = ?', [id]))?.n ?? 0);
      if (children > 0) {
        throw new OrgError('department_has_children', `"${current.name}" has ${children} departments under it; move or delete them first`, { name: current.name, count: children });
      }
      if (current.userCount > 0) {
        throw new OrgError('department_has_users', `"${current.name}" has ${current.userCount} users; move them to another department first`, { name: current.name, count: current.userCount });
      }
      await q.run('DELETE FROM departments WHERE id = ?', [id]);
    });
  }

  // --- roles ------------------------------------------------------------------------------------

  /** Every role (built-ins completed with their defaults), with how many users hold it. */
  async roles(q: SqlRunner = this.store): Promise<AdminRole[]> {
    const roles = await loadRoles(q);
    const users = await q.all<{ role: string; roles: string | null }>('SELECT role, roles FROM users');
    const stored = await q.all<{ code: string }>('SELECT code FROM roles');
    const holders = new Map<string, number>();
    for (const u of users) for (const code of new Set(parseRoles(u.roles, u.role))) holders.set(code, (holders.get(code) ?? 0) + 1);
    const customized = new Set(stored.map((r) => r.code));
    return roles.map((r) => ({ ...r, userCount: holders.get(r.code) ?? 0, customized: r.builtin && customized.has(r.code) }));
  }

  private async role(q: SqlRunner, code: string): Promise<AdminRole> {
    const found = (await this.roles(q)).find((r) => r.code === code);
    if (!found) throw new OrgError('role_missing', `no role "${code}"`, { code });
    return found;
  }

  private refuseIssues(definition: RoleDefinition): void {
    const issues = roleIssues(definition);
    const first = issues[0];
    if (first) {
      throw new OrgError(
        'role_invalid',
        `invalid role definition: ${issues.map((i) => `${i.path} (${i.key === 'permission.cannotHide' ? 'a title field cannot be hidden' : 'no such field'})`).join(', ')}`,
        { field: first.path, issue: first.key },
      );
    }
  }

  async createRole(code: string, definition: RoleDefinition): Promise<AdminRole> {
    const def = normalise(definition);
    this.refuseIssues(def);
    return this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      if (isBuiltinRole(code) || (await q.get<{ code: string }>('SELECT code FROM roles WHERE code = ?', [code]))) throw new OrgError('role_exists', `a role "${code}" already exists`, { code });
      await q.run('INSERT INTO roles (code, definition, updated_at) VALUES (?, ?, ?)', [code, JSON.stringify(def), this.now()]);
      return this.role(q, code);
    });
  }

  /** Replaces a role's definition, built-in or custom. */
  async updateRole(code: string, definition: RoleDefinition): Promise<AdminRole> {
    const def = normalise(definition);
    this.refuseIssues(def);
    return this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      await this.role(q, code);
      const admins = await this.activeAdmins(q);
      await q.run('INSERT INTO roles (code, definition, updated_at) VALUES (?, ?, ?) ON CONFLICT (code) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at', [
        code,
        JSON.stringify(def),
        this.now(),
      ]);
      await this.refuseNoAdmin(q, admins);
      return this.role(q, code);
    });
  }

  /** A built-in role back to its defaults (its stored row goes). */
  async resetRole(code: string): Promise<AdminRole> {
    return this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      const found = await this.role(q, code);
      if (!found.builtin) throw new OrgError('role_custom', `"${code}" is a custom role and has no defaults to reset to`, { code });
      const admins = await this.activeAdmins(q);
      await q.run('DELETE FROM roles WHERE code = ?', [code]);
      await this.refuseNoAdmin(q, admins);
      return this.role(q, code);
    });
  }

  /** Deletes a custom role no user holds. */
  async deleteRole(code: string): Promise<void> {
    await this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      const found = await this.role(q, code);
      if (found.builtin) throw new OrgError('role_builtin', `"${code}" is a built-in role; it can be changed or reset, not deleted`, { code });
      if (found.userCount > 0) throw new OrgError('role_in_use', `${found.userCount} users hold "${code}"; give them other roles first`, { code, name: found.name, count: found.userCount });
      await q.run('DELETE FROM roles WHERE code = ?', [code]);
    });
  }

  /** Active users holding a role with the administrator flag. */
  private async activeAdmins(q: SqlRunner): Promise<number> {
    const roles = await loadRoles(q);
    const users = await q.all<{ role: string; roles: string | null }>('SELECT role, roles FROM users WHERE disabled_at IS NULL');
    const admin = new Set(roles.filter((r) => r.admin).map((r) => r.code));
    return users.filter((u) => parseRoles(u.roles, u.role).some((c) => admin.has(c))).length;
  }

  /** After a change in the transaction: refused when it took the last active administrator. */
  private async refuseNoAdmin(q: SqlRunner, before: number): Promise<void> {
    if (before > 0 && (await this.activeAdmins(q)) === 0) throw new OrgError('last_admin', 'this would leave no active user with an administrator role');
  }

  // --- users ------------------------------------------------------------------------------------

  /**
   * Changes a user's place in the organisation. `by`: the administrator asking, who may not
   * disable themselves. A manager may not be the user or anyone who reports to them.
   */
  async updateUser(id: string, change: AdminUserUpdate, by: { userId: string } | null = null): Promise<void> {
    await this.store.tx(async (q) => {
      await bumpOrgVersion(q, this.store);
      const user = await q.get<OrgUserRow>('SELECT id, username, name, role, roles, department, manager_id, disabled_at FROM users WHERE id = ?', [id]);
      if (!user) throw new OrgError('user_missing', `no user ${id}`, { id });
      const admins = await this.activeAdmins(q);
      const sets: string[] = [];
      const params: (string | number | null)[] = [];
      if (change.name !== undefined) {
        sets.push('name = ?');
        params.push(change.name.trim());
      }
      if (change.departmentId !== undefined) {
        if (change.departmentId !== null && !(await q.get('SELECT id FROM departments WHERE id = ?', [change.departmentId]))) {
          throw new OrgError('department_unknown', `no department ${change.departmentId}`, { id: change.departmentId });
        }
        sets.push('department = ?');
        params.push(change.departmentId);
      }
      if (change.managerId !== undefined) {
        if (change.managerId !== null) await this.refuseManager(q, user, change.managerId);
        sets.push('manager_id = ?');
        params.push(change.managerId);
      }
      if (change.roles !== undefined) {
        const codes = [...new Set(change.roles.map((r) => r.trim()))];
        const known = new Set((await loadRoles(q)).map((r) => r.code));
        const unknown = codes.find((c) => !known.has(c));
        if (unknown !== undefined || codes.length === 0) throw new OrgError('unknown_role', `unknown role "${unknown ?? ''}"; roles: ${[...known].join(', ')}`, { code: unknown ?? '' });
        sets.push('role = ?', 'roles = ?');
        params.push(codes[0]!, JSON.stringify(codes));
      }
      if (change.disabled !== undefined) {
        if (change.disabled && by?.userId === id) throw new OrgError('self_disable', 'you cannot disable your own account');
        sets.push('disabled_at = ?');
        params.push(change.disabled ? (user.disabled_at ?? this.now()) : null);
      }
      if (sets.length > 0) await q.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
      await this.refuseNoAdmin(q, admins);
    });
  }

  private async refuseManager(q: SqlRunner, user: OrgUserRow, managerId: string): Promise<void> {
    if (managerId === user.id) throw new OrgError('manager_self', `${user.name} cannot be their own manager`, { name: user.name });
    const manager = await q.get<{ id: string; name: string; manager_id: string | null }>('SELECT id, name, manager_id FROM users WHERE id = ?', [managerId]);
    if (!manager) throw new OrgError('manager_missing', `no user ${managerId} to be the manager`, { id: managerId });
    // Up the new manager's chain: reaching the user means the manager reports to them.
    const seen = new Set<string>();
    for (let at: string | null = manager.manager_id; at !== null && !seen.has(at); ) {
      if (at === user.id) throw new OrgError('manager_cycle', `${manager.name} reports to ${user.name}, so cannot be their manager`, { name: user.name, manager: manager.name });
      seen.add(at);
      const row: { manager_id: string | null } | undefined = await q.get<{ manager_id: string | null }>('SELECT manager_id FROM users WHERE id = ?', [at]);
      at = row?.manager_id ?? null;
    }
  }
}
