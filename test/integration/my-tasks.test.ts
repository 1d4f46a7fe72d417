import { afterEach, describe, expect, it } from 'vitest';
import type { MethodOutput, MyTask } from '../../src-shared/api/client-api.contract';
import { taskQueriesFor } from '../../src-main/core/sales/my-tasks';
import { openTestCore, type TestCore } from '../support/core-fixture';

/** 2026-03-10 15:30 in Beijing (UTC+8): the fixed clock of these tests. */
const NOW = Date.parse('2026-03-10T15:30:00+08:00');
/** Date#getTimezoneOffset in Beijing. */
const BEIJING = -480;
const at = (local: string) => Date.parse(`${local}+08:00`);

const titles = (section: { rows: MyTask[] }) => section.rows.map((r) => r.title);

describe('my tasks (task.mine)', () => {
  let t: TestCore;
  afterEach(() => t?.close());

  async function task(values: Record<string, unknown>): Promise<string> {
    return (await t.call('record.create', { entity: 'task', values })).id;
  }

  it('puts my open tasks in overdue / today / upcoming / undated by the user’s local day', async () => {
    t = openTestCore();
    await task({ title: '昨晚到期', dueAt: at('2026-03-09T23:59:00') });
    await task({ title: '刚刚到期', dueAt: NOW - 1 });
    await task({ title: '此刻到期', dueAt: NOW });
    await task({ title: '今晚最后一刻', dueAt: at('2026-03-10T23:59:59.999') });
    await task({ title: '明天零点', dueAt: at('2026-03-11T00:00:00') });
    await task({ title: '下周', dueAt: at('2026-03-17T10:00:00') });
    await task({ title: '没有截止时间' });

    const mine = await t.call('task.mine', { now: NOW, tzOffsetMinutes: BEIJING });
    expect(mine.now).toBe(NOW);
    expect(mine.todayEnd).toBe(at('2026-03-11T00:00:00'));
    expect(titles(mine.overdue)).toEqual(['昨晚到期', '刚刚到期']);
    expect(titles(mine.today)).toEqual(['此刻到期', '今晚最后一刻']);
    expect(titles(mine.upcoming)).toEqual(['明天零点', '下周']);
    expect(titles(mine.undated)).toEqual(['没有截止时间']);
    expect([mine.overdue.count, mine.today.count, mine.upcoming.count, mine.undated.count]).toEqual([2, 2, 2, 1]);

    // The same moment for someone in UTC: Beijing's midnight is 16:00 there, still today.
    const utc = await t.call('task.mine', { now: NOW, tzOffsetMinutes: 0 });
    expect(titles(utc.today)).toEqual(['此刻到期', '今晚最后一刻', '明天零点']);
    expect(titles(utc.upcoming)).toEqual(['下周']);

    // One minute after Beijing's midnight the evening task is overdue and tomorrow's is today's.
    const later = await t.call('task.mine', { now: at('2026-03-11T00:01:00'), tzOffsetMinutes: BEIJING });
    expect(titles(later.overdue)).toEqual(['昨晚到期', '刚刚到期', '此刻到期', '今晚最后一刻', '明天零点']);
    expect(titles(later.today)).toEqual([]);
    expect(titles(later.upcoming)).toEqual(['下周']);
  });

  it('leaves out tasks that are done, cancelled, deleted or someone else’s', async () => {
    t = openTestCore();
    const me = t.core.user.id;
    await task({ title: '我的', dueAt: NOW + 60_000 });
    await task({ title: '指派给我', dueAt: NOW + 120_000, ownerId: me });
    await task({ title: '别人的', dueAt: NOW + 60_000, ownerId: 'user-lijun' });
    await task({ title: '已完成', dueAt: NOW - 60_000, status: 'done' });
    await task({ title: '已取消', status: 'cancelled' });
    const deleted = await task({ title: '已删除', dueAt: NOW - 60_000 });
    await t.call('record.delete', { entity: 'task', id: deleted });
    const finished = await task({ title: '刚做完', dueAt: NOW - 60_000 });
    await t.call('record.update', { entity: 'task', id: finished, values: { status: 'done' } });

    const mine = await t.call('task.mine', { now: NOW, tzOffsetMinutes: BEIJING });
    const all = [mine.overdue, mine.today, mine.upcoming, mine.undated].flatMap(titles);
    expect(all).toEqual(['我的', '指派给我']);
    expect(mine.overdue.count + mine.today.count + mine.upcoming.count + mine.undated.count).toBe(2);

    // Completing stamps the moment (the "my tasks" checkbox relies on it), reopening clears it.
    expect(await t.call('record.get', { entity: 'task', id: finished })).toMatchObject({ status: 'done', completedAt: expect.any(Number) });
    await t.call('record.update', { entity: 'task', id: finished, values: { status: 'open' } });
    expect(await t.call('record.get', { entity: 'task', id: finished })).toMatchObject({ status: 'open', completedAt: null });
  });

  it('names the record each task is about, the most specific one that is still there', async () => {
    t = openTestCore();
    const stageId = (await t.call('record.create', { entity: 'stage', values: { name: '初步接洽', code: 'prospecting', kind: 'open', position: 10, probability: 10 } })).id;
    const huawei = (await t.call('record.create', { entity: 'account', values: { name: '华为技术有限公司' } })).id;
    const gone = (await t.call('record.create', { entity: 'account', values: { name: '已删除的客户' } })).id;
    const zhang = (await t.call('record.create', { entity: 'contact', values: { name: '张伟', accountId: huawei } })).id;
    const deal = (await t.call('record.create', { entity: 'opportunity', values: { name: '二期扩容', accountId: huawei, stageId } })).id;
    const lead = (await t.call('record.create', { entity: 'lead', values: { name: '周杰', company: '昆山华辰' } })).id;
    await task({ title: '客户', dueAt: NOW + 1, accountId: huawei });
    await task({ title: '商机', dueAt: NOW + 2, accountId: huawei, opportunityId: deal });
    await task({ title: '联系人', dueAt: NOW + 3, accountId: huawei, contactId: zhang });
    await task({ title: '线索', dueAt: NOW + 4, leadId: lead });
    await task({ title: '客户已删', dueAt: NOW + 5, accountId: gone });
    await task({ title: '无关联', dueAt: NOW + 6 });
    await t.call('record.delete', { entity: 'account', id: gone });
    // Made by a rule: the source comes through for the badge.
    t.core.records.create('task', { title: '规则生成', accountId: huawei, source: 'follow_up' }, undefined, { allowSystem: true });

    const mine = await t.call('task.mine', { now: NOW, tzOffsetMinutes: BEIJING });
    expect(mine.today.rows.map((r) => [r.title, r.related?.entity ?? null, r.related?.title ?? null])).toEqual([
      ['客户', 'account', '华为技术有限公司'],
      ['商机', 'opportunity', '二期扩容'],
      ['联系人', 'contact', '张伟'],
      ['线索', 'lead', '周杰'],
      ['客户已删', null, null],
      ['无关联', null, null],
    ]);
    expect(mine.today.rows[1]?.related?.id).toBe(deal);
    expect(mine.undated.rows).toEqual([expect.objectContaining({ title: '规则生成', source: 'follow_up', related: { entity: 'account', id: huawei, title: '华为技术有限公司' } })]);
    expect(mine.today.rows[0]).toMatchObject({ source: 'manual', status: 'open', remindAt: null });
  });

  it('counts every task of a section but returns at most `limit` rows, soonest first', async () => {
    t = openTestCore();
    for (let i = 0; i < 7; i++) await task({ title: `逾期 ${i}`, dueAt: NOW - (i + 1) * 3_600_000 });
    const mine = await t.call('task.mine', { now: NOW, tzOffsetMinutes: BEIJING, limit: 3 });
    expect(mine.overdue.count).toBe(7);
    expect(titles(mine.overdue)).toEqual(['逾期 6', '逾期 5', '逾期 4']);
  });

  it('answers from the owner / status / due-time index, without sorting or reading other owners’ rows', async () => {
    t = openTestCore();
    const me = t.core.user.id;
    // Enough rows of several owners and states that a table scan would be the planner's alternative.
    const rows = Array.from({ length: 20_000 }, (_, i) => ({
      id: `t${i}`,
      title: `任务 ${i}`,
      status: i % 5 === 0 ? 'done' : 'open',
      source: 'manual',
      dueAt: i % 7 === 0 ? null : NOW + (i - 10_000) * 60_000,
      remindAt: i % 3 === 0 ? NOW + (i - 10_000) * 60_000 : null,
      ownerId: i % 4 === 0 ? me : `user-${i % 4}`,
    }));
    t.core.records.bulkLoad('task', rows);
    t.core.records.analyze();
    const q = taskQueriesFor(t.core.replica.sqlite);
    const plan = (stmt: { source: string }, params: Record<string, unknown>) =>
      (t.core.replica.sqlite.prepare(`EXPLAIN QUERY PLAN ${stmt.source}`).all(params) as { detail: string }[]).map((r) => r.detail).join('\n');
    const base = { owner: me, now: NOW, todayEnd: NOW + 3_600_000, limit: 100 };
    for (const [name, stmt, params] of [
      ['count overdue', q.counts.overdue, { owner: me, now: NOW }],
      ['count today', q.counts.today, { owner: me, now: NOW, todayEnd: base.todayEnd }],
      ['count upcoming', q.counts.upcoming, { owner: me, todayEnd: base.todayEnd }],
      ['count undated', q.counts.undated, { owner: me }],
      ['overdue', q.overdue, { owner: me, now: NOW, limit: 100 }],
      ['today', q.today, base],
      ['upcoming', q.upcoming, { owner: me, todayEnd: base.todayEnd, limit: 100 }],
      ['undated', q.undated, { owner: me, limit: 100 }],
    ] as const) {
      const text = plan(stmt, params);
      expect(text, name).toMatch(/USING (COVERING )?INDEX tasks_owner_id_status_due_at_idx \(owner_id=\? AND status=\?/);
      expect(text, name).not.toMatch(/TEMP B-TREE/);
    }
    const reminders = plan(q.reminders, { owner: me, from: NOW, to: NOW + 60_000, limit: 100 });
    expect(reminders).toMatch(/USING INDEX tasks_owner_id_status_remind_at_idx/);
    expect(reminders).not.toMatch(/TEMP B-TREE/);

    // And the answer agrees with a plain count over the rows.
    const mine = await t.call('task.mine', { now: NOW, tzOffsetMinutes: BEIJING });
    const open = rows.filter((r) => r.ownerId === me && r.status === 'open');
    const sections = (m: MethodOutput<'task.mine'>) => m.overdue.count + m.today.count + m.upcoming.count + m.undated.count;
    expect(sections(mine)).toBe(open.length);
    expect(mine.undated.count).toBe(open.filter((r) => r.dueAt === null).length);
    expect(mine.overdue.count).toBe(open.filter((r) => r.dueAt !== null && r.dueAt < NOW).length);
  });
});

describe('reminders (task.reminders)', () => {
  let t: TestCore;
  afterEach(() => t?.close());

  it('returns my open tasks whose reminder falls in (from, to], earliest first, with the related record', async () => {
    t = openTestCore();
    const huawei = (await t.call('record.create', { entity: 'account', values: { name: '华为技术有限公司' } })).id;
    const make = async (title: string, remindAt: number | null, extra: Record<string, unknown> = {}) =>
      (await t.call('record.create', { entity: 'task', values: { title, remindAt, dueAt: remindAt === null ? null : remindAt + 3_600_000, ...extra } })).id;
    await make('正好在起点', NOW);
    const last = await make('正好在终点', NOW + 60_000, { accountId: huawei });
    await make('中间', NOW + 30_000);
    await make('之后', NOW + 60_001);
    await make('之前', NOW - 1);
    await make('没有提醒', null);
    await make('别人的', NOW + 10_000, { ownerId: 'user-lijun' });
    await make('已完成', NOW + 10_000, { status: 'done' });
    const deleted = await make('已删除', NOW + 10_000);
    await t.call('record.delete', { entity: 'task', id: deleted });

    const { reminders } = await t.call('task.reminders', { from: NOW, to: NOW + 60_000 });
    expect(reminders.map((r) => r.title)).toEqual(['中间', '正好在终点']);
    expect(reminders[1]).toEqual({
      id: last,
      title: '正好在终点',
      status: 'open',
      source: 'manual',
      remindAt: NOW + 60_000,
      dueAt: NOW + 60_000 + 3_600_000,
      related: { entity: 'account', id: huawei, title: '华为技术有限公司' },
    });
    // Windows that meet do not overlap: the next one starts where this ended.
    expect((await t.call('task.reminders', { from: NOW + 60_000, to: NOW + 120_000 })).reminders.map((r) => r.title)).toEqual(['之后']);
  });

  it('refuses a window without numbers', async () => {
    t = openTestCore();
    await expect(t.call('task.reminders', { from: 'yesterday' as unknown as number, to: NOW })).rejects.toThrow(/BAD_REQUEST/);
    await expect(t.call('task.mine', { tzOffsetMinutes: 100_000 })).rejects.toThrow(/BAD_REQUEST/);
  });
});
