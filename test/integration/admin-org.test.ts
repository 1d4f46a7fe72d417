import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../src-shared/result';
import { defaultRole, type RoleDefinition } from '../../src-shared/permissions/access';
import {
  CLIENT_SCHEMA_VERSION,
  PROTOCOL_VERSION,
  adminDepartment,
  adminDepartmentsResponse,
  adminRole,
  adminRolesResponse,
  adminUser,
  adminUsersResponse,
  adminAuditPage,
  orgRefusal,
  type AdminDepartment,
  type OrgRefusalReason,
} from '../../src-shared/sync/protocol.contract';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';
import { VERSION_HEADERS, expectRefusal, jsonHeaders, login, postJson, request, type Device, type HttpAnswer } from '../support/server-client';

/**
 * The organisation's admin routes (/v1/admin/departments, /roles, /users/:id) on both stores, and
 * the client's admin.department* / admin.role* / admin.user.update through a real server: only
 * administrators (by their roles' admin flag, custom roles included) are answered; departments
 * form a tree that refuses cycles and deleting what is in use; roles are validated, reset and
 * deleted only when nobody holds them; a user's manager chain has no cycle; nothing may leave the
 * server without an active administrator; every change raises org_state's version and none of the
 * refusals does.
 */
const stores: StoreKind[] = ['sqlite', 'pg'];

const get = (base: string, path: string, token?: string) => request(`${base}${path}`, { headers: { ...VERSION_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
const send = (base: string, method: string, path: string, body: unknown, token: string) =>
  request(`${base}${path}`, body === undefined ? { method, headers: { ...VERSION_HEADERS, authorization: `Bearer ${token}` } } : { method, headers: jsonHeaders(token), body: JSON.stringify(body) });

/** A refusal with its reason: the status, the usual code and the reason the client shows. */
function expectOrgRefusal(answer: HttpAnswer, reason: OrgRefusalReason): Record<string, string | number> {
  const status = reason.endsWith('_missing') && reason !== 'parent_missing' && reason !== 'manager_missing' ? 404 : 400;
  expect({ status: answer.status, text: answer.text }).toMatchObject({ status });
  const body = orgRefusal.parse(JSON.parse(answer.text));
  expect(body).toMatchObject({ code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', reason });
  expect(body.message.length).toBeGreaterThan(5);
  return body.params;
}

async function failure(promise: Promise<unknown>): Promise<ErrorInfo> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ info: { code: expect.any(String) } });
  return (error as { info: ErrorInfo }).info;
}

/** sales_rep as it is, with the account's phone read-only and its e-mail hidden. */
function repWithFields(): RoleDefinition {
  const { code: _code, builtin: _builtin, ...def } = defaultRole('sales_rep');
  return { ...def, fields: { account: { phone: 'readonly', email: 'hidden' } } };
}

for (const kind of stores) {
  describe(`organisation admin routes and client methods (${kind})`, () => {
    let server: TestServer;
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await server?.close();
    });

    async function setUp(): Promise<{ admin: Device; rep: Device; ids: Record<string, string> }> {
      server = await startTestServer(kind, { signInLimits: { perAddress: 1000, perUsername: 1000 } });
      await server.addUser('boss', 'admin', '管理员');
      await server.addUser('zhao', 'sales_manager', '赵敏');
      await server.server.users.add({ username: 'wang', password: 'password-1', role: 'sales_rep', name: '王芳', department: '销售部/华东区', manager: 'zhao' });
      const ids: Record<string, string> = {};
      for (const u of await server.server.users.list()) ids[u.username] = u.id;
      return { admin: await login(server.url, 'boss', 'password-1', 'admin laptop'), rep: await login(server.url, 'wang', 'password-1', 'wang laptop'), ids };
    }

    const version = async () => Number((await server.server.store.get<{ version: number }>('SELECT version FROM org_state WHERE id = 1'))?.version);
    const departments = async (token: string) => adminDepartmentsResponse.parse(JSON.parse((await get(server.url, '/v1/admin/departments', token)).text)).departments;
    const roles = async (token: string) => adminRolesResponse.parse(JSON.parse((await get(server.url, '/v1/admin/roles', token)).text)).roles;
    const byName = (list: AdminDepartment[], name: string) => list.find((d) => d.name === name)!;
    const createDepartment = async (token: string, name: string, parentId: string | null = null) => {
      const res = await postJson(server.url, '/v1/admin/departments', { name, parentId }, token);
      expect(res.status, res.text).toBe(200);
      return adminDepartment.parse(JSON.parse(res.text));
    };

    async function client(username: string): Promise<TestClient> {
      const c = openTestClient();
      clients.push(c);
      await c.call('sync.login', { server: server.url, username, password: 'password-1' });
      return c;
    }

    describe('failing cases', () => {
      it('refuses every organisation route to other roles with 403 FORBIDDEN and changes nothing', async () => {
        const { rep, ids } = await setUp();
        const manager = await login(server.url, 'zhao', 'password-1');
        const before = await version();
        const dept = (await departments((await login(server.url, 'boss', 'password-1')).token))[0]!;
        for (const token of [rep.token, manager.token]) {
          for (const path of ['/v1/admin/departments', '/v1/admin/roles']) expectRefusal(await get(server.url, path, token), 403, 'FORBIDDEN');
          expectRefusal(await postJson(server.url, '/v1/admin/departments', { name: '黑客部' }, token), 403, 'FORBIDDEN');
          expectRefusal(await send(server.url, 'PATCH', `/v1/admin/departments/${dept.id}`, { name: 'x' }, token), 403, 'FORBIDDEN');
          expectRefusal(await send(server.url, 'DELETE', `/v1/admin/departments/${dept.id}`, undefined, token), 403, 'FORBIDDEN');
          expectRefusal(await postJson(server.url, '/v1/admin/roles', { code: 'hacker', definition: repWithFields() }, token), 403, 'FORBIDDEN');
          expectRefusal(await send(server.url, 'PUT', '/v1/admin/roles/sales_rep', { definition: repWithFields() }, token), 403, 'FORBIDDEN');
          expectRefusal(await postJson(server.url, '/v1/admin/roles/sales_rep/reset', {}, token), 403, 'FORBIDDEN');
          expectRefusal(await send(server.url, 'DELETE', '/v1/admin/roles/sales_rep', undefined, token), 403, 'FORBIDDEN');
          expectRefusal(await send(server.url, 'PATCH', `/v1/admin/users/${ids.wang}`, { roles: ['admin'] }, token), 403, 'FORBIDDEN');
        }
        expectRefusal(await get(server.url, '/v1/admin/departments'), 401, 'AUTH_FAILED');
        expect(await version()).toBe(before);
        expect((await server.server.users.byUsername('wang'))?.roles).toEqual(['sales_rep']);
      });

      it('departments: a missing parent, a twin name, a move under itself or below, deleting one in use, an unknown one', async () => {
        const { admin } = await setUp();
        const sales = byName(await departments(admin.token), '销售部');
        const east = byName(await departments(admin.token), '华东区');
        const north = await createDepartment(admin.token, '华北区', sales.id);
        const beijing = await createDepartment(admin.token, '北京组', north.id);
        const before = await version();

        expectOrgRefusal(await postJson(server.url, '/v1/admin/departments', { name: '新部门', parentId: 'no-such-department' }, admin.token), 'parent_missing');
        expectOrgRefusal(await postJson(server.url, '/v1/admin/departments', { name: '华东区', parentId: sales.id }, admin.token), 'department_exists');
        expectOrgRefusal(await send(server.url, 'PATCH', `/v1/admin/departments/${north.id}`, { name: '华东区' }, admin.token), 'department_exists');
        expect(expectOrgRefusal(await send(server.url, 'PATCH', `/v1/admin/departments/${north.id}`, { parentId: north.id }, admin.token), 'department_cycle')).toMatchObject({ name: '华北区' });
        expectOrgRefusal(await send(server.url, 'PATCH', `/v1/admin/departments/${sales.id}`, { parentId: beijing.id }, admin.token), 'department_cycle');
        expect(expectOrgRefusal(await send(server.url, 'DELETE', `/v1/admin/departments/${sales.id}`, undefined, admin.token), 'department_has_children')).toMatchObject({ count: 2 });
        expect(expectOrgRefusal(await send(server.url, 'DELETE', `/v1/admin/departments/${east.id}`, undefined, admin.token), 'department_has_users')).toMatchObject({ name: '华东区', count: 1 });
        expectOrgRefusal(await send(server.url, 'DELETE', '/v1/admin/departments/no-such-department', undefined, admin.token), 'department_missing');
        expectOrgRefusal(await send(server.url, 'PATCH', '/v1/admin/departments/no-such-department', { name: 'x' }, admin.token), 'department_missing');
        expectRefusal(await send(server.url, 'PATCH', `/v1/admin/departments/${north.id}`, {}, admin.token), 400, 'BAD_REQUEST');
        expectRefusal(await postJson(server.url, '/v1/admin/departments', { name: '  ' }, admin.token), 400, 'BAD_REQUEST');

        expect(await version()).toBe(before);
        const after = await departments(admin.token);
        expect(after.map((d) => [d.name, d.parentId]).sort()).toEqual(
          [
            ['北京组', north.id],
            ['华北区', sales.id],
            ['华东区', sales.id],
            ['销售部', null],
          ].sort(),
        );
      });

      it('roles: a taken code, a hidden title field, an unknown field, a bad code, deleting a built-in or a held role, resetting a custom one', async () => {
        const { admin } = await setUp();
        const def = repWithFields();
        expect((await postJson(server.url, '/v1/admin/roles', { code: 'telesales', definition: def }, admin.token)).status).toBe(200);
        const before = await version();

        expectOrgRefusal(await postJson(server.url, '/v1/admin/roles', { code: 'telesales', definition: def }, admin.token), 'role_exists');
        expectOrgRefusal(await postJson(server.url, '/v1/admin/roles', { code: 'sales_rep', definition: def }, admin.token), 'role_exists');
        const hidden = expectOrgRefusal(await postJson(server.url, '/v1/admin/roles', { code: 'no_names', definition: { ...def, fields: { account: { name: 'hidden' } } } }, admin.token), 'role_invalid');
        expect(hidden).toMatchObject({ field: 'account.name', issue: 'permission.cannotHide' });
        expectOrgRefusal(await send(server.url, 'PUT', '/v1/admin/roles/sales_rep', { definition: { ...def, fields: { contact: { name: 'hidden' } } } }, admin.token), 'role_invalid');
        expect(expectOrgRefusal(await send(server.url, 'PUT', '/v1/admin/roles/sales_rep', { definition: { ...def, fields: { account: { shoeSize: 'readonly' } } } }, admin.token), 'role_invalid')).toMatchObject({
          issue: 'permission.unknownField',
        });
        expectRefusal(await postJson(server.url, '/v1/admin/roles', { code: 'Bad Code', definition: def }, admin.token), 400, 'BAD_REQUEST');
        expectRefusal(await postJson(server.url, '/v1/admin/roles', { code: 'no_scope', definition: { ...def, entities: { account: { actions: ['read'], scope: 'galaxy' } } } }, admin.token), 400, 'BAD_REQUEST');
        expectOrgRefusal(await send(server.url, 'PUT', '/v1/admin/roles/no_such_role', { definition: def }, admin.token), 'role_missing');
        expectOrgRefusal(await send(server.url, 'DELETE', '/v1/admin/roles/sales_rep', undefined, admin.token), 'role_builtin');
        expectOrgRefusal(await postJson(server.url, '/v1/admin/roles/telesales/reset', {}, admin.token), 'role_custom');
        expectOrgRefusal(await send(server.url, 'DELETE', '/v1/admin/roles/no_such_role', undefined, admin.token), 'role_missing');

        // Held by a user: refused until nobody holds it.
        const wang = (await server.server.users.byUsername('wang'))!;
        expect((await send(server.url, 'PATCH', `/v1/admin/users/${wang.id}`, { roles: ['sales_rep', 'telesales'] }, admin.token)).status).toBe(200);
        const inUse = await version();
        expect(expectOrgRefusal(await send(server.url, 'DELETE', '/v1/admin/roles/telesales', undefined, admin.token), 'role_in_use')).toMatchObject({ code: 'telesales', count: 1 });
        expect(await version()).toBe(inUse);
        expect(inUse).toBe(before + 1);
        expect((await roles(admin.token)).find((r) => r.code === 'telesales')).toMatchObject({ userCount: 1, builtin: false });
      });

      it('users: unknown roles, no roles, oneself or a subordinate as manager, unknown department or manager, disabling oneself, losing the last administrator', async () => {
        const { admin, ids } = await setUp();
        const before = await version();
        const patch = (id: string, body: unknown) => send(server.url, 'PATCH', `/v1/admin/users/${id}`, body, admin.token);

        expect(expectOrgRefusal(await patch(ids.wang!, { roles: ['sales_rep', 'astronaut'] }), 'unknown_role')).toMatchObject({ code: 'astronaut' });
        expectRefusal(await patch(ids.wang!, { roles: [] }), 400, 'BAD_REQUEST');
        expectRefusal(await patch(ids.wang!, {}), 400, 'BAD_REQUEST');
        expectOrgRefusal(await patch(ids.wang!, { managerId: ids.wang }), 'manager_self');
        // 王芳 reports to 赵敏: 赵敏 cannot report to 王芳.
        expect(expectOrgRefusal(await patch(ids.zhao!, { managerId: ids.wang }), 'manager_cycle')).toMatchObject({ name: '赵敏', manager: '王芳' });
        expectOrgRefusal(await patch(ids.wang!, { managerId: 'no-such-user' }), 'manager_missing');
        expectOrgRefusal(await patch(ids.wang!, { departmentId: 'no-such-department' }), 'department_unknown');
        expectOrgRefusal(await patch(ids.boss!, { disabled: true }), 'self_disable');
        expectOrgRefusal(await patch(ids.boss!, { roles: ['sales_manager'] }), 'last_admin');
        expectOrgRefusal(await send(server.url, 'PUT', '/v1/admin/roles/admin', { definition: { ...defaultRole('admin'), admin: false } }, admin.token), 'last_admin');
        expectOrgRefusal(await patch('no-such-user', { name: 'x' }), 'user_missing');

        expect(await version()).toBe(before);
        expect(await server.server.users.byUsername('wang')).toMatchObject({ roles: ['sales_rep'], managerId: ids.zhao });
        expect(await server.server.users.byUsername('boss')).toMatchObject({ roles: ['admin'], disabledAt: null });
      });

      it('the client refuses a non-admin before asking, says SERVER_REQUIRED offline, and names the reason of a refusal', async () => {
        const { ids } = await setUp();
        const rep = await client('wang');
        expect((await failure(rep.call('admin.departments', {}))).code).toBe('FORBIDDEN');
        expect((await failure(rep.call('admin.user.update', { userId: ids.wang!, change: { roles: ['admin'] } }))).code).toBe('FORBIDDEN');
        const boss = await client('boss');
        const sales = (await boss.call('admin.departments', {})).departments.find((d) => d.name === '销售部')!;
        const deleting = await failure(boss.call('admin.department.delete', { id: sales.id }));
        expect(deleting).toMatchObject({ code: 'VALIDATION', issues: [{ key: 'adminOrg.refused.department_has_children', params: { name: '销售部', count: 1 } }] });
        expect(await failure(boss.call('admin.role.delete', { code: 'no_such_role' }))).toMatchObject({ code: 'NOT_FOUND', issues: [{ key: 'adminOrg.refused.role_missing' }] });
        expect((await failure(boss.call('admin.department.save', {}))).code).toBe('VALIDATION');
        await server.close();
        server = undefined as unknown as TestServer;
        for (const method of ['admin.departments', 'admin.roles'] as const) expect((await failure(boss.call(method, {}))).code).toBe('SERVER_REQUIRED');
        expect((await failure(boss.call('admin.role.reset', { code: 'sales_rep' }))).code).toBe('SERVER_REQUIRED');
      });
    });

    describe('successful cases', () => {
      it('builds, renames, moves and deletes departments, counting their users; each change raises the org version', async () => {
        const { admin } = await setUp();
        const first = await departments(admin.token);
        expect(byName(first, '销售部')).toMatchObject({ parentId: null, userCount: 0 });
        expect(byName(first, '华东区')).toMatchObject({ parentId: byName(first, '销售部').id, userCount: 1 });

        let v = await version();
        const service = await createDepartment(admin.token, '客服部');
        expect(service).toMatchObject({ name: '客服部', parentId: null, userCount: 0, createdAt: expect.any(Number) });
        expect(await version()).toBe(++v);
        const team = await createDepartment(admin.token, '一组', service.id);
        expect(await version()).toBe(++v);

        const renamed = await send(server.url, 'PATCH', `/v1/admin/departments/${team.id}`, { name: '售后一组' }, admin.token);
        expect(adminDepartment.parse(JSON.parse(renamed.text))).toMatchObject({ id: team.id, name: '售后一组', parentId: service.id });
        expect(await version()).toBe(++v);
        // Moved under 销售部, then to the top, renamed on the way.
        const sales = byName(first, '销售部');
        const moved = await send(server.url, 'PATCH', `/v1/admin/departments/${team.id}`, { parentId: sales.id }, admin.token);
        expect(JSON.parse(moved.text)).toMatchObject({ parentId: sales.id, name: '售后一组' });
        const top = await send(server.url, 'PATCH', `/v1/admin/departments/${team.id}`, { parentId: null, name: '直属组' }, admin.token);
        expect(JSON.parse(top.text)).toMatchObject({ parentId: null, name: '直属组' });
        v += 2;
        expect(await version()).toBe(v);

        const deleted = await send(server.url, 'DELETE', `/v1/admin/departments/${team.id}`, undefined, admin.token);
        expect(JSON.parse(deleted.text)).toEqual({ id: team.id, deleted: true });
        expect(await version()).toBe(++v);
        expect((await departments(admin.token)).map((d) => d.name).sort()).toEqual(['华东区', '客服部', '销售部'].sort());
      });

      it('changes a built-in role’s field permissions, resets it, copies it into a custom role, and deletes that once unused; the rep’s access follows', async () => {
        const { admin, ids } = await setUp();
        const listed = await roles(admin.token);
        expect(listed.map((r) => r.code)).toEqual(['admin', 'sales_manager', 'sales_rep', 'service_manager', 'service_agent', 'marketing']);
        expect(listed.find((r) => r.code === 'sales_rep')).toMatchObject({ builtin: true, customized: false, userCount: 1, pool: true });
        expect(listed.find((r) => r.code === 'admin')).toMatchObject({ admin: true, userCount: 1 });

        let v = await version();
        const saved = await send(server.url, 'PUT', '/v1/admin/roles/sales_rep', { definition: repWithFields() }, admin.token);
        expect(saved.status, saved.text).toBe(200);
        expect(adminRole.parse(JSON.parse(saved.text))).toMatchObject({ code: 'sales_rep', customized: true, fields: { account: { phone: 'readonly', email: 'hidden' } } });
        expect(await version()).toBe(++v);
        // The rep's next session carries it.
        const repLogin = JSON.parse((await postJson(server.url, '/v1/login', { username: 'wang', password: 'password-1', deviceName: 'x', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION })).text) as {
          access: { fields: Record<string, Record<string, string>> };
        };
        expect(repLogin.access.fields.account).toMatchObject({ phone: 'readonly', email: 'hidden' });

        const reset = await postJson(server.url, '/v1/admin/roles/sales_rep/reset', {}, admin.token);
        expect(adminRole.parse(JSON.parse(reset.text))).toMatchObject({ customized: false, fields: {} });
        expect(await version()).toBe(++v);

        // A custom role copied from sales_rep, given to 王芳 with sales_rep, then taken back and deleted.
        const created = await postJson(server.url, '/v1/admin/roles', { code: 'key_account', definition: { ...repWithFields(), name: '大客户专员', pool: false } }, admin.token);
        expect(adminRole.parse(JSON.parse(created.text))).toMatchObject({ code: 'key_account', name: '大客户专员', builtin: false, customized: false, userCount: 0, pool: false });
        const given = await send(server.url, 'PATCH', `/v1/admin/users/${ids.wang}`, { roles: ['key_account', 'sales_rep'] }, admin.token);
        expect(adminUser.parse(JSON.parse(given.text))).toMatchObject({ role: 'key_account', roles: ['key_account', 'sales_rep'] });
        expect((await roles(admin.token)).find((r) => r.code === 'key_account')?.userCount).toBe(1);
        const changed = await send(server.url, 'PUT', '/v1/admin/roles/key_account', { definition: { ...repWithFields(), name: '大客户经理', pool: true } }, admin.token);
        expect(JSON.parse(changed.text)).toMatchObject({ name: '大客户经理', pool: true, userCount: 1 });
        expect((await send(server.url, 'PATCH', `/v1/admin/users/${ids.wang}`, { roles: ['sales_rep'] }, admin.token)).status).toBe(200);
        const gone = await send(server.url, 'DELETE', '/v1/admin/roles/key_account', undefined, admin.token);
        expect(JSON.parse(gone.text)).toEqual({ code: 'key_account', deleted: true });
        expect((await roles(admin.token)).some((r) => r.code === 'key_account')).toBe(false);
        expect(await version()).toBe(v + 5);

        // Every change is in the administrators' audit: who, from which device, before and after.
        const audit = adminAuditPage.parse(JSON.parse((await get(server.url, '/v1/admin/audit?limit=20', admin.token)).text));
        expect(audit.entries.map((e) => [e.action, e.target])).toEqual([
          ['role.delete', 'key_account'],
          ['user.update', ids.wang],
          ['role.update', 'key_account'],
          ['user.update', ids.wang],
          ['role.create', 'key_account'],
          ['role.reset', 'sales_rep'],
          ['role.update', 'sales_rep'],
        ]);
        for (const e of audit.entries) expect(e).toMatchObject({ user: { id: ids.boss, name: '管理员' }, deviceId: admin.deviceId });
        const edit = audit.entries.find((e) => e.action === 'role.update' && e.target === 'sales_rep')!;
        expect(edit.before).toMatchObject({ fields: {} });
        expect(edit.after).toMatchObject({ fields: { account: { phone: 'readonly', email: 'hidden' } } });
        expect(audit.entries.find((e) => e.action === 'role.delete')).toMatchObject({ after: null, before: { code: 'key_account', name: '大客户经理' } });
        expect((await get(server.url, '/v1/admin/audit', (await login(server.url, 'wang', 'password-1', 'w2')).token)).status).toBe(403);
      });

      it('a custom role with the admin flag opens the admin routes; a role without it closes them again', async () => {
        const { admin, ids } = await setUp();
        const { code: _c, builtin: _b, ...it } = defaultRole('service_agent');
        expect((await postJson(server.url, '/v1/admin/roles', { code: 'it_admin', definition: { ...it, name: 'IT 管理员', admin: true } }, admin.token)).status).toBe(200);
        expect((await send(server.url, 'PATCH', `/v1/admin/users/${ids.zhao}`, { roles: ['it_admin'] }, admin.token)).status).toBe(200);
        const zhao = await login(server.url, 'zhao', 'password-1');
        expect((await get(server.url, '/v1/admin/users', zhao.token)).status).toBe(200);
        expect((await get(server.url, '/v1/admin/departments', zhao.token)).status).toBe(200);
        expect((await send(server.url, 'PUT', '/v1/admin/roles/it_admin', { definition: { ...it, name: 'IT 管理员', admin: false } }, admin.token)).status).toBe(200);
        expectRefusal(await get(server.url, '/v1/admin/users', zhao.token), 403, 'FORBIDDEN');
      });

      it('moves a user to another department and manager, gives several roles, disables and enables them; the users list shows it all', async () => {
        const { admin, ids } = await setUp();
        const service = await createDepartment(admin.token, '客服部');
        let v = await version();
        const res = await send(server.url, 'PATCH', `/v1/admin/users/${ids.wang}`, { departmentId: service.id, managerId: ids.boss, roles: ['service_agent', 'marketing'], name: '王芳芳' }, admin.token);
        expect(res.status, res.text).toBe(200);
        expect(adminUser.parse(JSON.parse(res.text))).toMatchObject({
          id: ids.wang,
          name: '王芳芳',
          role: 'service_agent',
          roles: ['service_agent', 'marketing'],
          departmentId: service.id,
          department: '客服部',
          managerId: ids.boss,
          managerName: '管理员',
        });
        expect(await version()).toBe(++v);
        expect(await server.server.users.byUsername('wang')).toMatchObject({ role: 'service_agent', roles: ['service_agent', 'marketing'], department: service.id, managerId: ids.boss });

        // To the company as a whole, without a manager; disabled (sign-in refused), then enabled.
        expect(JSON.parse((await send(server.url, 'PATCH', `/v1/admin/users/${ids.wang}`, { departmentId: null, managerId: null, disabled: true }, admin.token)).text)).toMatchObject({
          departmentId: null,
          department: null,
          managerId: null,
          disabledAt: expect.any(Number),
        });
        expectRefusal(await postJson(server.url, '/v1/login', { username: 'wang', password: 'password-1', deviceName: 'x', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION }), 403, 'USER_DISABLED');
        expect(JSON.parse((await send(server.url, 'PATCH', `/v1/admin/users/${ids.wang}`, { disabled: false }, admin.token)).text)).toMatchObject({ disabledAt: null });
        expect((await login(server.url, 'wang', 'password-1')).token).toBeTruthy();
        expect(await version()).toBe(v + 2);

        const users = adminUsersResponse.parse(JSON.parse((await get(server.url, '/v1/admin/users', admin.token)).text)).users;
        expect(users.find((u) => u.username === 'zhao')).toMatchObject({ roles: ['sales_manager'], departmentId: null, department: null });
      });

      it('the client methods go through the server: departments, roles and a user', async () => {
        const { ids } = await setUp();
        const boss = await client('boss');
        const created = await boss.call('admin.department.save', { name: '市场部', parentId: null });
        const child = await boss.call('admin.department.save', { name: '品牌组', parentId: created.id });
        expect(await boss.call('admin.department.save', { id: child.id, name: '品牌推广组' })).toMatchObject({ id: child.id, name: '品牌推广组', parentId: created.id });
        const moved = await failure(boss.call('admin.department.save', { id: created.id, parentId: child.id }));
        expect(moved.issues?.[0]).toMatchObject({ key: 'adminOrg.refused.department_cycle' });
        expect((await boss.call('admin.departments', {})).departments.map((d) => d.name).sort()).toEqual(['华东区', '品牌推广组', '市场部', '销售部'].sort());

        const { roles: list } = await boss.call('admin.roles', {});
        const rep = list.find((r) => r.code === 'sales_rep')!;
        const { code: _code, builtin: _builtin, userCount: _n, customized: _c, ...definition } = rep;
        const copy = await boss.call('admin.role.save', { code: 'sales_rep_copy', definition: { ...definition, name: '销售代表（副本）' }, create: true });
        expect(copy).toMatchObject({ code: 'sales_rep_copy', builtin: false });
        const hiddenName = await failure(boss.call('admin.role.save', { code: 'sales_rep', definition: { ...definition, fields: { account: { name: 'hidden' } } } }));
        expect(hiddenName).toMatchObject({ code: 'VALIDATION', issues: [{ field: 'account.name', key: 'adminOrg.refused.role_invalid' }] });
        expect(await boss.call('admin.role.save', { code: 'sales_rep', definition: { ...definition, fields: { account: { website: 'hidden' } } } })).toMatchObject({ customized: true });
        expect(await boss.call('admin.role.reset', { code: 'sales_rep' })).toMatchObject({ customized: false });

        const user = await boss.call('admin.user.update', { userId: ids.wang!, change: { departmentId: child.id, roles: ['sales_rep_copy'] } });
        expect(user).toMatchObject({ department: '品牌推广组', roles: ['sales_rep_copy'] });
        expect((await failure(boss.call('admin.role.delete', { code: 'sales_rep_copy' }))).issues?.[0]).toMatchObject({ key: 'adminOrg.refused.role_in_use' });
        await boss.call('admin.user.update', { userId: ids.wang!, change: { roles: ['sales_rep'] } });
        expect(await boss.call('admin.role.delete', { code: 'sales_rep_copy' })).toEqual({ code: 'sales_rep_copy', deleted: true });
      });
    });
  });
}
