import { afterEach, describe, expect, it } from 'vitest';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';

const stores: StoreKind[] = ['sqlite', 'pg'];

for (const kind of stores) {
  describe(`sync between two clients (${kind})`, () => {
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
      return c;
    }

    it('an account made offline reaches the other user with a server-assigned number', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      await server.addUser('boss', 'sales_manager', '李总');
      const rep = await client('wang');
      const boss = await client('boss');
      const made = await rep.call('record.create', { entity: 'account', values: { name: '华为技术有限公司', phone: '0755-28780808' } });
      expect(made.customerNo).toMatch(/^C-T[0-9A-F]{6}$/);
      await rep.call('record.create', { entity: 'contact', values: { accountId: made.id, name: '张伟', mobile: '13800138000' } });
      await rep.call('sync.now', {});
      const after = await rep.call('record.get', { entity: 'account', id: made.id });
      expect(after.customerNo).toBe('C-000001');
      expect((await rep.call('sync.status', {})).pending).toBe(0);
      await boss.call('sync.now', {});
      // Owner names come from the server's user directory, fetched on connecting.
      const { users } = await boss.call('directory.list', {});
      expect(users.map((u) => [u.username, u.name, u.role]).sort()).toEqual([
        ['boss', '李总', 'sales_manager'],
        ['wang', '王芳', 'sales_rep'],
      ]);
      const seen = await boss.call('record.get', { entity: 'account', id: made.id });
      expect(seen).toMatchObject({ name: '华为技术有限公司', customerNo: 'C-000001' });
      const hits = await boss.call('search.global', { q: '张伟' });
      expect(hits.hits.map((h) => h.title)).toContain('张伟');
    });

    it('a first sync carries every kind of value exactly as the server holds it', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const rep = await client('wang');
      const acc = await rep.call('record.create', {
        entity: 'account',
        values: { name: '上海 "引号" \\ 反斜杠\n第二行', tags: ['重点', 'vip'], level: 'A', nextFollowUpAt: 1_790_000_000_123, notes: 'emoji 🚀 and \u0001 control' },
      });
      const con = await rep.call('record.create', { entity: 'contact', values: { accountId: acc.id, name: '李雷', isPrimary: true, birthday: '1990-02-28', email: null } });
      await rep.call('sync.now', {});
      // The manager signs in afterwards: both records come in snapshot pages.
      const boss = await client('boss');
      await boss.call('sync.now', {});
      for (const [entity, id] of [['account', acc.id], ['contact', con.id]] as const) {
        const mine = await rep.call('record.get', { entity, id });
        const theirs = await boss.call('record.get', { entity, id });
        expect(theirs).toEqual(mine);
      }
      expect(await boss.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ tags: ['重点', 'vip'], nextFollowUpAt: 1_790_000_000_123, customerNo: 'C-000001' });
      expect(await boss.call('record.get', { entity: 'contact', id: con.id })).toMatchObject({ isPrimary: true, birthday: '1990-02-28', email: null });
    });

    it('concurrent edits of different fields both survive; the same field goes to the loser inbox', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const rep = await client('wang');
      const boss = await client('boss');
      const acc = await rep.call('record.create', { entity: 'account', values: { name: '杭州西湖科技' } });
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      await rep.call('record.update', { entity: 'account', id: acc.id, values: { phone: '0571-88880001', city: '杭州' } });
      await boss.call('record.update', { entity: 'account', id: acc.id, values: { level: 'A', city: '宁波' } });
      await boss.call('sync.now', {});
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      const a = await rep.call('record.get', { entity: 'account', id: acc.id });
      const b = await boss.call('record.get', { entity: 'account', id: acc.id });
      expect(a).toMatchObject({ phone: '0571-88880001', level: 'A', city: '宁波' });
      expect(b).toMatchObject({ phone: '0571-88880001', level: 'A', city: '宁波' });
      const inbox = (await rep.call('conflict.list', {})).entries;
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ kind: 'field', field: 'city', mine: { city: '杭州' }, theirs: { city: '宁波' }, byName: 'boss' });
      // "Use mine" wins it back everywhere.
      await rep.call('conflict.resolve', { id: inbox[0]!.id, action: 'mine' });
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      expect(await boss.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ city: '杭州' });
      expect((await rep.call('conflict.list', {})).entries).toHaveLength(0);
    });

    it('reassigning an account moves it and its contacts from one rep to the other', async () => {
      server = await startTestServer(kind);
      const a = await server.addUser('wang', 'sales_rep');
      const b = await server.addUser('li', 'sales_rep');
      const repA = await client('wang');
      const repB = await client('li');
      const acc = await repA.call('record.create', { entity: 'account', values: { name: '宁波港务' } });
      const con = await repA.call('record.create', { entity: 'contact', values: { accountId: acc.id, name: '陈静' } });
      await repA.call('sync.now', {});
      await repB.call('sync.now', {});
      await expect(repB.call('record.get', { entity: 'account', id: acc.id })).rejects.toThrow(/NOT_FOUND/);
      await repA.call('record.update', { entity: 'account', id: acc.id, values: { ownerId: b.id } });
      await repA.call('sync.now', {});
      await repB.call('sync.now', {});
      await expect(repA.call('record.get', { entity: 'account', id: acc.id })).rejects.toThrow(/NOT_FOUND/);
      await expect(repA.call('record.get', { entity: 'contact', id: con.id })).rejects.toThrow(/NOT_FOUND/);
      // The contact passes to the new owner with its account.
      expect(await repB.call('record.get', { entity: 'contact', id: con.id })).toMatchObject({ name: '陈静', ownerId: b.id });
      expect(a.id).not.toBe(b.id);
    });
  });
}
