import { entities } from '../../src-shared/entities/index';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_SCHEMA_VERSION, MAX_MESSAGE_BYTES, OLDEST_CLIENT_SCHEMA, PROTOCOL_VERSION, errorMessage, serverMessage, type ConnectionErrorCode } from '../../src-shared/sync/protocol.contract';
import { startTestServer, type StoreKind, type TestServer } from '../support/sync-fixture';
import { SyncSocket, VERSION_HEADERS, expectRefusal, fingerprint, jsonHeaders, login, postJson, request, type Device, type Fingerprint } from '../support/server-client';

/**
 * Requests the server must refuse: each gets a 4xx (or an `error` message on the socket) with a
 * code from the protocol's closed list, and none of them changes a row.
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
const ACCOUNT = '01a00000-0000-7000-8000-000000000001';

function account(seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { seq, entity: 'account', recordId: ACCOUNT, op: 'update', changes: { level: 'A' }, base: {}, baseVersion: 1, ...overrides };
}

function push(mutations: unknown[], id = 1): Record<string, unknown> {
  return { type: 'push', id, mutations };
}

/** Raw bytes to the port, for requests no HTTP client would send; resolves with what came back. */
function rawHttp(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('utf8').on('data', (s: string) => (answer += s));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

function parseRaw(answer: string): { status: number; text: string } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), text: body };
}

function expectSocketError(message: Record<string, unknown>, code: ConnectionErrorCode, id?: number): void {
  expect(serverMessage.safeParse(message).success, JSON.stringify(message)).toBe(true);
  const error = errorMessage.parse(message);
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(5);
  expect(error.id).toBe(id);
}

for (const kind of stores) {
  describe(`server refuses bad input (${kind})`, () => {
    let server: TestServer;
    let base: string;
    let rep: Device;
    let revoked: Device;
    let disabled: Device;
    let before: Fingerprint;
    const sockets: SyncSocket[] = [];

    beforeAll(async () => {
      server = await startTestServer(kind);
      base = server.url;
      await server.addUser('rep', 'sales_rep');
      await server.addUser('gone', 'sales_rep');
      await server.addUser('old', 'sales_rep');
      rep = await login(base, 'rep', 'password-1', 'rep laptop');
      revoked = await login(base, 'gone', 'password-1');
      disabled = await login(base, 'old', 'password-1');
      expect(await server.server.users.revokeDevice(revoked.deviceId)).toBe(true);
      await server.server.store.run('UPDATE users SET disabled_at = ? WHERE username = ?', [Date.now(), 'old']);
      const seeded = await postJson(base, '/v1/push', push([{ seq: 1, entity: 'account', recordId: ACCOUNT, op: 'create', changes: { name: '杭州西湖科技' }, base: {} }]), rep.token);
      expect(JSON.parse(seeded.text)).toMatchObject({ results: [{ status: 'applied' }] });
      before = await fingerprint(server.server.store, ['last_seen_at']);
    });

    afterAll(async () => {
      for (const s of sockets) s.close();
      await server?.close();
    });

    /** Every test here ends with the data as the setup left it; a hello only marks its device as seen. */
    async function expectNothingChanged(): Promise<void> {
      const after = await fingerprint(server.server.store, ['last_seen_at']);
      for (const table of Object.keys(before) as (keyof Fingerprint)[]) expect([...after[table]], table).toEqual([...before[table]]);
    }

    async function socket(): Promise<SyncSocket> {
      const s = await SyncSocket.open(base);
      sockets.push(s);
      return s;
    }

    it('malformed and empty JSON bodies are 400 BAD_REQUEST', async () => {
      for (const path of ['/v1/push', '/v1/pull', '/v1/login', '/v1/logout']) {
        for (const body of ['{bad', '{"type":"push",', '[1,2', 'nul', '{"a":1}}', '\u00ff\u00fe{}']) {
          expectRefusal(await request(`${base}${path}`, { method: 'POST', headers: jsonHeaders(rep.token), body }), 400, 'BAD_REQUEST');
        }
        expectRefusal(await request(`${base}${path}`, { method: 'POST', headers: jsonHeaders(rep.token), body: '' }), 400, 'BAD_REQUEST');
      }
      // Prototype keys are refused by the JSON parser rather than reaching the handlers.
      expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers: jsonHeaders(rep.token), body: '{"type":"push","id":1,"__proto__":{"x":1}}' }), 400, 'BAD_REQUEST');
      await expectNothingChanged();
    });

    it('bodies over 1 MB are 413 PAYLOAD_TOO_LARGE, with a content length or chunked', async () => {
      const name = 'x'.repeat(MAX_MESSAGE_BYTES);
      const big = JSON.stringify(push([account(2, { changes: { notes: name } })]));
      expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_MESSAGE_BYTES);
      expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers: jsonHeaders(rep.token), body: big }), 413, 'PAYLOAD_TOO_LARGE');
      expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers: { ...jsonHeaders(rep.token), 'transfer-encoding': 'chunked' }, body: big }), 413, 'PAYLOAD_TOO_LARGE');
      expectRefusal(await postJson(base, '/v1/login', { username: 'rep', password: name, deviceName: 'd', protocol: 1, schema: CLIENT_SCHEMA_VERSION }), 413, 'PAYLOAD_TOO_LARGE');
      // Just under the limit is read, and refused for what it says (the string is over 10,000 characters).
      const under = JSON.stringify(push([account(2, { changes: { notes: 'x'.repeat(MAX_MESSAGE_BYTES - 200) } })]));
      expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers: jsonHeaders(rep.token), body: under }), 400, 'BAD_REQUEST');
      await expectNothingChanged();
    });

    it('protocol and schema versions: too old, too new and missing, on every authenticated route', async () => {
      const cases: [Record<string, string>, number, ConnectionErrorCode][] = [
        [{ 'x-crm-protocol': String(PROTOCOL_VERSION - 1) }, 426, 'PROTOCOL_TOO_OLD'],
        [{ 'x-crm-protocol': String(PROTOCOL_VERSION + 1) }, 426, 'PROTOCOL_TOO_NEW'],
        [{ 'x-crm-schema': String(OLDEST_CLIENT_SCHEMA - 1) }, 426, 'SCHEMA_TOO_OLD'],
        [{ 'x-crm-schema': String(CLIENT_SCHEMA_VERSION + 1) }, 426, 'SCHEMA_TOO_NEW'],
        [{ 'x-crm-schema': '999999999' }, 426, 'SCHEMA_TOO_NEW'],
        [{ 'x-crm-protocol': '' }, 400, 'BAD_REQUEST'],
        [{ 'x-crm-protocol': 'one' }, 400, 'BAD_REQUEST'],
        [{ 'x-crm-protocol': '0x1' }, 400, 'BAD_REQUEST'],
        [{ 'x-crm-schema': '3.5' }, 400, 'BAD_REQUEST'],
        [{ 'x-crm-schema': '-3' }, 400, 'BAD_REQUEST'],
      ];
      const routes: [string, string, string | undefined][] = [
        ['POST', '/v1/push', JSON.stringify(push([account(2)]))],
        ['POST', '/v1/pull', JSON.stringify({ type: 'pull', id: 1, cursor: 0 })],
        ['GET', '/v1/snapshot?entity=account', undefined],
        ['GET', '/v1/directory', undefined],
        ['POST', '/v1/logout', '{}'],
      ];
      for (const [method, path, body] of routes) {
        for (const [headers, status, code] of cases) {
          expectRefusal(await request(`${base}${path}`, { method, headers: { ...jsonHeaders(rep.token), ...headers }, body }), status, code);
        }
        for (const missing of ['x-crm-protocol', 'x-crm-schema']) {
          const headers = jsonHeaders(rep.token);
          delete headers[missing];
          expectRefusal(await request(`${base}${path}`, { method, headers, body }), 400, 'BAD_REQUEST');
        }
        // A wrong version is reported before a bad token: the user must update either way.
        expectRefusal(await request(`${base}${path}`, { method, headers: { ...jsonHeaders('not-a-token'), 'x-crm-protocol': '2' }, body }), 426, 'PROTOCOL_TOO_NEW');
      }
      // The previous client schema is still served.
      const previous = await request(`${base}/v1/snapshot?entity=account`, { headers: { ...jsonHeaders(rep.token), 'x-crm-schema': String(OLDEST_CLIENT_SCHEMA) } });
      expect(previous.status).toBe(200);
      const newer = Object.entries(entities.account.fields as Record<string, { since?: number }>).filter(([, def]) => (def.since ?? 0) > OLDEST_CLIENT_SCHEMA).map(([name]) => name);
      expect(newer.length).toBeGreaterThan(0);
      for (const field of newer) expect(JSON.parse(previous.text).columns).not.toContain(field);
      await expectNothingChanged();
    });

    it('login names its versions in the body; a newer protocol is told so even when its login looks different', async () => {
      const good = { username: 'rep', password: 'password-1', deviceName: 'd', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION };
      expectRefusal(await postJson(base, '/v1/login', { ...good, protocol: PROTOCOL_VERSION - 1 }), 426, 'PROTOCOL_TOO_OLD');
      expectRefusal(await postJson(base, '/v1/login', { ...good, protocol: PROTOCOL_VERSION + 1 }), 426, 'PROTOCOL_TOO_NEW');
      expectRefusal(await postJson(base, '/v1/login', { ...good, schema: OLDEST_CLIENT_SCHEMA - 1 }), 426, 'SCHEMA_TOO_OLD');
      expectRefusal(await postJson(base, '/v1/login', { ...good, schema: CLIENT_SCHEMA_VERSION + 1 }), 426, 'SCHEMA_TOO_NEW');
      expectRefusal(await postJson(base, '/v1/login', { protocol: PROTOCOL_VERSION + 1, schema: CLIENT_SCHEMA_VERSION, user: { name: 'rep', secret: 'x' } }), 426, 'PROTOCOL_TOO_NEW');
      const noVersions: Record<string, unknown> = { ...good };
      delete noVersions.protocol;
      expectRefusal(await postJson(base, '/v1/login', noVersions), 400, 'BAD_REQUEST');
      expectRefusal(await postJson(base, '/v1/login', { ...good, protocol: '1' }), 400, 'BAD_REQUEST');
      await expectNothingChanged();
    });

    it('wrong, revoked and disabled credentials: 401 AUTH_FAILED, 403 DEVICE_REVOKED, 403 USER_DISABLED', async () => {
      const pull = JSON.stringify({ type: 'pull', id: 1, cursor: 0 });
      const at = (headers: Record<string, string>) => request(`${base}/v1/pull`, { method: 'POST', headers: { ...VERSION_HEADERS, 'content-type': 'application/json', ...headers }, body: pull });
      expectRefusal(await at({}), 401, 'AUTH_FAILED');
      expectRefusal(await at({ authorization: `Basic ${Buffer.from('rep:password-1').toString('base64')}` }), 401, 'AUTH_FAILED');
      expectRefusal(await at({ authorization: 'Bearer ' }), 401, 'AUTH_FAILED');
      expectRefusal(await at({ authorization: `Bearer ${rep.token.slice(0, -1)}` }), 401, 'AUTH_FAILED');
      expectRefusal(await at({ authorization: `Bearer ${'A'.repeat(8000)}` }), 401, 'AUTH_FAILED');
      expectRefusal(await at({ authorization: `bearer ${rep.token}` }), 401, 'AUTH_FAILED');
      expectRefusal(await at({ authorization: `Bearer ${revoked.token}` }), 403, 'DEVICE_REVOKED');
      expectRefusal(await at({ authorization: `Bearer ${disabled.token}` }), 403, 'USER_DISABLED');
      expectRefusal(await request(`${base}/v1/snapshot?entity=account`, { headers: jsonHeaders(revoked.token) }), 403, 'DEVICE_REVOKED');
      expectRefusal(await request(`${base}/v1/directory`, { headers: jsonHeaders(revoked.token) }), 403, 'DEVICE_REVOKED');
      expectRefusal(await request(`${base}/v1/directory`, { headers: jsonHeaders('x'.repeat(43)) }), 401, 'AUTH_FAILED');
      expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers: jsonHeaders(disabled.token), body: JSON.stringify(push([account(2)])) }), 403, 'USER_DISABLED');
      // The right token still works: the refusals above were about the credentials.
      expect((await at({ authorization: `Bearer ${rep.token}` })).status).toBe(200);

      const creds = { deviceName: 'd', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION };
      expectRefusal(await postJson(base, '/v1/login', { ...creds, username: 'rep', password: 'password-2' }), 401, 'AUTH_FAILED');
      const unknown = expectRefusal(await postJson(base, '/v1/login', { ...creds, username: 'nobody', password: 'password-1' }), 401, 'AUTH_FAILED');
      const wrong = expectRefusal(await postJson(base, '/v1/login', { ...creds, username: 'rep', password: 'password-2' }), 401, 'AUTH_FAILED');
      expect(unknown.message).toBe(wrong.message);
      expectRefusal(await postJson(base, '/v1/login', { ...creds, username: 'old', password: 'password-1' }), 403, 'USER_DISABLED');
      await expectNothingChanged();
    });

    it('a signed-out device is refused like a revoked one', async () => {
      const device = await login(base, 'rep', 'password-1', 'second laptop');
      expect((await postJson(base, '/v1/logout', {}, device.token)).status).toBe(200);
      expectRefusal(await postJson(base, '/v1/pull', { type: 'pull', id: 1, cursor: 0 }, device.token), 403, 'DEVICE_REVOKED');
      expectRefusal(await postJson(base, '/v1/logout', {}, device.token), 403, 'DEVICE_REVOKED');
      // Its own row is all that changed.
      const rows = await server.server.store.all<{ id: string; revoked_at: number | null }>('SELECT id, revoked_at FROM devices WHERE id = ?', [device.deviceId]);
      expect(rows).toEqual([{ id: device.deviceId, revoked_at: expect.any(Number) }]);
      await server.server.store.run('DELETE FROM devices WHERE id = ?', [device.deviceId]);
      await expectNothingChanged();
    });

    it('wrong content types: 415 for types the server does not read, 400 for text that is not a message', async () => {
      const body = JSON.stringify(push([account(2)]));
      for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/json', 'application/octet-stream']) {
        expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers: { ...jsonHeaders(rep.token), 'content-type': type }, body }), 415, 'BAD_REQUEST');
      }
      const headers = jsonHeaders(rep.token);
      delete headers['content-type'];
      expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers, body }), 415, 'BAD_REQUEST');
      // text/plain is read as a string, which is not a push message.
      expectRefusal(await request(`${base}/v1/push`, { method: 'POST', headers: { ...jsonHeaders(rep.token), 'content-type': 'text/plain' }, body }), 400, 'BAD_REQUEST');
      await expectNothingChanged();
    });

    it('unknown routes and methods are 404 with BAD_REQUEST', async () => {
      for (const [method, path] of [
        ['GET', '/'],
        ['GET', '/nope'],
        ['GET', '/v1/push'],
        ['DELETE', '/v1/login'],
        ['PUT', '/v1/push'],
        ['POST', '/v2/push'],
        ['GET', '/v1/snapshot/../../etc/passwd'],
        ['POST', '/health'],
        ['GET', `/${'a'.repeat(5000)}`],
      ] as const) {
        const refusal = expectRefusal(await request(`${base}${path}`, { method, headers: jsonHeaders(rep.token), body: method === 'GET' ? undefined : '{}' }), 404, 'BAD_REQUEST');
        expect(refusal.message).toMatch(/^no route /);
      }
      // The socket's path without the upgrade (a proxy that drops the headers) says what is missing.
      const plain = expectRefusal(await request(`${base}/v1/sync`, { headers: jsonHeaders(rep.token) }), 400, 'BAD_REQUEST');
      expect(plain.message).toMatch(/WebSocket/);
      await expectNothingChanged();
    });

    it('snapshot query strings: unknown entities, bad limits and cursors are 400', async () => {
      const queries = [
        '',
        'entity=',
        'entity=campaign',
        'entity=__proto__',
        'entity=toString',
        'entity=ACCOUNT',
        'entity=%ZZ',
        'entity=account&entity=contact',
        'entity=account&limit=0',
        'entity=account&limit=-1',
        'entity=account&limit=abc',
        'entity=account&limit=1.5',
        'entity=account&limit=20001',
        'entity=account&limit=',
        'entity=account&limit=1e400',
        `entity=account&after=${'a'.repeat(65)}`,
        'entity=account&after=a&after=b',
        'entity=account&after=%00',
        'entity=account&after=x%00y',
        `entity=account&${'x=1&'.repeat(2000)}after=%E4%B8%AD`,
      ];
      for (const q of queries) {
        const answer = await request(`${base}/v1/snapshot?${q}`, { headers: jsonHeaders(rep.token) });
        if (q.endsWith('after=%E4%B8%AD')) {
          // Unknown parameters are ignored; the valid rest is served.
          expect(answer.status).toBe(200);
          continue;
        }
        expectRefusal(answer, 400, 'BAD_REQUEST');
      }
      const ok = await request(`${base}/v1/snapshot?entity=account&limit=1&after=`, { headers: jsonHeaders(rep.token) });
      expect(ok.status).toBe(200);
      const page = JSON.parse(ok.text) as { rows: unknown[][]; next: string | null };
      expect(page.rows.map((r) => r[0])).toEqual([ACCOUNT]);
      await expectNothingChanged();
    });

    it('push and pull bodies of the wrong shape are 400 and change nothing', async () => {
      const ok = account(2);
      const without = (key: string) => Object.fromEntries(Object.entries(ok).filter(([k]) => k !== key));
      const pushes: unknown[] = [
        null,
        [],
        'push',
        42,
        {},
        { type: 'push', mutations: [ok] },
        { type: 'pull', id: 1, mutations: [ok] },
        { type: 'push', id: -1, mutations: [ok] },
        { type: 'push', id: 1.5, mutations: [ok] },
        { type: 'push', id: '1', mutations: [ok] },
        push([]),
        push(Array.from({ length: 501 }, (_, i) => account(i + 2))),
        push([ok, null]),
        push(['mutation']),
        ...['seq', 'entity', 'recordId', 'op', 'changes', 'base'].map((k) => push([without(k)])),
        push([account(0)]),
        push([account(-1)]),
        push([account(1.5)]),
        push([account(2 ** 53)]),
        push([account(2, { seq: '2' })]),
        push([account(2, { entity: 'campaign' })]),
        push([account(2, { entity: 'user' })]),
        push([account(2, { entity: '__proto__' })]),
        push([account(2, { op: 'upsert' })]),
        push([account(2, { op: 'UPDATE' })]),
        push([account(2, { recordId: '' })]),
        push([account(2, { recordId: 'r'.repeat(65) })]),
        push([account(2, { recordId: 7 })]),
        push([account(2, { recordId: 'a\u0000b' })]),
        push([account(2, { changes: [] })]),
        push([account(2, { changes: 'level=A' })]),
        push([account(2, { changes: { level: { nested: 'A' } } })]),
        push([account(2, { changes: { notes: 'n'.repeat(10_001) } })]),
        push([account(2, { changes: { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } })]),
        push([account(2, { changes: { tags: ['t'.repeat(201)] } })]),
        push([account(2, { changes: { '': 'x' } })]),
        push([account(2, { changes: { ownerId: 'u\u0000' } })]),
        push([{ ...account(2, { entity: 'contact', op: 'create' }), changes: { accountId: `${ACCOUNT}\u0000`, name: '张伟' } }]),
        push([account(2, { baseVersion: -1 })]),
        push([account(2, { baseVersion: 'v1' })]),
      ];
      for (const body of pushes) {
        expectRefusal(await postJson(base, '/v1/push', body, rep.token), 400, 'BAD_REQUEST');
      }
      const pulls: unknown[] = [
        { type: 'pull', id: 1 },
        { type: 'pull', id: 1, cursor: -1 },
        { type: 'pull', id: 1, cursor: 1.5 },
        { type: 'pull', id: 1, cursor: '0' },
        { type: 'pull', id: 1, cursor: 2 ** 53 },
        { type: 'pull', id: 1, cursor: 0, limit: 0 },
        { type: 'pull', id: 1, cursor: 0, limit: 5001 },
        { type: 'pull', id: 1, cursor: 0, limit: '10' },
        { type: 'push', id: 1, cursor: 0 },
        { id: 1, cursor: 0 },
        { type: 'pull', cursor: 0 },
        [{ type: 'pull', id: 1, cursor: 0 }],
      ];
      for (const body of pulls) {
        expectRefusal(await postJson(base, '/v1/pull', body, rep.token), 400, 'BAD_REQUEST');
      }
      const logins: unknown[] = [
        { username: 'rep', password: 'password-1', protocol: 1, schema: CLIENT_SCHEMA_VERSION },
        { username: '', password: 'password-1', deviceName: 'd', protocol: 1, schema: CLIENT_SCHEMA_VERSION },
        { username: 'rep', password: 1234, deviceName: 'd', protocol: 1, schema: CLIENT_SCHEMA_VERSION },
        { username: 'r\u0000ep', password: 'password-1', deviceName: 'd', protocol: 1, schema: CLIENT_SCHEMA_VERSION },
        { username: 'rep', password: 'password-1', deviceName: 'lap\u0000top', protocol: 1, schema: CLIENT_SCHEMA_VERSION },
        { username: 'u'.repeat(101), password: 'password-1', deviceName: 'd', protocol: 1, schema: CLIENT_SCHEMA_VERSION },
      ];
      for (const body of logins) {
        expectRefusal(await postJson(base, '/v1/login', body), 400, 'BAD_REQUEST');
      }
      await expectNothingChanged();
    });

    it('requests the HTTP parser cannot read get the same { code, message } body', async () => {
      const garbage = parseRaw(await rawHttp(server.server.port, 'GARBAGE\r\n\r\n'));
      expectRefusal(garbage, 400, 'BAD_REQUEST');
      const badHeader = parseRaw(await rawHttp(server.server.port, 'GET /health HTTP/1.1\r\nHost: x\r\nX-\u0001: 1\r\n\r\n'));
      expectRefusal(badHeader, 400, 'BAD_REQUEST');
      const hugeHeaders = parseRaw(await rawHttp(server.server.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
      expectRefusal(hugeHeaders, 431, 'BAD_REQUEST');
      const shortBody = parseRaw(
        await rawHttp(server.server.port, `POST /v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n{"a":1}`),
      );
      expectRefusal(shortBody, 400, 'BAD_REQUEST');
      expect((await request(`${base}/health`)).status).toBe(200);
      await expectNothingChanged();
    });

    it('the socket before hello: garbage is BAD_REQUEST, sync messages are AUTH_FAILED, wrong versions and credentials close it', async () => {
      const s = await socket();
      expectSocketError(await s.ask('{bad'), 'BAD_REQUEST');
      expectSocketError(await s.ask(Buffer.from([0xff, 0xfe, 0x00])), 'BAD_REQUEST');
      for (const junk of ['null', '[]', '42', '"hello"', '{}', '{"type":"welcome"}']) expectSocketError(await s.ask(junk), 'BAD_REQUEST');
      expectSocketError(await s.ask({ type: 'hello', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION, token: 'short', cursor: 0 }), 'BAD_REQUEST');
      expectSocketError(await s.ask({ type: 'hello', token: rep.token, cursor: 0 }), 'BAD_REQUEST');
      expectSocketError(await s.ask(`"${'x'.repeat(MAX_MESSAGE_BYTES + 10)}"`), 'PAYLOAD_TOO_LARGE');
      // None of that closed the socket: a proper hello is still welcome.
      expect(await s.hello(rep.token)).toMatchObject({ type: 'welcome', deviceId: rep.deviceId, userId: rep.userId });

      const early = await socket();
      expectSocketError(await early.ask({ type: 'pull', id: 5, cursor: 0 }), 'AUTH_FAILED', 5);
      expect(await early.closed).toEqual({ code: 4001, reason: 'AUTH_FAILED' });

      const refusals: [Record<string, unknown>, ConnectionErrorCode, number][] = [
        [{ protocol: PROTOCOL_VERSION - 1 }, 'PROTOCOL_TOO_OLD', 4026],
        [{ protocol: PROTOCOL_VERSION + 1 }, 'PROTOCOL_TOO_NEW', 4026],
        [{ schema: OLDEST_CLIENT_SCHEMA - 1 }, 'SCHEMA_TOO_OLD', 4026],
        [{ schema: CLIENT_SCHEMA_VERSION + 1 }, 'SCHEMA_TOO_NEW', 4026],
        // A newer protocol's hello may look different; it is still told that it is too new.
        [{ protocol: PROTOCOL_VERSION + 1, token: undefined, session: { id: 1 } }, 'PROTOCOL_TOO_NEW', 4026],
        [{ token: 'x'.repeat(43) }, 'AUTH_FAILED', 4001],
        [{ token: revoked.token }, 'DEVICE_REVOKED', 4003],
        [{ token: disabled.token }, 'USER_DISABLED', 4003],
      ];
      for (const [patch, code, close] of refusals) {
        const t = await socket();
        expectSocketError(await t.ask({ type: 'hello', protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION, token: rep.token, cursor: 0, ...patch }), code);
        expect(await t.closed).toEqual({ code: close, reason: code });
      }
      await expectNothingChanged();
    });

    it('the socket after hello: bad messages are answered with their id and the connection keeps serving', async () => {
      const s = await socket();
      expect(await s.hello(rep.token)).toMatchObject({ type: 'welcome' });
      expectSocketError(await s.ask('{"type":"pull",'), 'BAD_REQUEST');
      expectSocketError(await s.ask({ type: 'pull', id: 2, cursor: -1 }), 'BAD_REQUEST', 2);
      expectSocketError(await s.ask({ type: 'pull', id: 3, cursor: 0, limit: 5001 }), 'BAD_REQUEST', 3);
      expectSocketError(await s.ask({ type: 'sync', id: 4 }), 'BAD_REQUEST', 4);
      expectSocketError(await s.ask({ type: 'push', id: 5, mutations: [] }), 'BAD_REQUEST', 5);
      expectSocketError(await s.ask({ type: 'push', id: 6, mutations: [account(2, { op: 'merge' })] }), 'BAD_REQUEST', 6);
      expectSocketError(await s.ask({ type: 'push', id: 7, mutations: [account(2, { recordId: 'a\u0000' })] }), 'BAD_REQUEST', 7);
      // An id that is not a request id is not echoed (the error message's schema has no room for it).
      expectSocketError(await s.ask({ type: 'push', id: -1.5, mutations: [account(2)] }), 'BAD_REQUEST');
      expectSocketError(await s.ask({ type: 'welcome', id: 8, serverTime: 1, userId: 'x', deviceId: 'y', cursor: 0 }), 'BAD_REQUEST', 8);
      // Over the message limit: answered with the id, like HTTP's 413.
      expectSocketError(await s.ask(push([account(2, { changes: { notes: 'n'.repeat(MAX_MESSAGE_BYTES) } })], 9)), 'PAYLOAD_TOO_LARGE', 9);
      const pulled = await s.ask({ type: 'pull', id: 10, cursor: 0 });
      expect(pulled).toMatchObject({ type: 'changes', id: 10, hasMore: false });
      expect(s.isOpen).toBe(true);
      await expectNothingChanged();
    });

    it('the socket: messages beyond the hard limit close it with 1009, and the server keeps serving', async () => {
      const s = await socket();
      expect(await s.hello(rep.token)).toMatchObject({ type: 'welcome' });
      s.send('x'.repeat(4 * MAX_MESSAGE_BYTES + 1));
      expect((await s.closed).code).toBe(1009);
      const again = await socket();
      expect(await again.hello(rep.token)).toMatchObject({ type: 'welcome' });
      expect(await again.ask({ type: 'pull', id: 1, cursor: 0 })).toMatchObject({ type: 'changes', id: 1 });
      await expectNothingChanged();
    });

    it('a device revoked while its socket is open is refused at its next message', async () => {
      const device = await login(base, 'rep', 'password-1', 'soon revoked');
      const s = await socket();
      expect(await s.hello(device.token)).toMatchObject({ type: 'welcome', deviceId: device.deviceId });
      expect(await s.ask({ type: 'pull', id: 1, cursor: 0 })).toMatchObject({ type: 'changes', id: 1 });
      await server.server.users.revokeDevice(device.deviceId);
      expectSocketError(await s.ask({ type: 'pull', id: 2, cursor: 0 }), 'DEVICE_REVOKED', 2);
      expect(await s.closed).toEqual({ code: 4003, reason: 'DEVICE_REVOKED' });
      await server.server.store.run('DELETE FROM devices WHERE id = ?', [device.deviceId]);
      await expectNothingChanged();
    });
  });
}
