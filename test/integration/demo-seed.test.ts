import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seedDemoServer, type DemoOutcome } from '../../src-server/demo/demo-seed';
import { DEFAULT_STAGES } from '../../src-server/sales/default-stages';
import { seedDemo } from '../../src-main/core/seed/seed-demo';
import { openTestCore } from '../support/core-fixture';
import { openTestClient, startTestServer, type TestClient, type TestServer } from '../support/sync-fixture';

/**
 * The server demo (`crm-server demo`, run by `npm start` on first start) through the real sync
 * service: every generated account, contact, deal, activity and task is applied (seedDemoServer
 * throws on the first refusal), the server's rules keep what was generated, and a rep's client
 * gets a pipeline with stalled deals, timelines and tasks. SQLite only, with a small data set.
 */
describe('server demo seed with sales data', () => {
  let server: TestServer;
  let outcome: DemoOutcome;
  let rep: TestClient | null = null;
  const now = Date.now();

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    outcome = await seedDemoServer(server.server.users, server.server.sync, { accounts: 30, withData: true, now });
  });
  afterAll(async () => {
    rep?.close();
    await server?.close();
  });

  async function stored(entity: string): Promise<{ id: string; fields: Record<string, unknown> }[]> {
    const rows = await server.server.store.all<{ id: string; fields: string }>('SELECT id, fields FROM records WHERE entity = ? AND deleted_at IS NULL', [entity]);
    return rows.map((r) => ({ id: r.id, fields: JSON.parse(r.fields) as Record<string, unknown> }));
  }

  it('applies every generated record and counts them honestly', async () => {
    expect(outcome).toMatchObject({ createdUsers: true, accounts: 30 });
    for (const key of ['contacts', 'opportunities', 'activities', 'tasks'] as const) expect(outcome[key], key).toBeGreaterThan(0);
    expect((await stored('account')).length).toBe(outcome.accounts);
    expect((await stored('contact')).length).toBe(outcome.contacts);
    expect((await stored('opportunity')).length).toBe(outcome.opportunities);
    expect((await stored('activity')).length).toBe(outcome.activities);
    expect((await stored('task')).length).toBe(outcome.tasks);
  });

  it('keeps the generated values under the server’s rules: stage kinds, owners, follow-ups', async () => {
    const kinds = new Map<string, string>(DEFAULT_STAGES.map((s) => [s.id, s.kind]));
    const accounts = new Map((await stored('account')).map((a) => [a.id, a.fields]));
    for (const o of await stored('opportunity')) {
      // The server copies status from the stage record; the generator sent the same.
      expect(o.fields.status).toBe(kinds.get(String(o.fields.stageId)));
      const account = accounts.get(String(o.fields.accountId))!;
      expect(account.poolState).toBe('owned');
      expect(o.fields.ownerId).toBe(account.ownerId);
    }
    for (const t of await stored('task')) expect(accounts.get(String(t.fields.accountId))?.ownerId).toBe(t.fields.ownerId);
    // The follow-up rule leaves each account's last follow-up at its newest activity.
    const newest = new Map<string, number>();
    for (const a of await stored('activity')) {
      const id = String(a.fields.accountId);
      newest.set(id, Math.max(newest.get(id) ?? 0, Number(a.fields.occurredAt)));
    }
    expect(newest.size).toBe(accounts.size);
    for (const [id, account] of accounts) expect(account.lastFollowUpAt, id).toBe(newest.get(id));
  });

  it('gives the rep a living pipeline, timelines and tasks after one sync', async () => {
    rep = openTestClient({ now: () => now });
    await rep.call('sync.login', { server: server.url, username: 'wangfang', password: DEMO_PASSWORD });
    await rep.call('sync.now', {});
    const deals = (await rep.call('record.list', { entity: 'opportunity' })).rows;
    expect(deals.length).toBeGreaterThan(0);
    const funnel = await rep.call('pipeline.funnel', {});
    expect(funnel.stages.reduce((n, s) => n + s.count, 0) + funnel.won.count + funnel.lost.count).toBe(deals.length);
    expect(funnel.stages.reduce((n, s) => n + s.stalled.count, 0)).toBeGreaterThan(0);
    expect((await rep.call('record.list', { entity: 'activity' })).rows.length).toBeGreaterThan(0);
    const mine = await rep.call('task.mine', { tzOffsetMinutes: -480, limit: 100 });
    expect(mine.overdue.count + mine.today.count + mine.upcoming.count).toBeGreaterThan(0);
  });
});

/** The local demo (no sync server): the same sales data through bulkLoad, with the stages it needs. */
describe('local demo seed with sales data', () => {
  it('loads the built-in stages, deals, activities and the local user’s tasks; accounts agree with their timelines', async () => {
    const t = openTestCore();
    try {
      const seeded = seedDemo(t.core.records, { accounts: 40 });
      expect(seeded).toMatchObject({ accounts: 40, stages: DEFAULT_STAGES.length });
      for (const key of ['opportunities', 'activities', 'tasks'] as const) expect(seeded[key], key).toBeGreaterThan(0);
      const count = async (entity: 'stage' | 'opportunity' | 'activity' | 'task') => (await t.call('record.list', { entity, limit: 1 })).total;
      expect(await count('stage')).toBe(DEFAULT_STAGES.length);
      expect(await count('opportunity')).toBe(seeded.opportunities);
      expect(await count('activity')).toBe(seeded.activities);
      expect(await count('task')).toBe(seeded.tasks);

      const funnel = await t.call('pipeline.funnel', {});
      expect(funnel.stages.map((s) => s.id)).toEqual(DEFAULT_STAGES.filter((s) => s.kind === 'open').map((s) => s.id));
      expect(funnel.stages.reduce((n, s) => n + s.count, 0) + funnel.won.count + funnel.lost.count).toBe(seeded.opportunities);
      expect(funnel.stages.reduce((n, s) => n + s.stalled.count, 0)).toBeGreaterThan(0);
      // bulkLoad made the replica's user the owner, so the tasks are "mine".
      const mine = await t.call('task.mine', { tzOffsetMinutes: -480, limit: 500 });
      const open = (await t.call('record.list', { entity: 'task', limit: 1000, filters: [{ field: 'status', op: 'eq', value: 'open' }] })).rows.length;
      expect(mine.overdue.count + mine.today.count + mine.upcoming.count + mine.undated.count).toBe(open);

      const sql = t.core.replica.sqlite;
      const mismatched = sql
        .prepare(
          `SELECT a.id FROM accounts a JOIN (SELECT account_id, max(occurred_at) AS newest FROM activities GROUP BY account_id) x ON x.account_id = a.id
           WHERE a.last_follow_up_at IS NOT x.newest`,
        )
        .all();
      expect(mismatched).toEqual([]);
    } finally {
      t.close();
    }
  });
});
