import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_STAGES } from '../../src-server/sales/default-stages';
import { sessionFor } from '../../src-server/sync/sync.service';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';

/** The sales entities through the real sync server, on both stores: rules hold on both sides. */
const stores: StoreKind[] = ['sqlite', 'pg'];

for (const kind of stores) {
  describe(`sales records through sync (${kind})`, () => {
    let server: TestServer;
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await server?.close();
    });

    async function client(username: string): Promise<TestClient> {
      const c = openTestClient();
      clients.push(c);
      await c.call('sync.login', { server: server.url, username, password: 'password-1' });
      await c.call('sync.now', {});
      return c;
    }

    async function issuesOf(p: Promise<unknown>): Promise<{ field: string; key: string }[]> {
      try {
        await p;
      } catch (error) {
        return ((error as { info?: { issues?: { field: string; key: string }[] } }).info?.issues ?? []).map((i) => ({ field: i.field, key: i.key }));
      }
      throw new Error('expected a validation error');
    }

    it('a rep gets the built-in stages; a deal takes its stage’s status and probability, and a lost one needs a reason', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      const rep = await client('wang');
      const stages = (await rep.call('record.list', { entity: 'stage', sort: [{ field: 'position', dir: 'asc' }] })).rows;
      expect(stages.map((s) => [s.code, s.probability, s.kind])).toEqual(DEFAULT_STAGES.map((s) => [s.code, s.probability, s.kind]));
      const acc = await rep.call('record.create', { entity: 'account', values: { name: '苏州工业园区精密机械' } });
      const opp = await rep.call('record.create', { entity: 'opportunity', values: { accountId: acc.id, name: '数控机床 20 台', stageId: 'stage-prospecting', amount: 1_200_000_00 } });
      expect(opp).toMatchObject({ status: 'open', probability: 10 });
      expect(opp.stageChangedAt).toEqual(expect.any(Number));
      const moved = await rep.call('record.update', { entity: 'opportunity', id: opp.id, values: { stageId: 'stage-negotiation' } });
      expect(moved).toMatchObject({ status: 'open', probability: 80 });
      // A probability typed with the stage change is kept.
      expect(await rep.call('record.update', { entity: 'opportunity', id: opp.id, values: { stageId: 'stage-proposal', probability: 55 } })).toMatchObject({ probability: 55 });
      expect(await issuesOf(rep.call('record.update', { entity: 'opportunity', id: opp.id, values: { stageId: 'stage-lost' } }))).toEqual([{ field: 'lostReason', key: 'validation.lostReason' }]);
      const lost = await rep.call('record.update', { entity: 'opportunity', id: opp.id, values: { stageId: 'stage-lost', lostReason: '预算冻结' } });
      expect(lost).toMatchObject({ status: 'lost', probability: 0 });
      expect(lost.closedAt).toEqual(expect.any(Number));
      await rep.call('sync.now', {});
      expect((await rep.call('sync.status', {})).conflicts).toBe(0);
      const stored = await server.server.store.get<{ fields: string }>("SELECT fields FROM records WHERE entity = 'opportunity' AND id = ?", [opp.id]);
      expect(JSON.parse(stored!.fields)).toMatchObject({ status: 'lost', lostReason: '预算冻结', stageId: 'stage-lost' });
    });

    it('quote totals follow the lines; order and contract numbers are provisional offline and assigned by the server', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const rep = await client('wang');
      const acc = await rep.call('record.create', { entity: 'account', values: { name: '无锡海川电子' } });
      const lines = [
        { name: '工控主机 IPC-610', code: 'IPC-610', unit: '台', qty: 3, unitPrice: 8_800_00, discountBp: 500 },
        { name: '现场调试', unit: '人天', qty: 2.5, unitPrice: 1_500_00, discountBp: 0 },
      ];
      const quote = await rep.call('record.create', { entity: 'quote', values: { accountId: acc.id, title: '产线工控升级报价', lines } });
      expect(quote).toMatchObject({ subtotal: 3 * 8_800_00 + 3_750_00, discountTotal: 1_320_00, total: 3 * 8_800_00 + 3_750_00 - 1_320_00 });
      expect(quote.quoteNo).toMatch(/^Q-T[0-9A-F]{6}$/);
      const order = await rep.call('record.create', { entity: 'order', values: { accountId: acc.id, quoteId: quote.id, lines } });
      expect(order).toMatchObject({ status: 'pending_review', amount: quote.total });
      expect(order.orderNo).toMatch(/^SO-T[0-9A-F]{6}$/);
      const contract = await rep.call('record.create', { entity: 'contract', values: { accountId: acc.id, orderId: order.id, name: '工控升级合同', amount: quote.total } });
      expect(contract.contractNo).toMatch(/^HT-T[0-9A-F]{6}$/);
      await rep.call('sync.now', {});
      expect(await rep.call('record.get', { entity: 'quote', id: quote.id })).toMatchObject({ quoteNo: 'Q-000001' });
      expect(await rep.call('record.get', { entity: 'order', id: order.id })).toMatchObject({ orderNo: 'SO-000001' });
      expect(await rep.call('record.get', { entity: 'contract', id: contract.id })).toMatchObject({ contractNo: 'HT-000001' });
      const boss = await client('boss');
      expect(await boss.call('record.get', { entity: 'quote', id: quote.id })).toMatchObject({ total: quote.total, lines: quote.lines });
    });

    it('order steps are checked by the client and by the server, on the record as merged', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      const rep = await client('wang');
      const acc = await rep.call('record.create', { entity: 'account', values: { name: '常州天宁纺织' } });
      const order = await rep.call('record.create', { entity: 'order', values: { accountId: acc.id, lines: [{ name: '纱线', qty: 100, unitPrice: 2_000 }] } });
      expect(await issuesOf(rep.call('record.update', { entity: 'order', id: order.id, values: { status: 'shipped' } }))).toEqual([{ field: 'status', key: 'validation.transition' }]);
      const approved = await rep.call('record.update', { entity: 'order', id: order.id, values: { status: 'approved' } });
      expect(approved.approvedAt).toEqual(expect.any(Number));
      await rep.call('sync.now', {});
      // A client that skips the check (an older build, a script) is refused by the server.
      const user = (await server.server.users.byUsername('wang'))!;
      const { deviceId } = await server.server.users.registerDevice(user.id, 'script');
      const { results } = await server.server.sync.push(sessionFor(user, deviceId), [
        { seq: 1, entity: 'order', recordId: order.id, op: 'update', changes: { status: 'pending_review' }, base: { status: 'approved' } },
        { seq: 2, entity: 'order', recordId: order.id, op: 'update', changes: { status: 'shipped' }, base: { status: 'approved' } },
        { seq: 3, entity: 'order', recordId: order.id, op: 'update', changes: { status: 'approved' }, base: { status: 'shipped' } },
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'applied', 'rejected']);
      expect(results[0]).toMatchObject({ code: 'VALIDATION', issues: [{ field: 'status', key: 'validation.transition' }] });
      // The server recomputes what lines decide, whatever a client sends.
      const { results: forged } = await server.server.sync.push(sessionFor(user, deviceId), [{ seq: 4, entity: 'order', recordId: order.id, op: 'update', changes: { amount: 1 }, base: { amount: 200_000 } }]);
      expect(forged[0]!.status).toBe('applied');
      const stored = await server.server.store.get<{ fields: string }>("SELECT fields FROM records WHERE entity = 'order' AND id = ?", [order.id]);
      expect(JSON.parse(stored!.fields)).toMatchObject({ status: 'shipped', amount: 200_000 });
    });

    it('products and stages are everyone’s to see and only their keepers’ to change', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      await server.addUser('li', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const boss = await client('boss');
      const product = await boss.call('record.create', { entity: 'product', values: { code: 'IPC-610', name: '工控主机', unit: '台', listPrice: 8_800_00 } });
      await boss.call('sync.now', {});
      const rep = await client('wang');
      expect(await rep.call('record.get', { entity: 'product', id: product.id })).toMatchObject({ name: '工控主机', listPrice: 8_800_00 });
      // A rep's edit of a product is refused on the device, by the roles the server sent it.
      expect(await issuesOf(rep.call('record.update', { entity: 'product', id: product.id, values: { listPrice: 1 } }))).toEqual([{ field: 'id', key: 'permission.update' }]);
      expect(await issuesOf(rep.call('record.create', { entity: 'stage', values: { name: '样品测试', position: 25, probability: 40 } }))).toEqual([{ field: 'id', key: 'permission.create' }]);
      // A client that skips the check (an older build, a script) is refused by the server.
      const user = (await server.server.users.byUsername('wang'))!;
      const { deviceId } = await server.server.users.registerDevice(user.id, 'script');
      const { results } = await server.server.sync.push(sessionFor(user, deviceId), [
        { seq: 1, entity: 'product', recordId: product.id, op: 'update', changes: { listPrice: 1 }, base: { listPrice: 8_800_00 } },
        { seq: 2, entity: 'stage', recordId: '0190a000-0000-7000-8000-0000000000aa', op: 'create', changes: { name: '样品测试', position: 25, probability: 40 }, base: {} },
      ]);
      expect(results.map((r) => [r.status, r.status === 'rejected' ? r.code : null])).toEqual([
        ['rejected', 'FORBIDDEN'],
        ['rejected', 'FORBIDDEN'],
      ]);
      // A lead's activity is seen with the lead: by its owner and managers, not by another rep.
      const lead = await rep.call('record.create', { entity: 'lead', values: { name: '周杰', company: '昆山华辰包装', mobile: '13912345678' } });
      const act = await rep.call('record.create', { entity: 'activity', values: { leadId: lead.id, type: 'call', subject: '首次电话', occurredAt: Date.now() } });
      await rep.call('sync.now', {});
      const other = await client('li');
      await expect(other.call('record.get', { entity: 'activity', id: act.id })).rejects.toThrow(/NOT_FOUND/);
      await boss.call('sync.now', {});
      expect(await boss.call('record.get', { entity: 'activity', id: act.id })).toMatchObject({ subject: '首次电话', leadId: lead.id });
      expect(await other.call('record.get', { entity: 'product', id: product.id })).toMatchObject({ code: 'IPC-610' });
    });
  });
}
