import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../../src-shared/result';
import { CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION, adminDevicesResponse, adminLoginsPage, adminUsersResponse, type AdminLoginEntry } from '../../src-shared/sync/protocol.contract';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';
import { VERSION_HEADERS, expectRefusal, login, postJson, request, type Device } from '../support/server-client';

/**
 * The admin routes (/v1/admin/…) on both stores and the client's admin.* methods through a real
 * server: only admins are answered; users with their locks, managers and last sign-ins; devices
 * with their state; unlock and revoke audited as the crm-server commands audit theirs; the sign-in
 * audit in pages; offline the client says the server is needed.
 */
const stores: StoreKind[] = ['sqlite', 'pg'];

const get = (base: string, path: string, token?: string) => request(`${base}${path}`, { headers: { ...VERSION_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

function signIn(base: string, username: string, password: string) {
  return postJson(base, '/v1/login', { username, password, deviceName: 'attacker', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION });
}
const wrongPassword = (base: string, username: string, i: number) => signIn(base, username, `wrong-${i}`);

/** The error info of a client call that must fail (callThrough attaches the core's reply as `info`). */
async function failure(promise: Promise<unknown>): Promise<ErrorInfo> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ info: { code: expect.any(String) } });
  return (error as { info: ErrorInfo }).info;
}

for (const kind of stores) {
  describe(`admin routes and client methods (${kind})`, () => {
    let server: TestServer;
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await server?.close();
    });

    async function setUp(): Promise<{ admin: Device; rep: Device }> {
      server = await startTestServer(kind, { authPolicy: { lockAfter: 3 }, signInLimits: { perAddress: 1000, perUsername: 1000 } });
      await server.addUser('boss', 'admin', '管理员');
      await server.addUser('zhao', 'sales_manager', '赵敏');
      await server.server.users.add({ username: 'wang', password: 'password-1', role: 'sales_rep', name: '王芳', department: '华东销售部', manager: 'zhao' });
      server.users.wang = { id: (await server.server.users.byUsername('wang'))!.id, username: 'wang', password: 'password-1', role: 'sales_rep' };
      return { admin: await login(server.url, 'boss', 'password-1', 'admin laptop'), rep: await login(server.url, 'wang', 'password-1', 'wang laptop') };
    }

    async function client(username: string): Promise<TestClient> {
      const c = openTestClient();
      clients.push(c);
      await c.call('sync.login', { server: server.url, username, password: 'password-1' });
      return c;
    }

    describe('failing cases', () => {
      it('refuses every admin route to other roles with 403 FORBIDDEN, and without a token or versions as the other routes do', async () => {
        const { rep } = await setUp();
        const manager = await login(server.url, 'zhao', 'password-1');
        for (const token of [rep.token, manager.token]) {
          for (const path of ['/v1/admin/users', '/v1/admin/devices', '/v1/admin/logins']) expectRefusal(await get(server.url, path, token), 403, 'FORBIDDEN');
          expectRefusal(await postJson(server.url, `/v1/admin/users/${server.users.wang!.id}/unlock`, {}, token), 403, 'FORBIDDEN');
          expectRefusal(await postJson(server.url, `/v1/admin/devices/${rep.deviceId}/revoke`, {}, token), 403, 'FORBIDDEN');
        }
        expectRefusal(await get(server.url, '/v1/admin/users'), 401, 'AUTH_FAILED');
        expectRefusal(await request(`${server.url}/v1/admin/users`, { headers: { authorization: `Bearer ${rep.token}` } }), 400, 'BAD_REQUEST');
        // The rep's device was not revoked by the refused attempts.
        expect((await get(server.url, '/v1/directory', rep.token)).status).toBe(200);
      });

      it('answers 404 for an unknown user or device, and refuses revoking the device asking', async () => {
        const { admin } = await setUp();
        expect((await postJson(server.url, '/v1/admin/users/no-such-user/unlock', {}, admin.token)).status).toBe(404);
        expect((await postJson(server.url, '/v1/admin/devices/no-such-device/revoke', {}, admin.token)).status).toBe(404);
        expectRefusal(await postJson(server.url, `/v1/admin/devices/${admin.deviceId}/revoke`, {}, admin.token), 400, 'BAD_REQUEST');
        expect((await get(server.url, '/v1/admin/users', admin.token)).status).toBe(200);
      });

      it('the client refuses a non-admin before asking, says SERVER_REQUIRED offline, and refuses revoking its own device', async () => {
        await setUp();
        const rep = await client('wang');
        expect((await failure(rep.call('admin.users', {}))).code).toBe('FORBIDDEN');
        expect((await failure(rep.call('admin.revokeDevice', { deviceId: 'x' }))).code).toBe('FORBIDDEN');
        const boss = await client('boss');
        const own = boss.core.sync.credentials()!.deviceId;
        expect((await failure(boss.call('admin.revokeDevice', { deviceId: own }))).code).toBe('BAD_REQUEST');
        expect((await failure(boss.call('admin.unlockUser', { userId: 'no-such-user' }))).code).toBe('NOT_FOUND');
        await server.close();
        server = undefined as unknown as TestServer;
        for (const method of ['admin.users', 'admin.devices', 'admin.logins'] as const) expect((await failure(boss.call(method, {}))).code).toBe('SERVER_REQUIRED');
        // Never signed in: the server is needed too.
        const local = openTestClient();
        clients.push(local);
        expect((await failure(local.call('admin.users', {}))).code).toBe('SERVER_REQUIRED');
      });
    });

    describe('successful cases', () => {
      it('lists users with role, department, manager, lock and last sign-in, and unlock clears a lock made by wrong passwords (audited)', async () => {
        const { admin } = await setUp();
        for (let i = 0; i < 3; i++) expect((await wrongPassword(server.url, 'wang', i)).status).toBe(401);
        expectRefusal(await signIn(server.url, 'wang', 'password-1'), 403, 'ACCOUNT_LOCKED');

        const users = adminUsersResponse.parse(JSON.parse((await get(server.url, '/v1/admin/users', admin.token)).text)).users;
        const wang = users.find((u) => u.username === 'wang')!;
        expect(wang).toMatchObject({ name: '王芳', role: 'sales_rep', department: '华东销售部', managerName: '赵敏', disabledAt: null });
        expect(wang.lockedAt).toEqual(expect.any(Number));
        expect(wang.lastSignInAt).toEqual(expect.any(Number));
        expect(users.find((u) => u.username === 'zhao')).toMatchObject({ lockedAt: null, lastSignInAt: null, managerName: null });

        const answer = await postJson(server.url, `/v1/admin/users/${wang.id}/unlock`, {}, admin.token);
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.text)).toEqual({ id: wang.id, username: 'wang', unlocked: true });
        expect((await login(server.url, 'wang', 'password-1')).token).toBeTruthy();
        // Unlocking an account that is not locked says so, and is not audited again.
        expect(JSON.parse((await postJson(server.url, `/v1/admin/users/${wang.id}/unlock`, {}, admin.token)).text)).toMatchObject({ unlocked: false });
        const unlocks = (await server.server.users.audit.list({ username: 'wang' })).filter((e) => e.outcome === 'unlock');
        expect(unlocks).toHaveLength(1);
        expect(unlocks[0]).toMatchObject({ userId: wang.id, address: expect.stringMatching(/127\.0\.0\.1/) });
      });

      it('revoking a device makes its next request DEVICE_REVOKED and is audited; the list shows it revoked and marks the asking device', async () => {
        const { admin, rep } = await setUp();
        const before = adminDevicesResponse.parse(JSON.parse((await get(server.url, '/v1/admin/devices', admin.token)).text)).devices;
        expect(before.find((d) => d.id === rep.deviceId)).toMatchObject({ username: 'wang', userName: '王芳', name: 'wang laptop', revokedAt: null, expired: false, current: false });
        expect(before.find((d) => d.id === admin.deviceId)).toMatchObject({ current: true });

        const answer = await postJson(server.url, `/v1/admin/devices/${rep.deviceId}/revoke`, {}, admin.token);
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.text)).toEqual({ id: rep.deviceId, revoked: true });
        expectRefusal(await get(server.url, '/v1/directory', rep.token), 403, 'DEVICE_REVOKED');

        const after = adminDevicesResponse.parse(JSON.parse((await get(server.url, '/v1/admin/devices', admin.token)).text)).devices;
        expect(after.find((d) => d.id === rep.deviceId)?.revokedAt).toEqual(expect.any(Number));
        const audit = (await server.server.users.audit.list({ username: 'wang' })).filter((e) => e.outcome === 'revoke');
        expect(audit).toEqual([expect.objectContaining({ deviceId: rep.deviceId, deviceName: 'wang laptop', userId: server.users.wang!.id })]);
        // Again: already revoked, found, not audited twice.
        expect((await postJson(server.url, `/v1/admin/devices/${rep.deviceId}/revoke`, {}, admin.token)).status).toBe(200);
        expect((await server.server.users.audit.list({ username: 'wang' })).filter((e) => e.outcome === 'revoke')).toHaveLength(1);
      });

      it('pages through the sign-in audit newest first without gaps or repeats', async () => {
        const { admin } = await setUp();
        for (let i = 0; i < 4; i++) await wrongPassword(server.url, 'nobody', i);
        const all = await server.server.users.audit.list({ limit: 1000 });
        expect(all.length).toBeGreaterThanOrEqual(6);
        const seen: AdminLoginEntry[] = [];
        let before: number | null | undefined;
        do {
          const res = await get(server.url, `/v1/admin/logins?limit=4${before ? `&before=${before}` : ''}`, admin.token);
          const page = adminLoginsPage.parse(JSON.parse(res.text));
          expect(page.entries.length).toBeLessThanOrEqual(4);
          seen.push(...page.entries);
          before = page.nextBefore;
        } while (before);
        expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
        expect(seen[0]).toMatchObject({ username: 'nobody', outcome: 'unknown_user' });
        expect(seen.at(-1)).toMatchObject({ username: 'boss', outcome: 'ok', deviceName: 'admin laptop' });
        expectRefusal(await get(server.url, '/v1/admin/logins?limit=1000', admin.token), 400, 'BAD_REQUEST');
      });

      it('the client methods go through the server: users, unlock, devices, revoke and sign-ins', async () => {
        await setUp();
        for (let i = 0; i < 3; i++) await wrongPassword(server.url, 'zhao', i);
        const boss = await client('boss');
        const { users } = await boss.call('admin.users', {});
        const zhao = users.find((u) => u.username === 'zhao')!;
        expect(zhao.lockedAt).not.toBeNull();
        expect(await boss.call('admin.unlockUser', { userId: zhao.id })).toEqual({ id: zhao.id, username: 'zhao', unlocked: true });
        expect((await boss.call('admin.users', {})).users.find((u) => u.username === 'zhao')?.lockedAt).toBeNull();

        const rep = await client('wang');
        await rep.call('sync.now', {});
        const repDevice = rep.core.sync.credentials()!.deviceId;
        const { devices } = await boss.call('admin.devices', {});
        expect(devices.find((d) => d.current)?.id).toBe(boss.core.sync.credentials()!.deviceId);
        expect(await boss.call('admin.revokeDevice', { deviceId: repDevice })).toEqual({ id: repDevice, revoked: true });
        // The rep's next contact is refused as revoked (and its replica wiped: sync-revocation tests cover that).
        await rep.call('sync.now', {});
        expect((await rep.call('sync.status', {})).lastErrorKey).toBe('sync.error.deviceRevoked');

        const page = await boss.call('admin.logins', { limit: 3 });
        expect(page.entries).toHaveLength(3);
        expect(page.entries[0]).toMatchObject({ outcome: 'revoke', deviceId: repDevice });
        expect(page.nextBefore).toBe(page.entries[2]!.id);
        const older = await boss.call('admin.logins', { limit: 100, before: page.nextBefore! });
        expect([...page.entries, ...older.entries].filter((e) => e.outcome === 'unlock').map((e) => e.username)).toEqual(['zhao']);
        expect(older.nextBefore).toBeNull();
      });
    });
  });
}
