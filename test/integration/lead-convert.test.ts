import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore, type TestCore } from '../support/core-fixture';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';

async function stage(t: Pick<TestCore, 'call'>): Promise<string> {
  return (await t.call('record.create', { entity: 'stage', values: { name: '初步接洽', code: 'prospecting', kind: 'open', position: 10, probability: 10 } })).id;
}

describe('lead conversion on the local replica', () => {
  let t: TestCore;
  afterEach(() => t?.close());

  it('makes an account, a contact and an opportunity in one step, and moves the lead’s activities', async () => {
    t = openTestCore();
    const stageId = await stage(t);
    const lead = await t.call('record.create', { entity: 'lead', values: { name: '周杰', company: '昆山华辰包装有限公司', mobile: '139 1234 5678', source: 'website' } });
    const call = await t.call('record.create', { entity: 'activity', values: { leadId: lead.id, type: 'call', subject: '首次电话', occurredAt: Date.now() } });
    const made = await t.call('lead.convert', {
      leadId: lead.id,
      account: { values: { name: '昆山华辰包装有限公司', city: '苏州' } },
      contact: { values: { name: '周杰', mobile: '13912345678' } },
      opportunity: { values: { name: '包装线改造', stageId, amount: 380_000_00 } },
    });
    expect(made.opportunityId).toEqual(expect.any(String));
    expect(await t.call('record.get', { entity: 'account', id: made.accountId })).toMatchObject({ name: '昆山华辰包装有限公司', source: 'website' });
    expect(await t.call('record.get', { entity: 'contact', id: made.contactId })).toMatchObject({ accountId: made.accountId, mobile: '13912345678' });
    expect(await t.call('record.get', { entity: 'opportunity', id: made.opportunityId! })).toMatchObject({ accountId: made.accountId, leadId: lead.id, contactId: made.contactId, status: 'open', probability: 10 });
    expect(await t.call('record.get', { entity: 'lead', id: lead.id })).toMatchObject({ status: 'converted', accountId: made.accountId, contactId: made.contactId, opportunityId: made.opportunityId });
    expect(await t.call('record.get', { entity: 'activity', id: call.id })).toMatchObject({ accountId: made.accountId, opportunityId: made.opportunityId, leadId: lead.id });
    // Once only.
    await expect(t.call('lead.convert', { leadId: lead.id, account: { existingId: made.accountId }, contact: { values: { name: '周杰' } }, opportunity: null })).rejects.toThrow(/already converted/);
  });

  it('joins an existing account, and a refused part changes nothing, with issues named by part', async () => {
    t = openTestCore();
    const acc = await t.call('record.create', { entity: 'account', values: { name: '无锡海川电子' } });
    const lead = await t.call('record.create', { entity: 'lead', values: { name: '孙莉', company: '无锡海川电子' } });
    const before = (await t.call('record.list', { entity: 'contact' })).total;
    // No stage given: the opportunity part is refused, and the contact made before it is rolled back.
    await expect(
      t.call('lead.convert', { leadId: lead.id, account: { existingId: acc.id }, contact: { values: { name: '孙莉' } }, opportunity: { values: { name: '新项目' } } }),
    ).rejects.toMatchObject({ info: { code: 'VALIDATION', issues: [{ field: 'opportunity.stageId', key: 'validation.required' }] } });
    expect((await t.call('record.list', { entity: 'contact' })).total).toBe(before);
    expect(await t.call('record.get', { entity: 'lead', id: lead.id })).toMatchObject({ status: 'new' });
    const made = await t.call('lead.convert', { leadId: lead.id, account: { existingId: acc.id }, contact: { values: { name: '孙莉' } }, opportunity: null });
    expect(made).toEqual({ accountId: acc.id, contactId: expect.any(String), opportunityId: null });
    // The core's own fields of the opportunity are not the caller's to set.
    const other = await t.call('record.create', { entity: 'lead', values: { name: '钱程' } });
    await expect(
      t.call('lead.convert', { leadId: other.id, account: { existingId: acc.id }, contact: { values: { name: '钱程' } }, opportunity: { values: { name: 'x', stageId: 's', status: 'won' } } }),
    ).rejects.toMatchObject({ info: { code: 'VALIDATION', issues: [{ field: 'opportunity.status', key: 'validation.readOnly' }] } });
  });
});

for (const kind of ['sqlite', 'pg'] as StoreKind[]) {
  describe(`lead conversion through sync (${kind})`, () => {
    let server: TestServer;
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await server?.close();
    });

    it('converted offline, it reaches the manager: the lead’s activity now sits with the account', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const rep = openTestClient();
      const boss = openTestClient();
      clients.push(rep, boss);
      await rep.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
      await boss.call('sync.login', { server: server.url, username: 'boss', password: 'password-1' });
      await rep.call('sync.now', {});
      const lead = await rep.call('record.create', { entity: 'lead', values: { name: '周杰', company: '昆山华辰包装' } });
      const call = await rep.call('record.create', { entity: 'activity', values: { leadId: lead.id, type: 'visit', subject: '上门拜访', occurredAt: Date.now() } });
      await rep.call('sync.now', {});
      // The conversion is a local write like any other; the next sync carries it.
      const made = await rep.call('lead.convert', {
        leadId: lead.id,
        account: { values: { name: '昆山华辰包装' } },
        contact: { values: { name: '周杰' } },
        opportunity: { values: { name: '包装线改造', stageId: 'stage-prospecting' } },
      });
      await rep.call('sync.now', {});
      expect((await rep.call('sync.status', {})).pending).toBe(0);
      expect((await rep.call('conflict.list', {})).entries).toEqual([]);
      await boss.call('sync.now', {});
      expect(await boss.call('record.get', { entity: 'activity', id: call.id })).toMatchObject({ accountId: made.accountId, opportunityId: made.opportunityId });
      expect(await boss.call('record.get', { entity: 'lead', id: lead.id })).toMatchObject({ status: 'converted', opportunityId: made.opportunityId });
      const stored = await server.server.store.get<{ parent_entity: string; parent_id: string }>("SELECT parent_entity, parent_id FROM record_refs WHERE entity = 'activity' AND id = ?", [call.id]);
      expect(stored).toEqual({ parent_entity: 'account', parent_id: made.accountId });
    });
  });
}
