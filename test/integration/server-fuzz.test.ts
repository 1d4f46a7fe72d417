import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesMessage, errorMessage, loginResponse, pushMessage, pushResultMessage, serverMessage, snapshotPage, welcomeMessage } from '../../src-shared/sync/protocol.contract';
import { startTestServer, type StoreKind, type TestServer } from '../support/sync-fixture';
import { SyncSocket, fingerprint, isAllowedRefusal, login, postJson, request, rowOf, tableDiff, type Device, type Fingerprint } from '../support/server-client';
import { fuzzMessage, fuzzRequest, type Credential, type FuzzWorld } from '../support/server-fuzz';

/**
 * Random and mutated requests (server-fuzz.ts) against a server with users and records. Each
 * answer must be a success that matches the protocol's schema or a refusal from the closed list,
 * never a 500; and the tables may change only as the answer says: a login adds its device, a push
 * stores its answers (and its applied changes), nothing else changes anything. Replay a failure
 * with CRM_FUZZ_SEED=<seed>; CRM_FUZZ_RUNS sets the number of requests.
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
const RUNS = Number(process.env.CRM_FUZZ_RUNS ?? 1000);
const SOCKET_RUNS = Math.ceil(RUNS / 4);
/** Under ~15 s per store on an idle 2-core machine; the margin is for a busy one. */
const FUZZ_TIMEOUT = 120_000;

function fuzzSeed(): number {
  return process.env.CRM_FUZZ_SEED ? Number(process.env.CRM_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
}

/** fc.assert, with the seed and the way to replay it at the top of any failure. */
async function assertWithSeed<T>(property: fc.IAsyncProperty<[T]>, runs: number, what: string): Promise<void> {
  const seed = fuzzSeed();
  try {
    await fc.assert(property, { numRuns: runs, seed });
  } catch (error) {
    throw new Error(`${what} failed with seed ${seed} (replay: CRM_FUZZ_SEED=${seed} npx vitest run test/integration/server-fuzz.test.ts)\n${(error as Error).message}`, { cause: error });
  }
}

interface Outcome {
  route: 'push' | 'pull' | 'login' | 'snapshot' | 'other' | 'hello';
  ok: boolean;
  /** The session's device, for a push that was answered. */
  device?: Device | undefined;
  /** The request body, for a push that was answered. */
  sent?: string;
  answer: unknown;
}

const noChange = { added: [], removed: [], changed: [] };

/** The tables changed exactly as the answer accounts for (see the file comment). */
function expectAccountedFor(before: Fingerprint, after: Fingerprint, o: Outcome): void {
  expect(tableDiff(before.users, after.users), 'users').toEqual(noChange);

  const devices = tableDiff(before.devices, after.devices);
  if (o.route === 'login' && o.ok) {
    const answer = loginResponse.parse(o.answer);
    expect(devices).toEqual({ added: [answer.deviceId], removed: [], changed: [] });
    expect(rowOf(after.devices.get(answer.deviceId))).toMatchObject({ user_id: answer.user.id, revoked_at: null });
  } else {
    expect(devices, 'devices').toEqual(noChange);
  }

  const stored = tableDiff(before.mutation_results, after.mutation_results);
  expect(stored.removed, 'mutation_results removed').toEqual([]);
  expect(stored.changed, 'mutation_results changed').toEqual([]);
  let applied = false;
  if (o.route === 'push' && o.ok) {
    const deviceId = o.device!.deviceId;
    const sent = pushMessage.parse(JSON.parse(o.sent!));
    const answer = pushResultMessage.parse(o.answer);
    expect(answer.results.map((r) => r.seq)).toEqual(sent.mutations.map((m) => m.seq));
    const key = (seq: number) => `${deviceId}\u0001${seq}`;
    const fresh = new Set(sent.mutations.map((m) => m.seq).filter((s) => !before.mutation_results.has(key(s))));
    expect(new Set(stored.added)).toEqual(new Set([...fresh].map(key)));
    for (const r of answer.results) {
      // Every answer is the stored one: a repeated seq gets exactly what was stored first.
      expect(JSON.parse(String(rowOf(after.mutation_results.get(key(r.seq))).result))).toEqual(r);
    }
    applied = answer.results.some((r) => fresh.has(r.seq) && r.status !== 'rejected');
  } else {
    expect(stored.added, 'mutation_results added').toEqual([]);
  }

  const changes = tableDiff(before.changes, after.changes);
  const records = tableDiff(before.records, after.records);
  if (!applied) {
    for (const t of ['records', 'record_refs', 'changes', 'counters'] as const) expect(tableDiff(before[t], after[t]), t).toEqual(noChange);
    return;
  }
  // Applied mutations: the log only grows, with this device's entries, and each record that
  // changed has a new log entry whose number is its version.
  expect(changes.removed).toEqual([]);
  expect(changes.changed).toEqual([]);
  expect(records.removed).toEqual([]);
  const logged = changes.added.map((k) => rowOf(after.changes.get(k)));
  for (const c of logged) expect(c.device_id).toBe(o.device!.deviceId);
  const head = Math.max(0, ...[...after.changes.values()].map((r) => Number(rowOf(r).cn)));
  expect(Number(rowOf(after.counters.get('cn')).value)).toBe(head);
  for (const k of [...records.added, ...records.changed]) {
    const r = rowOf(after.records.get(k));
    expect(logged.some((c) => c.entity === r.entity && c.record_id === r.id && Number(c.cn) === Number(r.version)), `log entry for ${k}`).toBe(true);
  }
}

/** A 2xx matches the route's success schema; anything else is a refusal from the closed list. */
function expectWellFormed(route: Outcome['route'], status: number, text: string): { ok: boolean; answer: unknown } {
  expect(status, text.slice(0, 300)).toBeGreaterThanOrEqual(200);
  expect(status, text.slice(0, 300)).toBeLessThan(500);
  const answer: unknown = text === '' ? undefined : JSON.parse(text);
  if (status >= 400) {
    expect(isAllowedRefusal(status, answer), `${status} ${text.slice(0, 300)}`).toBe(true);
    return { ok: false, answer };
  }
  const schema = { push: pushResultMessage, pull: changesMessage, login: loginResponse, snapshot: snapshotPage }[route as 'push'];
  if (schema) expect(schema.safeParse(answer).success, text.slice(0, 300)).toBe(true);
  return { ok: true, answer };
}

for (const kind of stores) {
  describe(`server fuzz (${kind})`, () => {
    let server: TestServer;
    let devices: Record<'rep' | 'boss', Device>;
    let tokens: Record<Credential, string | undefined>;
    const world: FuzzWorld = { accounts: [], contacts: [] };
    /** The server's clock runs ahead by this much: the sign-in limits' window can be let pass. */
    let ahead = 0;

    beforeAll(async () => {
      server = await startTestServer(kind, { now: () => Date.now() + ahead });
      await server.addUser('rep', 'sales_rep', '王芳');
      await server.addUser('boss', 'sales_manager', '李总');
      await server.addUser('old', 'sales_rep');
      const base = server.url;
      devices = { rep: await login(base, 'rep', 'password-1'), boss: await login(base, 'boss', 'password-1') };
      const revoked = await login(base, 'rep', 'password-1', 'lost phone');
      const disabled = await login(base, 'old', 'password-1');
      await server.server.users.revokeDevice(revoked.deviceId);
      await server.server.store.run('UPDATE users SET disabled_at = ? WHERE username = ?', [Date.now(), 'old']);
      tokens = { rep: devices.rep.token, boss: devices.boss.token, revoked: revoked.token, disabled: disabled.token, garbage: 'g'.repeat(43), none: undefined };

      // Records to update, delete and restore: three accounts with a contact each; one deleted.
      world.accounts = ['01a00000-0000-7000-8000-00000000000a', '01a00000-0000-7000-8000-00000000000b', '01a00000-0000-7000-8000-00000000000c'];
      world.contacts = ['01a00000-0000-7000-8000-0000000000c1', '01a00000-0000-7000-8000-0000000000c2', '01a00000-0000-7000-8000-0000000000c3'];
      const mutations = [
        ...world.accounts.map((id, i) => ({ seq: 1000 + i, entity: 'account', recordId: id, op: 'create', changes: { name: `客户 ${i}` }, base: {} })),
        ...world.contacts.map((id, i) => ({ seq: 1010 + i, entity: 'contact', recordId: id, op: 'create', changes: { accountId: world.accounts[i], name: `联系人 ${i}` }, base: {} })),
        { seq: 1020, entity: 'account', recordId: world.accounts[2], op: 'delete', changes: {}, base: {} },
      ];
      const seeded = await postJson(base, '/v1/push', { type: 'push', id: 1, mutations }, tokens.rep);
      expect(pushResultMessage.parse(JSON.parse(seeded.text)).results.every((r) => r.status === 'applied')).toBe(true);
    });

    afterAll(async () => {
      await server?.close();
    });

    it(`${RUNS} random and mutated HTTP requests: never a 500, only the changes the answers account for`, async () => {
      const app = server.server.app;
      const seen = { refused: 0, ok: 0, applied: 0 };
      // Only the requests change the tables, so one request's "after" is the next one's "before".
      let last: Fingerprint | null = null;
      const property = fc.asyncProperty(fuzzRequest(world), async (req) => {
        const token = tokens[req.credential];
        const headers = token ? { ...req.headers, authorization: `Bearer ${token}` } : req.headers;
        const before = last ?? (await fingerprint(server.server.store));
        last = null;
        const res = await app.inject({ method: req.method as 'POST', url: req.url, headers, ...(req.body === undefined ? {} : { payload: req.body }) });
        const { ok, answer } = expectWellFormed(req.route, res.statusCode, req.method === 'HEAD' ? '' : res.body);
        const after = await fingerprint(server.server.store);
        last = after;
        const device = req.credential === 'rep' || req.credential === 'boss' ? devices[req.credential] : undefined;
        expectAccountedFor(before, after, { route: req.route, ok, device, sent: req.body, answer });
        seen[ok ? 'ok' : 'refused']++;
        if (before.changes.size !== after.changes.size) seen.applied++;
      });
      await assertWithSeed(property, RUNS, `${kind} HTTP fuzz`);
      // The mix reached the handlers and beyond, not only the first refusal.
      expect(seen.ok).toBeGreaterThan(RUNS / 20);
      expect(seen.refused).toBeGreaterThan(RUNS / 3);
      expect(seen.applied).toBeGreaterThan(0);

      // Still serving, over real HTTP.
      const health = await request(`${server.url}/health`);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text)).toMatchObject({ ok: true, store: kind });
      // The fuzz's sign-ins may have used up the minute's attempts and locked boss with wrong passwords.
      ahead += 61_000;
      await server.server.users.unlock('boss');
      const fresh = await login(server.url, 'boss', 'password-1', 'after the fuzz');
      const pulled = await postJson(server.url, '/v1/pull', { type: 'pull', id: 1, cursor: 0, limit: 5000 }, fresh.token);
      expect(changesMessage.parse(JSON.parse(pulled.text)).changes.length).toBeGreaterThan(0);
    }, FUZZ_TIMEOUT);

    it(`${SOCKET_RUNS} random and mutated socket messages: one answer each, never INTERNAL, the socket closed only for connection-level codes`, async () => {
      const tokenText = (text: string) => text.replace(/"<(rep|boss|revoked|disabled|garbage|none)>"/g, (_, who: Credential) => JSON.stringify(tokens[who] ?? ''));
      let socket: SyncSocket | null = null;
      let session: Device | undefined;
      let last: Fingerprint | null = null;
      const open = async () => {
        socket = await SyncSocket.open(server.url);
        const welcome = welcomeMessage.parse(await socket.hello(tokens.rep!));
        session = devices.rep;
        expect(welcome.deviceId).toBe(session.deviceId);
        return socket;
      };
      const property = fc.asyncProperty(fuzzMessage(world), async (msg) => {
        const s = socket?.isOpen ? socket : await open();
        const text = tokenText(msg.text);
        const before = last ?? (await fingerprint(server.server.store, ['last_seen_at']));
        last = null;
        const answer = await s.ask(text);
        expect(serverMessage.safeParse(answer).success, JSON.stringify(answer).slice(0, 300)).toBe(true);
        let ok = answer.type !== 'error';
        if (!ok) {
          const error = errorMessage.parse(answer);
          expect(error.code, error.message).not.toBe('INTERNAL');
          const closes = ['AUTH_FAILED', 'DEVICE_REVOKED', 'USER_DISABLED', 'PROTOCOL_TOO_OLD', 'PROTOCOL_TOO_NEW', 'SCHEMA_TOO_OLD', 'SCHEMA_TOO_NEW'].includes(error.code);
          if (closes) expect((await s.closed).code).toBeGreaterThanOrEqual(4000);
          else expect(s.isOpen).toBe(true);
        }
        if (answer.type === 'welcome') {
          session = msg.hello === 'rep' || msg.hello === 'boss' ? devices[msg.hello] : undefined;
          expect(welcomeMessage.parse(answer).deviceId).toBe(session?.deviceId);
          ok = false;
        }
        const after = await fingerprint(server.server.store, ['last_seen_at']);
        last = after;
        const route = answer.type === 'pushResult' ? 'push' : 'other';
        expectAccountedFor(before, after, { route, ok: ok && route === 'push', device: session, sent: text, answer });
      });
      try {
        await assertWithSeed(property, SOCKET_RUNS, `${kind} socket fuzz`);
      } finally {
        (socket as SyncSocket | null)?.close();
      }
      const still = await open();
      expect(await still.ask({ type: 'pull', id: 1, cursor: 0 })).toMatchObject({ type: 'changes', id: 1 });
      still.close();
    }, FUZZ_TIMEOUT);
  });
}
