import { afterEach, describe, expect, it } from 'vitest';
import { RulesJob, RULES_DEVICE } from '../../src-server/rules/rules-job';
import { RULES_USER_ID, SyncService, sessionFor } from '../../src-server/sync/sync.service';
import { CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION, historyPage, type HistoryPage } from '../../src-shared/sync/protocol.contract';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';

/**
 * The record audit log and its history route, on both stores: what each kind of stored change
 * writes (create, update, delete and restore with their cascades, moves, the server's rules),
 * the route's paging and refusals, and the client's record.history through a real server.
 */
const stores: StoreKind[] = ['sqlite', 'pg'];
const DAY = 86_400_000;

interface AuditRow {
  cn: number;
  entity: string;
  record_id: string;
  kind: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  user_id: string | null;
  device_id: string | null;
}

for (const kind of stores) {
  describe(`record history (${kind})`, () => {
    let server: TestServer;
    /** Set by a test that stopped its server itself. */
    let stopped = false;
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      if (!stopped) await server?.close();
      stopped = false;
    });

    async function client(username: string): Promise<TestClient> {
      const c = openTestClient();
      clients.push(c);
      await c.call('sync.login', { server: server.url, username, password: 'password-1' });
      await c.call('sync.now', {});
      return c;
    }

    async function audit(entity: string, id: string): Promise<AuditRow[]> {
      const rows = await server.server.store.all<AuditRow>(
        'SELECT cn, entity, record_id, kind, field, old_value, new_value, user_id, device_id FROM record_audit WHERE entity = ? AND record_id = ? ORDER BY cn, id',
        [entity, id],
      );
      return rows.map((r) => ({ ...r, cn: Number(r.cn) }));
    }

    /** A device of `username` registered straight on the server, for calling the route by hand. */
    async function token(username: string, deviceName = 'laptop'): Promise<string> {
      const user = (await server.server.users.byUsername(username))!;
      return (await server.server.users.registerDevice(user.id, deviceName)).token;
    }

    async function get(query: Record<string, string | number>, auth: string | null, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
      const url = new URL(`${server.url}/v1/history`);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
      const res = await fetch(url, {
        headers: { 'x-crm-protocol': String(PROTOCOL_VERSION), 'x-crm-schema': String(CLIENT_SCHEMA_VERSION), ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers },
      });
      return { status: res.status, body: await res.json() };
    }

    async function history(query: Record<string, string | number>, auth: string): Promise<HistoryPage> {
      const res = await get(query, auth);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return historyPage.parse(res.body);
    }

    describe('successful cases', () => {
      it('a create records its initial values; an update only the fields that changed, with old and new', async () => {
        server = await startTestServer(kind);
        const wang = await server.addUser('wang', 'sales_rep', '王芳');
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '杭州云栖科技', level: 'B', phone: '0571-88880000', tags: ['重点'] } });
        await rep.call('sync.now', {});
        const created = await audit('account', acc.id);
        expect(new Set(created.map((r) => r.kind))).toEqual(new Set(['create']));
        const initial = Object.fromEntries(created.map((r) => [r.field, JSON.parse(r.new_value ?? 'null') as unknown]));
        expect(initial).toMatchObject({ name: '杭州云栖科技', level: 'B', phone: '0571-88880000', tags: ['重点'], ownerId: wang.id, poolState: 'owned', customerNo: 'C-000001' });
        expect(created.every((r) => r.old_value === null && r.user_id === wang.id && r.device_id !== null)).toBe(true);
        // Empty fields say nothing about the record and are not logged.
        expect(created.some((r) => r.new_value === null)).toBe(false);

        // The same name sent again is not a change; the phone is.
        const user = (await server.server.users.byUsername('wang'))!;
        const { deviceId } = await server.server.users.registerDevice(user.id, 'script');
        const { results } = await server.server.sync.push(sessionFor(user, deviceId), [
          { seq: 1, entity: 'account', recordId: acc.id, op: 'update', changes: { name: '杭州云栖科技', phone: '0571-88881234' }, base: { name: '杭州云栖科技', phone: '0571-88880000' } },
        ]);
        expect(results[0]).toMatchObject({ status: 'applied' });
        const after = (await audit('account', acc.id)).filter((r) => r.kind !== 'create');
        expect(after).toEqual([
          { cn: (results[0] as { version: number }).version, entity: 'account', record_id: acc.id, kind: 'update', field: 'phone', old_value: '"0571-88880000"', new_value: '"0571-88881234"', user_id: wang.id, device_id: deviceId },
        ]);
      });

      it('a delete logs the record and each cascaded child once; a restore brings back the same ones', async () => {
        server = await startTestServer(kind);
        const wang = await server.addUser('wang', 'sales_rep');
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '宁波港联物流' } });
        const contact = await rep.call('record.create', { entity: 'contact', values: { accountId: acc.id, name: '陈静' } });
        const activity = await rep.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'call', subject: '首次电话', occurredAt: Date.now() - DAY } });
        await rep.call('sync.now', {});
        await rep.call('record.delete', { entity: 'account', id: acc.id });
        await rep.call('sync.now', {});
        await rep.call('record.restore', { entity: 'account', id: acc.id });
        await rep.call('sync.now', {});
        for (const [entity, id] of [
          ['account', acc.id],
          ['contact', contact.id],
          ['activity', activity.id],
        ] as const) {
          const rows = (await audit(entity, id)).filter((r) => r.kind === 'delete' || r.kind === 'restore');
          expect(rows.map((r) => [r.kind, r.field, r.old_value, r.new_value, r.user_id]), entity).toEqual([
            ['delete', null, null, null, wang.id],
            ['restore', null, null, null, wang.id],
          ]);
        }
      });

      it('a reassignment logs the account’s new owner and each child that moves with it, as the manager who did it', async () => {
        server = await startTestServer(kind);
        const wang = await server.addUser('wang', 'sales_rep');
        const li = await server.addUser('li', 'sales_rep');
        await server.addUser('boss', 'sales_manager', '赵敏');
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '温州瓯江阀门' } });
        const contact = await rep.call('record.create', { entity: 'contact', values: { accountId: acc.id, name: '周凯' } });
        await rep.call('sync.now', {});
        const boss = await client('boss');
        await boss.call('record.update', { entity: 'account', id: acc.id, values: { ownerId: li.id } });
        await boss.call('sync.now', {});
        const bossId = server.users.boss!.id;
        const accRows = (await audit('account', acc.id)).filter((r) => r.kind !== 'create');
        expect(accRows.map((r) => [r.kind, r.field, JSON.parse(r.old_value ?? 'null'), JSON.parse(r.new_value ?? 'null'), r.user_id])).toEqual([
          ['move', 'ownerId', wang.id, li.id, bossId],
          ['move', 'ownedSince', expect.any(Number), expect.any(Number), bossId],
        ]);
        const contactRows = (await audit('contact', contact.id)).filter((r) => r.kind !== 'create');
        expect(contactRows.map((r) => [r.kind, r.field, JSON.parse(r.old_value ?? 'null'), JSON.parse(r.new_value ?? 'null'), r.user_id])).toEqual([['move', 'ownerId', wang.id, li.id, bossId]]);
        // Same device as the account's change: one push made them all.
        expect(new Set([...accRows, ...contactRows].map((r) => r.device_id)).size).toBe(1);
      });

      it('values the server’s rules write are audited: an activity moves its account’s last follow-up; the rules job returns an account to the pool as system', async () => {
        server = await startTestServer(kind);
        const admin = await server.addUser('admin', 'admin');
        const wang = await server.addUser('wang', 'sales_rep');
        const a = await client(admin.username);
        await a.call('record.create', { entity: 'pool_rule', values: { name: 'B 级', level: 'B', returnDays: 10, warnDays: 3 } });
        await a.call('sync.now', {});
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '嘉兴南湖纺织', level: 'B' } });
        await rep.call('sync.now', {});
        const at = Date.now() - 2 * DAY;
        const activity = await rep.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'visit', subject: '上门拜访', occurredAt: at } });
        await rep.call('sync.now', {});
        const follow = (await audit('account', acc.id)).filter((r) => r.field === 'lastFollowUpAt');
        expect(follow).toEqual([expect.objectContaining({ kind: 'update', old_value: null, new_value: String(at), user_id: wang.id })]);
        const activityCreate = (await audit('activity', activity.id))[0]!;
        // The follow-up is the activity's consequence: the same user and device, the next change number.
        expect(follow[0]!.device_id).toBe(activityCreate.device_id);
        expect(follow[0]!.cn).toBe(activityCreate.cn + 1);

        // Eleven days on from now (ownership began at creation): past the B level's ten days.
        const later = Date.now() + 11 * DAY;
        const job = new RulesJob(server.server.store, new SyncService(server.server.store, () => later), () => later);
        expect(await job.run()).toMatchObject({ returned: 1 });
        const returned = (await audit('account', acc.id)).filter((r) => r.user_id === RULES_USER_ID);
        expect(returned.length).toBeGreaterThan(0);
        expect(new Set(returned.map((r) => r.device_id))).toEqual(new Set([RULES_DEVICE]));
        expect(returned.find((r) => r.field === 'poolState')).toMatchObject({ kind: 'move', old_value: '"owned"', new_value: '"pool"' });
        expect(returned.find((r) => r.field === 'poolReason')).toMatchObject({ new_value: '"auto_return"' });

        // The route names the rules' user as it is (no user row: no name), and the device.
        const page = await history({ entity: 'account', id: acc.id, limit: 1 }, await token('admin'));
        expect(page.entries[0]).toMatchObject({ user: { id: RULES_USER_ID, name: null }, device: { id: RULES_DEVICE, name: null }, kind: 'move' });
      });

      it('the route pages by change, newest first, with names, devices and values in the protocol’s shapes', async () => {
        server = await startTestServer(kind);
        const wang = await server.addUser('wang', 'sales_rep', '王芳');
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '绍兴柯桥布业', level: 'C' } });
        await rep.call('sync.now', {});
        for (const phone of ['0575-1', '0575-2', '0575-3', '0575-4']) {
          await rep.call('record.update', { entity: 'account', id: acc.id, values: { phone: `${phone}0000000`.slice(0, 13) } });
          await rep.call('sync.now', {});
        }
        await rep.call('record.update', { entity: 'account', id: acc.id, values: { level: 'A', tags: ['重点', '老客户'] } });
        await rep.call('sync.now', {});
        const auth = await token('wang');
        const first = await history({ entity: 'account', id: acc.id, limit: 2 }, auth);
        expect(first.entries).toHaveLength(2);
        expect(first.entries[0]).toMatchObject({ kind: 'update', user: { id: wang.id, name: '王芳' }, device: { name: 'test' } });
        expect(first.entries[0]!.fields).toEqual([
          { field: 'level', old: 'C', new: 'A' },
          { field: 'tags', old: [], new: ['重点', '老客户'] },
        ]);
        expect(first.nextBefore).toBe(first.entries[1]!.cn);
        const second = await history({ entity: 'account', id: acc.id, limit: 2, before: first.nextBefore! }, auth);
        const third = await history({ entity: 'account', id: acc.id, limit: 2, before: second.nextBefore! }, auth);
        expect(third.nextBefore).toBeNull();
        const all = [...first.entries, ...second.entries, ...third.entries];
        expect(all.map((e) => e.kind)).toEqual(['update', 'update', 'update', 'update', 'update', 'create']);
        const cns = all.map((e) => e.cn);
        expect([...cns].sort((x, y) => y - x)).toEqual(cns);
        expect(new Set(cns).size).toBe(cns.length);
        // The create arrives whole in its page, with every initial value.
        expect(third.entries.at(-1)!.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['name', 'level', 'ownerId', 'customerNo']));
      });
    });

    describe('failing cases', () => {
      it('a record outside the user’s scope reads exactly like one that does not exist', async () => {
        server = await startTestServer(kind);
        await server.addUser('wang', 'sales_rep');
        await server.addUser('li', 'sales_rep');
        await server.addUser('boss', 'sales_manager');
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '台州黄岩模具' } });
        await rep.call('sync.now', {});
        const li = await token('li');
        const theirs = await get({ entity: 'account', id: acc.id }, li);
        const none = await get({ entity: 'account', id: 'no-such-record' }, li);
        expect(theirs).toEqual({ status: 404, body: { code: 'NOT_FOUND', message: 'no such record' } });
        expect(none).toEqual(theirs);
        // The owner and a manager see it.
        expect((await history({ entity: 'account', id: acc.id }, await token('wang'))).entries).toHaveLength(1);
        expect((await history({ entity: 'account', id: acc.id }, await token('boss'))).entries).toHaveLength(1);
      });

      it('refuses bad input, a missing token and missing versions', async () => {
        server = await startTestServer(kind);
        await server.addUser('wang', 'sales_rep');
        const auth = await token('wang');
        const bad: Record<string, string | number>[] = [
          { entity: 'account' },
          { entity: 'spaceship', id: 'x' },
          { entity: 'account', id: 'x', limit: 0 },
          { entity: 'account', id: 'x', limit: 101 },
          { entity: 'account', id: 'x', before: 'soon' },
          { entity: 'account', id: 'a\u0000b' },
        ];
        for (const query of bad) {
          const res = await get(query, auth);
          expect(res.status, JSON.stringify(query)).toBe(400);
          expect(res.body).toMatchObject({ code: 'BAD_REQUEST' });
        }
        expect(await get({ entity: 'account', id: 'x' }, null)).toMatchObject({ status: 401, body: { code: 'AUTH_FAILED' } });
        expect(await get({ entity: 'account', id: 'x' }, 'not-a-token-of-anyone-at-all')).toMatchObject({ status: 401 });
        const res = await fetch(`${server.url}/v1/history?entity=account&id=x`, { headers: { authorization: `Bearer ${auth}` } });
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ code: 'BAD_REQUEST' });
      });
    });

    describe('the client’s record.history', () => {
      it('answers through the real server with both edits, paged; a record not on the server yet has none', async () => {
        server = await startTestServer(kind);
        const wang = await server.addUser('wang', 'sales_rep', '王芳');
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '金华义乌小商品' } });
        await rep.call('sync.now', {});
        await rep.call('record.update', { entity: 'account', id: acc.id, values: { phone: '0579-85550000' } });
        await rep.call('sync.now', {});
        await rep.call('record.update', { entity: 'account', id: acc.id, values: { phone: '0579-85551111', industry: 'retail' } });
        await rep.call('sync.now', {});
        const page = await rep.call('record.history', { entity: 'account', id: acc.id, limit: 2 });
        expect(page.entries.map((e) => e.fields)).toEqual([
          [
            { field: 'phone', old: '0579-85550000', new: '0579-85551111' },
            { field: 'industry', old: null, new: 'retail' },
          ],
          [{ field: 'phone', old: null, new: '0579-85550000' }],
        ]);
        expect(page.entries[0]).toMatchObject({ user: { id: wang.id, name: '王芳' }, device: { name: 'test' } });
        expect(page.nextBefore).toBe(page.entries[1]!.cn);
        const older = await rep.call('record.history', { entity: 'account', id: acc.id, before: page.nextBefore!, limit: 2 });
        expect(older).toMatchObject({ entries: [{ kind: 'create' }], nextBefore: null });

        const local = await rep.call('record.create', { entity: 'account', values: { name: '还没同步的客户' } });
        expect(await rep.call('record.history', { entity: 'account', id: local.id })).toEqual({ entries: [], nextBefore: null });
      });

      it('fails with SERVER_REQUIRED offline and signed out', async () => {
        server = await startTestServer(kind);
        await server.addUser('wang', 'sales_rep');
        const rep = await client('wang');
        const acc = await rep.call('record.create', { entity: 'account', values: { name: '舟山海鲜' } });
        await rep.call('sync.now', {});
        const never = openTestClient();
        clients.push(never);
        await expect(never.call('record.history', { entity: 'account', id: acc.id })).rejects.toMatchObject({ info: { code: 'SERVER_REQUIRED' } });
        await server.close();
        stopped = true;
        await expect(rep.call('record.history', { entity: 'account', id: acc.id })).rejects.toMatchObject({ info: { code: 'SERVER_REQUIRED' } });
        // The replica is untouched: the record is still there to read.
        expect(await rep.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ name: '舟山海鲜' });
      });
    });
  });
}
