import { afterEach, describe, expect, it } from 'vitest';
import { RulesJob } from '../../src-server/rules/rules-job';
import { sessionFor, SyncService } from '../../src-server/sync/sync.service';
import { POOL_OWNER } from '../../src-shared/sales/pool.rules';
import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';

/**
 * The customer pool (公海) and follow-up discipline through the real sync server, on both stores:
 * release and claim, the claim race two offline reps run into (撞单), the reclaim bar and the
 * owner cap (refused on the device and again by the server), automatic return with its warning,
 * activities moving an account's follow-up dates, and overdue payment plans making tasks.
 */
const stores: StoreKind[] = ['sqlite', 'pg'];
const DAY = 86_400_000;

for (const kind of stores) {
  describe(`customer pool and follow-ups (${kind})`, () => {
    let server: TestServer;
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await server?.close();
    });

    async function client(username: string, now?: () => number): Promise<TestClient> {
      const c = openTestClient(now ? { now } : {});
      clients.push(c);
      await c.call('sync.login', { server: server.url, username, password: 'password-1' });
      await c.call('sync.now', {});
      return c;
    }

    async function stored(entity: string, id: string): Promise<Record<string, unknown> & { visKey: string }> {
      const row = await server.server.store.get<{ fields: string; vis_key: string }>('SELECT fields, vis_key FROM records WHERE entity = ? AND id = ?', [entity, id]);
      if (!row) throw new Error(`${entity} ${id} is not on the server`);
      return { ...(JSON.parse(row.fields) as Record<string, unknown>), visKey: row.vis_key };
    }

    async function issueKeys(p: Promise<unknown>): Promise<string[]> {
      try {
        await p;
      } catch (error) {
        return ((error as { info?: { issues?: { key: string }[] } }).info?.issues ?? []).map((i) => i.key);
      }
      throw new Error('expected a refusal');
    }

    async function present(c: TestClient, entity: 'account' | 'contact', id: string): Promise<boolean> {
      return c.call('record.get', { entity, id }).then(
        () => true,
        () => false,
      );
    }

    /** A pool rule written by the admin through sync, as an admin's client would. */
    async function addRule(values: Record<string, unknown>): Promise<void> {
      const admin = server.users.admin ?? (await server.addUser('admin', 'admin', '管理员'));
      const a = await client(admin.username);
      await a.call('record.create', { entity: 'pool_rule', values: { name: 'rule', ...values } });
      await a.call('sync.now', {});
      expect((await a.call('sync.status', {})).conflicts).toBe(0);
    }

    it('a rep releases an account with its contacts; another rep sees it in the pool and claims it; the first loses sight of it', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      await server.addUser('li', 'sales_rep', '李军');
      const wang = await client('wang');
      const li = await client('li');
      const acc = await wang.call('record.create', { entity: 'account', values: { name: '宁波港城物流' } });
      const contact = await wang.call('record.create', { entity: 'contact', values: { accountId: acc.id, name: '陈立' } });
      await wang.call('sync.now', {});
      await li.call('sync.now', {});
      expect(await present(li, 'account', acc.id)).toBe(false);

      const released = await wang.call('pool.release', { accountId: acc.id });
      expect(released).toMatchObject({ poolState: 'pool', ownerId: POOL_OWNER, previousOwnerId: server.users.wang!.id, poolReason: 'released' });
      await wang.call('sync.now', {});
      expect(await stored('account', acc.id)).toMatchObject({ poolState: 'pool', ownerId: POOL_OWNER, previousOwnerId: server.users.wang!.id, visKey: POOL_OWNER });
      expect(await stored('contact', contact.id)).toMatchObject({ ownerId: POOL_OWNER, visKey: POOL_OWNER });

      await li.call('sync.now', {});
      expect(await li.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ poolState: 'pool', name: '宁波港城物流' });
      expect(await present(li, 'contact', contact.id)).toBe(true);
      const claimed = await li.call('pool.claim', { accountId: acc.id });
      expect(claimed).toMatchObject({ poolState: 'owned', ownerId: server.users.li!.id });
      await li.call('sync.now', {});
      expect(await stored('account', acc.id)).toMatchObject({ poolState: 'owned', ownerId: server.users.li!.id, visKey: server.users.li!.id, ownedSince: expect.any(Number) });
      expect(await stored('contact', contact.id)).toMatchObject({ ownerId: server.users.li!.id, visKey: server.users.li!.id });

      await wang.call('sync.now', {});
      expect(await present(wang, 'account', acc.id)).toBe(false);
      expect(await present(wang, 'contact', contact.id)).toBe(false);
      expect((await wang.call('sync.status', {})).conflicts).toBe(0);
    });

    it('two reps claim the same pool account offline: the first to sync gets it, the other’s inbox says why and the account leaves their replica', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      await server.addUser('li', 'sales_rep', '李军');
      await server.addUser('zhao', 'sales_manager', '赵敏');
      const boss = await client('zhao');
      const acc = await boss.call('record.create', { entity: 'account', values: { name: '合肥天穹光电' } });
      await boss.call('sync.now', {});
      await boss.call('pool.release', { accountId: acc.id });
      await boss.call('sync.now', {});

      const wang = await client('wang');
      const li = await client('li');
      // Both have the pool account on their laptops, and both claim it without syncing.
      await wang.call('pool.claim', { accountId: acc.id });
      await li.call('pool.claim', { accountId: acc.id });
      expect(await li.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ ownerId: server.users.li!.id });

      await li.call('sync.now', {});
      await wang.call('sync.now', {});
      expect(await stored('account', acc.id)).toMatchObject({ ownerId: server.users.li!.id, poolState: 'owned' });
      expect((await li.call('sync.status', {})).conflicts).toBe(0);

      const inbox = (await wang.call('conflict.list', {})).entries;
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ kind: 'rejected', entity: 'account', recordId: acc.id, code: 'CLAIM_TAKEN', title: '合肥天穹光电' });
      expect(inbox[0]!.message).toContain('李军');
      expect(await present(wang, 'account', acc.id)).toBe(false);
      // Nothing of the lost claim is waiting to be sent again.
      expect((await wang.call('sync.status', {})).pending).toBe(0);
    });

    it('the previous owner is barred from reclaiming for M days, and a rep at the cap may not claim: on the device and on the server', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      await server.addUser('li', 'sales_rep', '李军');
      await addRule({ returnDays: 30, warnDays: 3, reclaimBarDays: 7 });
      await addRule({ name: 'A 类上限', level: 'A', ownerCap: 1 });
      let now = Date.now();
      const wang = await client('wang', () => now);
      const li = await client('li');
      const a1 = await wang.call('record.create', { entity: 'account', values: { name: '甲客户', level: 'A' } });
      const a2 = await wang.call('record.create', { entity: 'account', values: { name: '乙客户', level: 'A' } });
      await wang.call('sync.now', {});
      await wang.call('pool.release', { accountId: a1.id });
      await wang.call('pool.release', { accountId: a2.id });
      await wang.call('sync.now', {});

      // Barred: refused on the device, and a claim sent anyway is refused by the server.
      expect(await issueKeys(wang.call('pool.claim', { accountId: a1.id }))).toEqual(['pool.reclaimBarred']);
      const wangSession = sessionFor((await server.server.users.byUsername('wang'))!, 'direct');
      const claim = (seq: number, id: string): Mutation => ({ seq, entity: 'account', recordId: id, op: 'update', changes: { poolState: 'owned', ownerId: server.users.wang!.id }, base: { poolState: 'pool', ownerId: POOL_OWNER } });
      const refused = await server.server.sync.push(wangSession, [claim(1, a1.id)]);
      expect(refused.results[0]).toMatchObject({ status: 'rejected', code: 'POOL_RULE', issues: [{ key: 'pool.reclaimBarred' }] });
      // Eight days later on the server's clock the bar has lifted.
      const later = new SyncService(server.server.store, () => Date.now() + 8 * DAY);
      expect((await later.push(wangSession, [claim(2, a1.id)])).results[0]).toMatchObject({ status: 'applied' });

      // Li claims one A account; a second is over the cap of one.
      await li.call('sync.now', {});
      await li.call('pool.claim', { accountId: a2.id });
      await li.call('sync.now', {});
      const a3 = await wang.call('record.create', { entity: 'account', values: { name: '丙客户', level: 'A' } });
      await wang.call('sync.now', {});
      now += 8 * DAY;
      await wang.call('sync.now', {});
      await wang.call('pool.release', { accountId: a3.id });
      await wang.call('sync.now', {});
      await li.call('sync.now', {});
      expect(await issueKeys(li.call('pool.claim', { accountId: a3.id }))).toEqual(['pool.ownerCapLevel']);
      const liSession = sessionFor((await server.server.users.byUsername('li'))!, 'direct-li');
      const overCap = await server.server.sync.push(liSession, [{ ...claim(1, a3.id), changes: { poolState: 'owned' } }]);
      expect(overCap.results[0]).toMatchObject({ status: 'rejected', code: 'POOL_RULE', issues: [{ key: 'pool.ownerCapLevel' }] });
      expect(await stored('account', a3.id)).toMatchObject({ poolState: 'pool' });
    });

    it('an account without follow-up returns to the pool after its level’s N days; its owner is warned once before; an activity restarts the clock', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      await addRule({ level: 'B', returnDays: 10, warnDays: 3 });
      const wang = await client('wang');
      const quiet = await wang.call('record.create', { entity: 'account', values: { name: '久未跟进的客户', level: 'B' } });
      const busy = await wang.call('record.create', { entity: 'account', values: { name: '常跟进的客户', level: 'B' } });
      const other = await wang.call('record.create', { entity: 'account', values: { name: '没有规则的等级', level: 'C' } });
      await wang.call('sync.now', {});
      const t0 = Number((await stored('account', quiet.id)).ownedSince);
      const job = (days: number) => new RulesJob(server.server.store, new SyncService(server.server.store, () => t0 + days * DAY), () => t0 + days * DAY);

      expect(await job(6).run()).toEqual({ returned: 0, warned: 0, overduePlans: 0 });
      // Day 8: both B accounts are within 3 days of returning.
      expect(await job(8).run()).toMatchObject({ returned: 0, warned: 2 });
      expect(await job(8.5).run()).toMatchObject({ returned: 0, warned: 0 });
      await wang.call('sync.now', {});
      const tasks = (await wang.call('record.list', { entity: 'task', filters: [{ field: 'source', op: 'eq', value: 'pool_warning' }] })).rows;
      expect(tasks.map((t) => t.accountId).sort()).toEqual([quiet.id, busy.id].sort());
      expect(tasks.find((t) => t.accountId === quiet.id)).toMatchObject({ status: 'open', dueAt: t0 + 10 * DAY, ownerId: server.users.wang!.id });

      // A visit to one of them on day 9 moves its last follow-up: it no longer returns on day 10.
      await wang.call('record.create', { entity: 'activity', values: { accountId: busy.id, type: 'visit', subject: '上门拜访', occurredAt: t0 + 9 * DAY } });
      await wang.call('sync.now', {});
      expect(await stored('account', busy.id)).toMatchObject({ lastFollowUpAt: t0 + 9 * DAY });
      expect(await job(10.5).run()).toMatchObject({ returned: 1 });
      expect(await stored('account', quiet.id)).toMatchObject({ poolState: 'pool', poolReason: 'auto_return', previousOwnerId: server.users.wang!.id, visKey: POOL_OWNER });
      expect(await stored('account', busy.id)).toMatchObject({ poolState: 'owned' });
      expect(await stored('account', other.id)).toMatchObject({ poolState: 'owned' });
      await wang.call('sync.now', {});
      expect(await wang.call('record.get', { entity: 'account', id: quiet.id })).toMatchObject({ poolState: 'pool', ownerId: POOL_OWNER });
    });

    it('an activity moves its account’s last and next follow-up on the device at once and on the server; it makes a follow-up task that the next activity completes', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      await server.addUser('zhao', 'sales_manager', '赵敏');
      const wang = await client('wang');
      const boss = await client('zhao');
      const acc = await wang.call('record.create', { entity: 'account', values: { name: '常州恒信阀门' } });
      const t = Date.UTC(2026, 10, 20, 2, 0);
      await wang.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'call', subject: '电话沟通报价', occurredAt: t, nextFollowUpAt: t + 3 * DAY, nextStep: '寄送样品' } });
      // Offline: the account already shows it, and a follow-up task waits.
      expect(await wang.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ lastFollowUpAt: t, nextFollowUpAt: t + 3 * DAY });
      const followUps = (await wang.call('record.list', { entity: 'task', filters: [{ field: 'source', op: 'eq', value: 'follow_up' }] })).rows;
      expect(followUps).toHaveLength(1);
      expect(followUps[0]).toMatchObject({ title: '跟进 常州恒信阀门', dueAt: t + 3 * DAY, remindAt: t + 3 * DAY, status: 'open', accountId: acc.id, notes: '寄送样品' });

      // An older activity typed in late does not move the dates back.
      await wang.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'email', subject: '补录邮件', occurredAt: t - DAY } });
      expect(await wang.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ lastFollowUpAt: t, nextFollowUpAt: t + 3 * DAY });
      await wang.call('sync.now', {});
      expect(await stored('account', acc.id)).toMatchObject({ lastFollowUpAt: t, nextFollowUpAt: t + 3 * DAY });
      await boss.call('sync.now', {});
      expect(await boss.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ lastFollowUpAt: t, nextFollowUpAt: t + 3 * DAY });

      // The follow-up happens (a visit with no further plan): the task is done and the next date cleared.
      await wang.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'visit', subject: '送样品上门', occurredAt: t + 3 * DAY + 3_600_000 } });
      const after = (await wang.call('record.list', { entity: 'task', filters: [{ field: 'source', op: 'eq', value: 'follow_up' }] })).rows;
      expect(after.map((x) => x.status)).toEqual(['done']);
      await wang.call('sync.now', {});
      expect(await stored('account', acc.id)).toMatchObject({ lastFollowUpAt: t + 3 * DAY + 3_600_000, nextFollowUpAt: null });
      expect((await wang.call('sync.status', {})).conflicts).toBe(0);
    });

    it('an account created straight into the pool (an import) keeps a past pool date and its reason; a future one is today', async () => {
      server = await startTestServer(kind);
      const admin = await server.addUser('admin', 'admin');
      const session = sessionFor((await server.server.users.byUsername('admin'))!, 'import');
      const past = Date.now() - 10 * DAY;
      const { results } = await server.server.sync.push(session, [
        { seq: 1, entity: 'account', recordId: 'imp-1', op: 'create', changes: { name: '导入的公海客户', poolState: 'pool', pooledAt: past, poolReason: 'auto_return', ownerId: admin.id }, base: {} },
        { seq: 2, entity: 'account', recordId: 'imp-2', op: 'create', changes: { name: '日期写错的客户', poolState: 'pool', pooledAt: Date.now() + 10 * DAY, ownerId: admin.id }, base: {} },
      ]);
      expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
      expect(await stored('account', 'imp-1')).toMatchObject({ poolState: 'pool', ownerId: POOL_OWNER, pooledAt: past, poolReason: 'auto_return', visKey: POOL_OWNER });
      const second = await stored('account', 'imp-2');
      expect(second.pooledAt).toBeLessThanOrEqual(Date.now());
      expect(second).toMatchObject({ poolReason: 'released' });
    });

    it('an overdue payment plan gives the contract owner one task; a paid plan gives none', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      const wang = await client('wang');
      const acc = await wang.call('record.create', { entity: 'account', values: { name: '绍兴纺织机械' } });
      const contract = await wang.call('record.create', { entity: 'contract', values: { accountId: acc.id, name: '织机采购合同', amount: 100_000_00 } });
      const late = await wang.call('record.create', { entity: 'payment_plan', values: { contractId: contract.id, title: '首付款', plannedDate: '2026-11-01', amount: 30_000_00 } });
      const paid = await wang.call('record.create', { entity: 'payment_plan', values: { contractId: contract.id, title: '预付款', plannedDate: '2026-10-01', amount: 10_000_00 } });
      await wang.call('record.create', { entity: 'payment_plan', values: { contractId: contract.id, title: '尾款', plannedDate: '2026-12-31', amount: 60_000_00 } });
      await wang.call('record.create', { entity: 'payment', values: { contractId: contract.id, planId: paid.id, reference: 'BK-1', receivedOn: '2026-10-01', amount: 10_000_00 } });
      await wang.call('sync.now', {});
      const now = Date.UTC(2026, 10, 23, 4, 0);
      const job = () => new RulesJob(server.server.store, new SyncService(server.server.store, () => now), () => now, 480);
      expect(await job().run()).toEqual({ returned: 0, warned: 0, overduePlans: 1 });
      expect(await job().run()).toEqual({ returned: 0, warned: 0, overduePlans: 0 });
      await wang.call('sync.now', {});
      const tasks = (await wang.call('record.list', { entity: 'task', filters: [{ field: 'source', op: 'eq', value: 'payment_overdue' }] })).rows;
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ contractId: contract.id, accountId: acc.id, ownerId: server.users.wang!.id, status: 'open' });
      expect(String(tasks[0]!.title)).toContain('首付款');
      expect(late.id).toBeTruthy();
    });
  });
}
