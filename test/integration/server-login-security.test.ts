import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuthAuditEntry } from '../../src-server/auth/auth-audit.repository';
import { CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION } from '../../src-shared/sync/protocol.contract';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';
import { SyncSocket, expectRefusal, jsonHeaders, login, postJson, request, type HttpAnswer } from '../support/server-client';
import { runCli } from '../support/server-process';

/**
 * Sign-in security on both stores: wrong passwords lock an account until an operator unlocks it
 * (`crm-server user unlock`), sign-ins are rate-limited per client address and per username
 * without holding back other addresses or users, an idle device token expires while its client
 * keeps its replica and unsent changes, and every case lands in the sign-in audit
 * (`crm-server audit logins`).
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
const DAY = 24 * 60 * 60_000;
/** Each command starts Node with tsx (about a second of CPU); a busy 2-core machine needs the margin. */
const CLI_TIMEOUT = 90_000;

const agents = new Map<string, http.Agent>();
/** Requests from another loopback address (127.0.0.0/8 all reach this machine), as another client would come. */
function from(address: string): http.Agent {
  let agent = agents.get(address);
  if (!agent) {
    agent = new http.Agent({ localAddress: address } as http.AgentOptions);
    agents.set(address, agent);
  }
  return agent;
}

function signIn(base: string, username: string, password: string, address = '127.0.0.1', deviceName = 'test laptop'): Promise<HttpAnswer> {
  return request(`${base}/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, deviceName, protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION }),
    agent: from(address),
  });
}

async function audit(server: TestServer, args: string[] = []): Promise<AuthAuditEntry[]> {
  const result = await runCli(['audit', 'logins', ...server.cliArgs, ...args, '--json']);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as AuthAuditEntry[];
}

afterAll(() => {
  for (const agent of agents.values()) agent.destroy();
});

for (const kind of stores) {
  describe(`sign-in lockout and the audit (${kind})`, () => {
    let server: TestServer;
    const clock = Date.now();

    beforeAll(async () => {
      server = await startTestServer(kind, { now: () => clock, authPolicy: { lockAfter: 5 }, signInLimits: { perAddress: 1000, perUsername: 1000 } });
      await server.addUser('wang', 'sales_rep');
      await server.addUser('li', 'sales_rep');
    });
    afterAll(async () => {
      await server?.close();
    });

    it(
      'five wrong passwords in a row lock the account, even against the right one, until user unlock; a success starts the count again',
      async () => {
        const base = server.url;
        // Four wrong, then the right one: the run is broken and the account stays open.
        for (let i = 0; i < 4; i++) expectRefusal(await signIn(base, 'wang', `wrong-${i}`), 401, 'AUTH_FAILED');
        expect((await signIn(base, 'wang', 'password-1')).status).toBe(200);
        for (let i = 0; i < 4; i++) expectRefusal(await signIn(base, 'wang', `wrong-${i}`), 401, 'AUTH_FAILED');
        expect((await signIn(base, 'wang', 'password-1')).status).toBe(200);

        // Five in a row: the fifth is still "wrong password", and from then on the account is locked.
        for (let i = 0; i < 5; i++) expectRefusal(await signIn(base, 'wang', `wrong-${i}`), 401, 'AUTH_FAILED');
        const locked = expectRefusal(await signIn(base, 'wang', 'password-1'), 403, 'ACCOUNT_LOCKED');
        expect(locked.message).toMatch(/administrator must unlock/);
        // A wrong password gets the same answer: a locked account tells no right guess from a wrong one.
        expectRefusal(await signIn(base, 'wang', 'wrong-again'), 403, 'ACCOUNT_LOCKED');
        // Other users are untouched.
        expect((await signIn(base, 'li', 'password-1')).status).toBe(200);

        const listed = await runCli(['user', 'list', ...server.cliArgs, '--json']);
        expect(listed.code, listed.stderr).toBe(0);
        const users = JSON.parse(listed.stdout) as { username: string; lockedAt: number | null }[];
        expect(users.find((u) => u.username === 'wang')?.lockedAt).toBe(clock);
        expect(users.find((u) => u.username === 'li')?.lockedAt).toBeNull();
        const text = await runCli(['user', 'list', ...server.cliArgs]);
        expect(text.stdout.split('\n').find((l) => / wang /.test(l))).toMatch(/\(locked\)$/);
        expect(text.stdout.split('\n').find((l) => / li /.test(l))).not.toMatch(/locked/);

        const unlocked = await runCli(['user', 'unlock', ...server.cliArgs, '--username', 'wang', '--json']);
        expect({ code: unlocked.code, stderr: unlocked.stderr }).toEqual({ code: 0, stderr: '' });
        expect(JSON.parse(unlocked.stdout)).toEqual({ id: server.users.wang!.id, username: 'wang', unlocked: true });
        const again = await runCli(['user', 'unlock', ...server.cliArgs, '--username', 'wang']);
        expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: 'wang was not locked\n' });
        const nobody = await runCli(['user', 'unlock', ...server.cliArgs, '--username', 'nobody']);
        expect({ code: nobody.code, stdout: nobody.stdout, stderr: nobody.stderr }).toEqual({ code: 2, stdout: '', stderr: 'crm-server: no user "nobody"\n' });

        expect((await signIn(base, 'wang', 'password-1')).status).toBe(200);
        // The count starts from nothing after the unlock: four more wrong ones do not lock.
        for (let i = 0; i < 4; i++) expectRefusal(await signIn(base, 'wang', `wrong-${i}`), 401, 'AUTH_FAILED');
        expect((await signIn(base, 'wang', 'password-1')).status).toBe(200);

        const rows = await audit(server, ['--username', 'wang']);
        // Newest first: read oldest first.
        expect(rows.map((r) => r.outcome).reverse()).toEqual([
          ...Array<string>(4).fill('bad_password'),
          'ok',
          ...Array<string>(4).fill('bad_password'),
          'ok',
          ...Array<string>(5).fill('bad_password'),
          'lockout',
          'locked',
          'locked',
          'unlock',
          'ok',
          ...Array<string>(4).fill('bad_password'),
          'ok',
        ]);
        const wangId = server.users.wang!.id;
        for (const r of rows) expect(r).toMatchObject({ username: 'wang', userId: wangId });
        for (const r of rows.filter((r) => r.outcome !== 'unlock' && r.outcome !== 'lockout')) expect(r).toMatchObject({ address: '127.0.0.1', deviceName: 'test laptop' });
        expect(rows.find((r) => r.outcome === 'unlock')).toMatchObject({ address: 'cli', deviceName: null, deviceId: null });
        const ok = rows.filter((r) => r.outcome === 'ok');
        expect(ok.every((r) => typeof r.deviceId === 'string')).toBe(true);
        expect(rows.filter((r) => r.outcome !== 'ok').every((r) => r.deviceId === null)).toBe(true);

        const limited = await audit(server, ['--username', 'wang', '--limit', '2']);
        expect(limited).toEqual(rows.slice(0, 2));
      },
      CLI_TIMEOUT,
    );

    it(
      'an unknown name and a disabled user are audited as such; the name is kept as typed, capped, and no password is stored',
      async () => {
        const base = server.url;
        await server.addUser('old', 'sales_rep');
        await server.server.store.run('UPDATE users SET disabled_at = ? WHERE username = ?', [clock, 'old']);
        const long = `名${'x'.repeat(99)}`;
        expectRefusal(await signIn(base, 'Nobody Here', 'guess-1-秘密', '127.0.0.3', 'kiosk'), 401, 'AUTH_FAILED');
        expectRefusal(await signIn(base, long, 'guess-2-秘密', '127.0.0.3'), 401, 'AUTH_FAILED');
        expectRefusal(await signIn(base, 'old', 'password-1', '127.0.0.3'), 403, 'USER_DISABLED');

        const rows = await audit(server, ['--limit', '3']);
        expect(rows.map((r) => [r.outcome, r.username, r.userId, r.address])).toEqual([
          ['disabled', 'old', server.users.old!.id, '127.0.0.3'],
          ['unknown_user', long.slice(0, 100), null, '127.0.0.3'],
          ['unknown_user', 'Nobody Here', null, '127.0.0.3'],
        ]);
        expect(rows[2]!.deviceName).toBe('kiosk');
        const everything = JSON.stringify(await server.server.store.all('SELECT * FROM auth_audit'));
        for (const secret of ['guess-1-秘密', 'guess-2-秘密', 'password-1', 'wrong-0']) expect(everything).not.toContain(secret);

        const plain = await runCli(['audit', 'logins', ...server.cliArgs, '--username', 'Nobody Here']);
        expect(plain.code, plain.stderr).toBe(0);
        expect(plain.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}unknown_user +"Nobody Here" +127\.0\.0\.3 +kiosk\n$/);
      },
      CLI_TIMEOUT,
    );
  });

  describe(`sign-in rate limits (${kind})`, () => {
    let server: TestServer;
    let clock = Date.now();

    beforeAll(async () => {
      server = await startTestServer(kind, { now: () => clock, signInLimits: { perAddress: 3, perUsername: 4, windowMs: 60_000 } });
      for (const name of ['a', 'b', 'c', 'target', 'other']) await server.addUser(name, 'sales_rep');
    });
    afterAll(async () => {
      await server?.close();
    });

    it('an address over its limit is told RATE_LIMITED with Retry-After; other addresses and users go on', async () => {
      const base = server.url;
      expect((await signIn(base, 'a', 'password-1', '127.0.0.2')).status).toBe(200);
      clock += 10_000;
      expectRefusal(await signIn(base, 'b', 'wrong', '127.0.0.2'), 401, 'AUTH_FAILED');
      expect((await signIn(base, 'c', 'password-1', '127.0.0.2')).status).toBe(200);
      clock += 5_000;
      const refused = await signIn(base, 'a', 'password-1', '127.0.0.2');
      expectRefusal(refused, 429, 'RATE_LIMITED');
      // The first attempt leaves the window 60 s after it was made: 45 s from now.
      expect(refused.headers['retry-after']).toBe('45');
      // Refused attempts are not counted, and another address is not held back.
      expectRefusal(await signIn(base, 'a', 'password-1', '127.0.0.2'), 429, 'RATE_LIMITED');
      expect((await signIn(base, 'a', 'password-1', '127.0.0.6')).status).toBe(200);
      // When the first attempt has left the window, the address may try once more.
      clock += 45_000;
      expect((await signIn(base, 'a', 'password-1', '127.0.0.2')).status).toBe(200);
      expectRefusal(await signIn(base, 'a', 'password-1', '127.0.0.2'), 429, 'RATE_LIMITED');
    });

    it('one name tried from many addresses is limited by its own count, without holding back other names', async () => {
      const base = server.url;
      clock += 120_000;
      for (let i = 0; i < 4; i++) expectRefusal(await signIn(base, 'target', `guess-${i}`, `127.0.1.${i + 1}`), 401, 'AUTH_FAILED');
      const refused = await signIn(base, 'target', 'password-1', '127.0.1.9');
      expectRefusal(refused, 429, 'RATE_LIMITED');
      expect(refused.headers['retry-after']).toBe('60');
      // The same address signs in another user, and spellings of the name share its count.
      expect((await signIn(base, 'other', 'password-1', '127.0.1.9')).status).toBe(200);
      expectRefusal(await signIn(base, 'TARGET', 'password-1', '127.0.1.10'), 429, 'RATE_LIMITED');
      clock += 60_001;
      expect((await signIn(base, 'target', 'password-1', '127.0.1.9')).status).toBe(200);

      // One audit row per address and name in a window, however often it was refused.
      const rows = await server.server.users.audit.list({ limit: 1000 });
      const limited = rows.filter((r) => r.outcome === 'rate_limited').map((r) => [r.username, r.address]);
      expect(limited.reverse()).toEqual([
        ['a', '127.0.0.2'],
        ['target', '127.0.1.9'],
        ['TARGET', '127.0.1.10'],
      ]);
      expect(rows.filter((r) => r.outcome === 'rate_limited').every((r) => r.userId === null && r.deviceId === null)).toBe(true);
    });

    it('a malformed sign-in does not use up the allowance (it never reaches the password)', async () => {
      const base = server.url;
      clock += 120_000;
      for (let i = 0; i < 5; i++) expectRefusal(await postJson(base, '/v1/login', { username: 'a', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION }), 400, 'BAD_REQUEST');
      expect((await signIn(base, 'a', 'password-1')).status).toBe(200);
    });
  });

  describe(`idle sessions expire; the client keeps its replica (${kind})`, () => {
    let server: TestServer;
    let clock = Date.now();
    const clients: TestClient[] = [];

    beforeAll(async () => {
      server = await startTestServer(kind, { now: () => clock, authPolicy: { sessionIdleMs: 30 * DAY } });
      await server.addUser('wang', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.close();
    });
    afterAll(async () => {
      await server?.close();
    });

    it('a device in use stays signed in; one idle past the limit is refused with SESSION_EXPIRED, and its client asks the same user to sign in again, then syncs what was pending', async () => {
      const c = openTestClient();
      clients.push(c);
      await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
      const first = await c.call('record.create', { entity: 'account', values: { name: '杭州西湖科技' } });
      await c.call('sync.now', {});
      const deviceId = (await server.server.users.devices()).find((d) => d.username === 'wang')!.id;

      // Used every 20 days: never 30 days idle.
      clock += 20 * DAY;
      await c.call('sync.now', {});
      clock += 20 * DAY;
      await c.call('sync.now', {});
      expect((await c.call('sync.status', {})).state).toBe('offline');

      // Work done, then 31 days without the server.
      const second = await c.call('record.create', { entity: 'account', values: { name: '宁波港务' } });
      await c.call('record.update', { entity: 'account', id: first.id, values: { phone: '0571-88881234' } });
      clock += 31 * DAY;
      // sync.now answers with the status after the cycle: signed out, and why.
      const expired = await c.call('sync.now', {});
      expect(expired).toMatchObject({ state: 'signedOut', lastErrorKey: 'sync.error.sessionExpired', lastUsername: 'wang', server: server.url, pending: 2, initial: null });
      // Unlike a revoked device, nothing is wiped.
      expect(await c.call('record.get', { entity: 'account', id: second.id })).toMatchObject({ name: '宁波港务' });
      expect(await c.call('record.get', { entity: 'account', id: first.id })).toMatchObject({ phone: '0571-88881234' });

      // The server refuses the token from now on, on HTTP and on the socket, and audits it once.
      const device = (await server.server.users.devices()).find((d) => d.id === deviceId)!;
      expect(device.expiredAt).toBe(clock);
      const [row] = await server.server.users.audit.list({ username: 'wang', limit: 1 });
      expect(row).toMatchObject({ outcome: 'expired', userId: server.users.wang!.id, deviceId, deviceName: 'test', address: '127.0.0.1' });

      // A sign-in as the same user on the same server resumes: the replica stays and the changes go out.
      await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
      const back = await c.call('sync.status', {});
      expect(back).toMatchObject({ state: 'offline', lastErrorKey: null, lastUsername: null, pending: 2, initial: null });
      await c.call('sync.now', {});
      expect((await c.call('sync.status', {})).pending).toBe(0);
      const onServer = await server.server.store.all<{ id: string; fields: string }>("SELECT id, fields FROM records WHERE entity = 'account' ORDER BY id");
      expect(onServer.map((r) => [r.id, (JSON.parse(r.fields) as { name: string; phone?: string }).name])).toEqual(
        [
          [first.id, '杭州西湖科技'],
          [second.id, '宁波港务'],
        ].sort(),
      );
      expect((JSON.parse(onServer.find((r) => r.id === first.id)!.fields) as { phone: string }).phone).toBe('0571-88881234');

      const outcomes = (await server.server.users.audit.list({ username: 'wang' })).map((r) => r.outcome);
      expect(outcomes).toEqual(['ok', 'expired', 'ok']);
    });

    it('the expired token is refused on every route and at hello, audited once; a device seen within the limit is not', async () => {
      const idle = await login(server.url, 'boss', 'password-1', 'idle laptop');
      clock += 10 * DAY;
      const busy = await login(server.url, 'boss', 'password-1', 'busy laptop');
      clock += 20 * DAY + 1;
      const pull = { type: 'pull', id: 1, cursor: 0 };
      expect((await postJson(server.url, '/v1/pull', pull, busy.token)).status).toBe(200);
      expectRefusal(await postJson(server.url, '/v1/pull', pull, idle.token), 401, 'SESSION_EXPIRED');
      expectRefusal(await request(`${server.url}/v1/directory`, { headers: jsonHeaders(idle.token) }), 401, 'SESSION_EXPIRED');
      expectRefusal(await postJson(server.url, '/v1/logout', {}, idle.token), 401, 'SESSION_EXPIRED');
      const socket = await SyncSocket.open(server.url);
      expect(await socket.hello(idle.token)).toMatchObject({ type: 'error', code: 'SESSION_EXPIRED' });
      expect(await socket.closed).toEqual({ code: 4001, reason: 'SESSION_EXPIRED' });
      const rows = await server.server.users.audit.list({ username: 'boss' });
      expect(rows.map((r) => [r.outcome, r.deviceName])).toEqual([
        ['expired', 'idle laptop'],
        ['ok', 'busy laptop'],
        ['ok', 'idle laptop'],
      ]);
      expect(rows[0]).toMatchObject({ deviceId: idle.deviceId, userId: server.users.boss!.id });
      const devices = await runCli(['device', 'list', ...server.cliArgs]);
      expect(devices.stdout.split('\n').find((l) => l.startsWith(idle.deviceId))).toMatch(/ {2}EXPIRED$/);
      expect(devices.stdout.split('\n').find((l) => l.startsWith(busy.deviceId))).not.toMatch(/EXPIRED/);
    }, CLI_TIMEOUT);

    it('after an expired session, another user signing in on that client replaces the replica', async () => {
      const c = openTestClient();
      clients.push(c);
      await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
      await c.call('sync.now', {});
      await c.call('record.create', { entity: 'account', values: { name: '未同步的客户' } });
      clock += 31 * DAY;
      expect(await c.call('sync.now', {})).toMatchObject({ state: 'signedOut', lastErrorKey: 'sync.error.sessionExpired', lastUsername: 'wang', pending: 1 });
      await c.call('sync.login', { server: server.url, username: 'boss', password: 'password-1' });
      expect(await c.call('sync.status', {})).toMatchObject({ pending: 0, lastUsername: null });
      await c.call('sync.now', {});
      const names = (await c.call('record.list', { entity: 'account' })).rows.map((r) => r.name);
      expect(names).toContain('杭州西湖科技');
      expect(names).not.toContain('未同步的客户');
    });
  });
}
