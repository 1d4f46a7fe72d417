import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../support/core-fixture';

/**
 * Follow-up discipline on one device: a planned next follow-up is one task per account or lead,
 * due and reminding then; it moves when the date is planned again, completes when the follow-up
 * happens, and is cancelled when the date is cleared. An older activity typed in late touches
 * nothing.
 */
const DAY = 86_400_000;

describe('follow-up tasks', () => {
  let core: TestCore;
  afterEach(() => core?.close());

  const followUps = async (status?: string) =>
    (await core.call('record.list', { entity: 'task', filters: [{ field: 'source', op: 'eq', value: 'follow_up' }, ...(status ? [{ field: 'status', op: 'eq' as const, value: status }] : [])] })).rows;

  it('one task per account, moved by a new plan, done when the follow-up happens, untouched by an older activity', async () => {
    core = openTestCore();
    const acc = await core.call('record.create', { entity: 'account', values: { name: '南通远洋船舶配件' } });
    const t = Date.UTC(2026, 10, 10, 2);
    await core.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'call', subject: '首次电话', occurredAt: t, nextFollowUpAt: t + 2 * DAY } });
    expect(await followUps('open')).toEqual([expect.objectContaining({ accountId: acc.id, dueAt: t + 2 * DAY, remindAt: t + 2 * DAY, title: '跟进 南通远洋船舶配件' })]);

    // Typed in late: an e-mail from before the call changes nothing.
    await core.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'email', subject: '补录', occurredAt: t - DAY, nextFollowUpAt: t + 9 * DAY } });
    expect((await followUps('open')).map((x) => x.dueAt)).toEqual([t + 2 * DAY]);

    // The rep moves the next follow-up on the account itself: the same task moves.
    await core.call('record.update', { entity: 'account', id: acc.id, values: { nextFollowUpAt: t + 4 * DAY } });
    const moved = await followUps('open');
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ dueAt: t + 4 * DAY, remindAt: t + 4 * DAY });

    // The visit happens and plans the next one: the old task is done, a new one waits.
    await core.call('record.create', { entity: 'activity', values: { accountId: acc.id, type: 'visit', subject: '上门', occurredAt: t + 4 * DAY, nextFollowUpAt: t + 10 * DAY, nextStep: '带样品' } });
    expect((await followUps('done')).map((x) => x.id)).toEqual([moved[0]!.id]);
    expect(await followUps('open')).toEqual([expect.objectContaining({ dueAt: t + 10 * DAY, notes: '带样品' })]);

    // Cleared by hand: nothing is planned, so the task is cancelled.
    await core.call('record.update', { entity: 'account', id: acc.id, values: { nextFollowUpAt: null } });
    expect(await followUps('open')).toEqual([]);
    expect(await followUps('cancelled')).toHaveLength(1);
  });

  it('a lead’s follow-ups work the same way', async () => {
    core = openTestCore();
    const lead = await core.call('record.create', { entity: 'lead', values: { name: '刘洋', company: '嘉兴织造' } });
    const t = Date.UTC(2026, 10, 12, 6);
    await core.call('record.create', { entity: 'activity', values: { leadId: lead.id, type: 'wechat', subject: '加微信', occurredAt: t, nextFollowUpAt: t + DAY } });
    expect(await core.call('record.get', { entity: 'lead', id: lead.id })).toMatchObject({ lastFollowUpAt: t, nextFollowUpAt: t + DAY });
    expect(await followUps('open')).toEqual([expect.objectContaining({ leadId: lead.id, dueAt: t + DAY, title: '跟进 刘洋' })]);
  });
});
