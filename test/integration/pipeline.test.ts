import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput } from '../../src-shared/api/client-api.contract';
import { DAY_MS } from '../../src-shared/sales/pipeline.util';
import { openTestClient, type TestClient } from '../support/sync-fixture';

/**
 * pipeline.board and pipeline.funnel against a real replica, called through dispatch as every
 * transport does. The core's clock is fixed (and moved by the test), so stage times and the
 * stalled-deal cut-off are exact.
 */
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

type Board = MethodOutput<'pipeline.board'>;
type Funnel = MethodOutput<'pipeline.funnel'>;

interface Setup {
  t: TestClient;
  clock: { now: number };
  stages: Record<'prospecting' | 'qualification' | 'proposal' | 'won' | 'lost' | 'retired', string>;
  accounts: { huawei: string; tencent: string };
}

async function setup(): Promise<Setup> {
  const clock = { now: T0 };
  const t = openTestClient({ now: () => clock.now });
  const stage = async (values: Record<string, unknown>) => (await t.call('record.create', { entity: 'stage', values })).id;
  // Created out of position order: the views sort by position.
  const proposal = await stage({ name: '方案报价', code: 'proposal', kind: 'open', position: 30, probability: 60 });
  const prospecting = await stage({ name: '初步接洽', code: 'prospecting', kind: 'open', position: 10, probability: 10, limitDays: 14 });
  const qualification = await stage({ name: '需求确认', code: 'qualification', kind: 'open', position: 20, probability: 30, limitDays: 21 });
  const won = await stage({ name: '赢单', code: 'won', kind: 'won', position: 50, probability: 100 });
  const lost = await stage({ name: '输单', code: 'lost', kind: 'lost', position: 60, probability: 0 });
  const retired = await stage({ name: '旧阶段', kind: 'open', position: 15, probability: 50, active: false });
  const huawei = (await t.call('record.create', { entity: 'account', values: { name: '华为技术有限公司' } })).id;
  const tencent = (await t.call('record.create', { entity: 'account', values: { name: '腾讯科技' } })).id;
  return { t, clock, stages: { prospecting, qualification, proposal, won, lost, retired }, accounts: { huawei, tencent } };
}

async function deal(s: Setup, values: Record<string, unknown>): Promise<string> {
  return (await s.t.call('record.create', { entity: 'opportunity', values: { accountId: s.accounts.huawei, stageId: s.stages.prospecting, ...values } })).id;
}

const column = (board: Board, stageId: string) => {
  const found = board.stages.find((st) => st.id === stageId);
  if (!found) throw new Error(`stage ${stageId} is not on the board`);
  return found;
};
const funnelStage = (funnel: Funnel, stageId: string) => {
  const found = funnel.stages.find((st) => st.id === stageId);
  if (!found) throw new Error(`stage ${stageId} is not in the funnel`);
  return found;
};

describe('pipeline.board', () => {
  let s: Setup;
  afterEach(() => s?.t.close());

  it('lists the active stages in position order with counts, totals per currency and weighted amounts', async () => {
    s = await setup();
    // Probability copied from the stage (10) unless typed; null falls back to the stage's at read time.
    await deal(s, { name: 'A', amount: 100_000_00, currency: 'CNY' });
    await deal(s, { name: 'B', amount: 333, currency: 'CNY', probability: 25 });
    await deal(s, { name: 'C', amount: 50_000_00, currency: 'USD', probability: null });
    await deal(s, { name: 'D', currency: 'CNY' });
    await deal(s, { name: 'E', stageId: s.stages.qualification, amount: 20_000_00 });
    await deal(s, { name: 'F', stageId: s.stages.retired, amount: 1 });
    const gone = await deal(s, { name: 'G', amount: 7_777_00 });
    await s.t.call('record.delete', { entity: 'opportunity', id: gone });

    const board = await s.t.call('pipeline.board', {});
    expect(board.asOf).toBe(T0);
    expect(board.stages.map((st) => st.code)).toEqual(['prospecting', 'qualification', 'proposal', 'won', 'lost']);
    const p = column(board, s.stages.prospecting);
    expect(p).toMatchObject({ name: '初步接洽', kind: 'open', probability: 10, limitDays: 14, count: 4, more: false });
    // CNY: 100000.00 × 10% + 3.33 × 25% (83.25 分) → 1000083; USD at the stage's 10%.
    expect(p.totals).toEqual([
      { currency: 'CNY', amount: 100_000_00 + 333, weighted: 10_000_00 + 83 },
      { currency: 'USD', amount: 50_000_00, weighted: 5_000_00 },
    ]);
    expect(column(board, s.stages.qualification)).toMatchObject({ count: 1, totals: [{ currency: 'CNY', amount: 20_000_00, weighted: 6_000_00 }] });
    expect(column(board, s.stages.proposal)).toMatchObject({ count: 0, totals: [], cards: [], more: false });
    expect(p.cards.map((c) => c.name).sort()).toEqual(['A', 'B', 'C', 'D']);
    const card = p.cards.find((c) => c.name === 'A');
    expect(card).toMatchObject({ accountId: s.accounts.huawei, accountName: '华为技术有限公司', amount: 100_000_00, currency: 'CNY', probability: 10, stageChangedAt: expect.any(Number) });
  });

  it('orders cards by close date (none last), then amount, largest first, and says when a stage has more', async () => {
    s = await setup();
    await deal(s, { name: 'no date, small', amount: 1_00 });
    await deal(s, { name: 'no date, large', amount: 9_00 });
    await deal(s, { name: 'May, small', amount: 5_00, expectedCloseDate: '2026-05-10' });
    await deal(s, { name: 'May, large', amount: 8_00, expectedCloseDate: '2026-05-10', accountId: s.accounts.tencent });
    await deal(s, { name: 'May, no amount', expectedCloseDate: '2026-05-10' });
    await deal(s, { name: 'April', amount: 1, expectedCloseDate: '2026-04-30' });

    const board = await s.t.call('pipeline.board', {});
    const p = column(board, s.stages.prospecting);
    expect(p.cards.map((c) => c.name)).toEqual(['April', 'May, large', 'May, small', 'May, no amount', 'no date, large', 'no date, small']);
    expect(p.cards[1]).toMatchObject({ accountName: '腾讯科技', expectedCloseDate: '2026-05-10' });

    const three = column(await s.t.call('pipeline.board', { perStage: 3 }), s.stages.prospecting);
    expect(three).toMatchObject({ count: 6, more: true });
    expect(three.cards.map((c) => c.name)).toEqual(['April', 'May, large', 'May, small']);
    // The limit reached inside the undated deals.
    const five = column(await s.t.call('pipeline.board', { perStage: 5 }), s.stages.prospecting);
    expect(five.cards.map((c) => c.name)).toEqual(['April', 'May, large', 'May, small', 'May, no amount', 'no date, large']);
  });

  it('filters by owner and by close month, and the totals follow the filters', async () => {
    s = await setup();
    const me = s.t.core.user.id;
    await deal(s, { name: 'mine, March 31', amount: 1_00, expectedCloseDate: '2026-03-31' });
    await deal(s, { name: 'mine, March 1', amount: 2_00, expectedCloseDate: '2026-03-01' });
    await deal(s, { name: 'mine, April 1', amount: 4_00, expectedCloseDate: '2026-04-01' });
    await deal(s, { name: 'mine, undated', amount: 8_00 });
    await deal(s, { name: 'hers, March', amount: 16_00, expectedCloseDate: '2026-03-15', ownerId: 'user-li' });
    await deal(s, { name: 'his, March', amount: 32_00, expectedCloseDate: '2026-03-16', ownerId: 'user-zhao' });

    const names = (board: Board) => column(board, s.stages.prospecting).cards.map((c) => c.name);
    const march = await s.t.call('pipeline.board', { closeMonth: '2026-03' });
    expect(names(march)).toEqual(['mine, March 1', 'hers, March', 'his, March', 'mine, March 31']);
    expect(column(march, s.stages.prospecting).totals).toEqual([{ currency: 'CNY', amount: 51_00, weighted: 5_10 }]);

    const mine = await s.t.call('pipeline.board', { ownerIds: [me] });
    expect(names(mine)).toEqual(['mine, March 1', 'mine, March 31', 'mine, April 1', 'mine, undated']);
    expect(mine.stages.every((st) => st.cards.every((c) => c.ownerId === me))).toBe(true);

    const two = await s.t.call('pipeline.board', { ownerIds: ['user-li', 'user-zhao'], closeMonth: '2026-03' });
    expect(names(two)).toEqual(['hers, March', 'his, March']);
    expect(column(two, s.stages.prospecting).count).toBe(2);
    // Empty and absent owner lists both mean everyone; null month means any date.
    expect(column(await s.t.call('pipeline.board', { ownerIds: [], closeMonth: null }), s.stages.prospecting).count).toBe(6);
    expect(column(await s.t.call('pipeline.board', { closeMonth: '2026-02' }), s.stages.prospecting).count).toBe(0);
  });

  it('moves a card with record.update; a lost stage takes a reason', async () => {
    s = await setup();
    const id = await deal(s, { name: '服务器采购', amount: 10_00 });
    await s.t.call('record.update', { entity: 'opportunity', id, values: { stageId: s.stages.qualification } });
    let board = await s.t.call('pipeline.board', {});
    expect(column(board, s.stages.prospecting).count).toBe(0);
    expect(column(board, s.stages.qualification).cards.map((c) => c.id)).toEqual([id]);

    await expect(s.t.call('record.update', { entity: 'opportunity', id, values: { stageId: s.stages.lost } })).rejects.toMatchObject({
      info: { code: 'VALIDATION', issues: [{ field: 'lostReason', key: 'validation.lostReason' }] },
    });
    await s.t.call('record.update', { entity: 'opportunity', id, values: { stageId: s.stages.lost, lostReason: '预算取消' } });
    board = await s.t.call('pipeline.board', {});
    expect(column(board, s.stages.lost).cards).toEqual([expect.objectContaining({ id, lostReason: '预算取消' })]);
  });

  it('refuses out-of-range input', async () => {
    s = await setup();
    for (const input of [{ perStage: 0 }, { perStage: 201 }, { closeMonth: '2026-13' }, { closeMonth: '2026-3' }]) {
      await expect(s.t.call('pipeline.board', input)).rejects.toMatchObject({ info: { code: 'BAD_REQUEST' } });
    }
    await expect(s.t.call('pipeline.funnel', { closeFrom: '2026/01/01' })).rejects.toMatchObject({ info: { code: 'BAD_REQUEST' } });
  });
});

describe('pipeline.funnel', () => {
  let s: Setup;
  afterEach(() => s?.t.close());

  it('sums the open stages and the won and lost deals', async () => {
    s = await setup();
    await deal(s, { name: 'p1', amount: 100_00 });
    await deal(s, { name: 'q1', stageId: s.stages.qualification, amount: 200_00, currency: 'HKD' });
    await deal(s, { name: 'w1', stageId: s.stages.won, amount: 300_00 });
    await deal(s, { name: 'w2', stageId: s.stages.won, amount: 50_00, currency: 'USD' });
    await deal(s, { name: 'l1', stageId: s.stages.lost, amount: 400_00, lostReason: '价格' });
    await deal(s, { name: 'r1', stageId: s.stages.retired, amount: 500_00 });

    const funnel = await s.t.call('pipeline.funnel', {});
    // Open and active stages only, in position order.
    expect(funnel.stages.map((st) => st.code)).toEqual(['prospecting', 'qualification', 'proposal']);
    expect(funnelStage(funnel, s.stages.prospecting)).toMatchObject({ count: 1, totals: [{ currency: 'CNY', amount: 100_00, weighted: 10_00 }] });
    expect(funnelStage(funnel, s.stages.qualification)).toMatchObject({ count: 1, totals: [{ currency: 'HKD', amount: 200_00, weighted: 60_00 }] });
    expect(funnelStage(funnel, s.stages.proposal)).toMatchObject({ count: 0, totals: [], stalled: { count: 0, deals: [] } });
    expect(funnel.won).toEqual({
      count: 2,
      totals: [
        { currency: 'CNY', amount: 300_00, weighted: 300_00 },
        { currency: 'USD', amount: 50_00, weighted: 50_00 },
      ],
    });
    expect(funnel.lost).toEqual({ count: 1, totals: [{ currency: 'CNY', amount: 400_00, weighted: 0 }] });
  });

  it('flags deals whose time in stage exceeds the stage limit, most overdue first, as of the core clock', async () => {
    s = await setup();
    // 22 deals enter 初步接洽 (limit 14 days) at T0, one millisecond apart (the writer's clock never repeats).
    const early: string[] = [];
    for (let i = 0; i < 22; i++) early.push(await deal(s, { name: `接洽 ${String(i).padStart(2, '0')}`, amount: 1_00, accountId: i % 2 === 0 ? s.accounts.huawei : s.accounts.tencent }));
    // Five days later one of them moves on to 需求确认 (limit 21), and a new deal arrives.
    s.clock.now = T0 + 5 * DAY_MS;
    await s.t.call('record.update', { entity: 'opportunity', id: early[21]!, values: { stageId: s.stages.qualification } });
    const fresh = await deal(s, { name: '新接洽', amount: 1_00 });
    // A lost deal is never stalled, whatever its age.
    await deal(s, { name: '输', stageId: s.stages.lost, lostReason: '价格' });

    // Exactly 14 days after T0 nothing has exceeded the limit yet…
    const createdAt = (await s.t.call('record.get', { entity: 'opportunity', id: early[0]! })).stageChangedAt as number;
    s.clock.now = createdAt + 14 * DAY_MS;
    let funnel = await s.t.call('pipeline.funnel', {});
    expect(funnelStage(funnel, s.stages.prospecting).stalled).toEqual({ count: 0, deals: [] });

    // …one millisecond later the first one has: 14 days in stage, over by less than a day.
    s.clock.now = createdAt + 14 * DAY_MS + 1;
    funnel = await s.t.call('pipeline.funnel', {});
    expect(funnelStage(funnel, s.stages.prospecting).stalled.count).toBe(1);
    expect(funnelStage(funnel, s.stages.prospecting).stalled.deals[0]).toMatchObject({ id: early[0], daysInStage: 14, daysOver: 0 });

    // Eighteen days on: 21 of the early deals are stalled (the 22nd moved on, the new one has 13 days);
    // the list holds the 20 most overdue.
    s.clock.now = T0 + 18 * DAY_MS + 60_000;
    funnel = await s.t.call('pipeline.funnel', {});
    expect(funnel.asOf).toBe(s.clock.now);
    const stalled = funnelStage(funnel, s.stages.prospecting).stalled;
    expect(stalled.count).toBe(21);
    expect(stalled.deals.map((d) => d.id)).toEqual(early.slice(0, 20));
    expect(stalled.deals.map((d) => d.id)).not.toContain(fresh);
    expect(stalled.deals[0]).toMatchObject({ name: '接洽 00', accountName: '华为技术有限公司', amount: 1_00, currency: 'CNY', daysInStage: 18, daysOver: 4 });
    expect(stalled.deals[1]).toMatchObject({ accountName: '腾讯科技' });
    // 需求确认: 13 days in, limit 21.
    expect(funnelStage(funnel, s.stages.qualification)).toMatchObject({ count: 1, stalled: { count: 0, deals: [] } });

    // The filters apply to the stalled deals too.
    const others = await s.t.call('pipeline.funnel', { ownerIds: ['user-li'] });
    expect(funnelStage(others, s.stages.prospecting)).toMatchObject({ count: 0, stalled: { count: 0 } });
  });

  it('filters by owner and by an inclusive close period', async () => {
    s = await setup();
    await deal(s, { name: 'a', amount: 1_00, expectedCloseDate: '2026-01-01' });
    await deal(s, { name: 'b', amount: 2_00, expectedCloseDate: '2026-03-31' });
    await deal(s, { name: 'c', amount: 4_00, expectedCloseDate: '2026-04-01', ownerId: 'user-li' });
    await deal(s, { name: 'd', amount: 8_00 });
    await deal(s, { name: 'w', amount: 16_00, stageId: s.stages.won, expectedCloseDate: '2026-02-10', ownerId: 'user-li' });

    const q1 = await s.t.call('pipeline.funnel', { closeFrom: '2026-01-01', closeTo: '2026-03-31' });
    expect(funnelStage(q1, s.stages.prospecting)).toMatchObject({ count: 2, totals: [{ currency: 'CNY', amount: 3_00, weighted: 30 }] });
    expect(q1.won.count).toBe(1);
    const from = await s.t.call('pipeline.funnel', { closeFrom: '2026-03-31' });
    expect(funnelStage(from, s.stages.prospecting).count).toBe(2);
    const li = await s.t.call('pipeline.funnel', { ownerIds: ['user-li'] });
    expect(funnelStage(li, s.stages.prospecting)).toMatchObject({ count: 1, totals: [{ amount: 4_00 }] });
    expect(li.won).toMatchObject({ count: 1, totals: [{ amount: 16_00 }] });
    expect(li.lost).toEqual({ count: 0, totals: [] });
  });
});
