import { afterEach, describe, expect, it } from 'vitest';
import { bumpOrgVersion } from '../../src-server/auth/org.store';
import { nextEvent, openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';

const stores: StoreKind[] = ['sqlite', 'pg'];

/**
 * The organisation changes under running clients (over HTTP and WebSocket, as deployed): records
 * and fields enter and leave replicas at the next sync, children included, without a first sync.
 */
for (const kind of stores) {
  describe(`rescope when the organisation changes (${kind})`, () => {
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

    async function org(change: (q: Parameters<Parameters<TestServer['server']['store']['tx']>[0]>[0]) => Promise<void>): Promise<void> {
      const store = server.server.store;
      await store.tx(async (q) => {
        await change(q);
        await bumpOrgVersion(q, store);
      });
    }

    it("a rep moved into a manager's department tree brings their accounts and contacts to the manager's replica, and takes them away when moved out", async () => {
      server = await startTestServer(kind);
      const users = server.server.users;
      await users.add({ username: 'boss', password: 'password-1', role: 'sales_manager', name: '赵敏', department: '销售部/华东区' });
      await users.add({ username: 'wang', password: 'password-1', role: 'sales_rep', name: '王芳', department: '销售部/华东区/杭州' });
      await users.add({ username: 'li', password: 'password-1', role: 'sales_rep', name: '李军', department: '销售部/华南区' });
      const wang = await client('wang');
      const li = await client('li');
      const mine = await wang.call('record.create', { entity: 'account', values: { name: '杭州西湖科技' } });
      const theirs = await li.call('record.create', { entity: 'account', values: { name: '深圳湾电子' } });
      const contact = await li.call('record.create', { entity: 'contact', values: { accountId: theirs.id, name: '陈静', mobile: '13800138000' } });
      await wang.call('sync.now', {});
      await li.call('sync.now', {});

      const boss = await client('boss');
      await boss.call('sync.now', {});
      expect((await boss.call('record.get', { entity: 'account', id: mine.id })).name).toBe('杭州西湖科技');
      await expect(boss.call('record.get', { entity: 'account', id: theirs.id })).rejects.toThrow(/NOT_FOUND/);
      const cursor = boss.core.sync.cursor();

      // 李军 moves to 华东区: under 赵敏's department.
      await org(async (q) => {
        await q.run("UPDATE users SET department = (SELECT id FROM departments WHERE name = '华东区') WHERE username = 'li'");
      });
      await boss.call('sync.now', {});
      expect((await boss.call('record.get', { entity: 'account', id: theirs.id })).name).toBe('深圳湾电子');
      expect(await boss.call('record.get', { entity: 'contact', id: contact.id })).toMatchObject({ name: '陈静', mobile: '13800138000' });
      // Not a second first sync: the cursor only moved on, and the replica was never emptied.
      expect(boss.core.sync.cursor()).toBeGreaterThanOrEqual(cursor);
      expect((await boss.call('record.get', { entity: 'account', id: mine.id })).name).toBe('杭州西湖科技');

      // An edit 赵敏 makes offline, then 李军 moves back to 华南区 before it is sent.
      await boss.call('record.update', { entity: 'contact', id: contact.id, values: { title: '采购经理' } });
      await org(async (q) => {
        await q.run("UPDATE users SET department = (SELECT id FROM departments WHERE name = '华南区') WHERE username = 'li'");
      });
      await boss.call('sync.now', {});
      await expect(boss.call('record.get', { entity: 'account', id: theirs.id })).rejects.toThrow(/NOT_FOUND/);
      await expect(boss.call('record.get', { entity: 'contact', id: contact.id })).rejects.toThrow(/NOT_FOUND/);
      // The edit was not lost: it was pushed before the record left, or it waits in the inbox.
      const onServer = await server.server.store.get<{ fields: string }>('SELECT fields FROM records WHERE id = ?', [contact.id]);
      const inbox = boss.core.conflicts.list(true);
      expect(JSON.parse(onServer!.fields).title === '采购经理' || inbox.some((e) => e.recordId === contact.id)).toBe(true);
      expect((await boss.call('record.get', { entity: 'account', id: mine.id })).name).toBe('杭州西湖科技');
    });

    it('a live client is poked when the organisation changes and pulls the rescope by itself, at the same cursor', async () => {
      server = await startTestServer(kind);
      const users = server.server.users;
      await users.add({ username: 'boss', password: 'password-1', role: 'sales_manager', name: '赵敏', department: '华东区' });
      await users.add({ username: 'li', password: 'password-1', role: 'sales_rep', name: '李军', department: '华南区' });
      const li = await client('li');
      const theirs = await li.call('record.create', { entity: 'account', values: { name: '深圳湾电子' } });
      await li.call('sync.now', {});
      const boss = openTestClient({ live: true });
      clients.push(boss);
      await boss.call('sync.login', { server: server.url, username: 'boss', password: 'password-1' });
      await boss.core.sync.syncNow();
      expect(boss.core.sync.status().state).toBe('online');
      const arrived = nextEvent(boss, (e) => e.type === 'changed' && e.entity === 'account');
      await org(async (q) => {
        await q.run("UPDATE users SET department = (SELECT id FROM departments WHERE name = '华东区') WHERE username = 'li'");
      });
      expect(await arrived).toMatchObject({ type: 'changed', entity: 'account', ids: [theirs.id] });
      expect((await boss.call('record.get', { entity: 'account', id: theirs.id })).name).toBe('深圳湾电子');
    });

    it('a rep whose manager changes leaves the old manager’s replica when the role scopes by subordinates', async () => {
      server = await startTestServer(kind);
      const users = server.server.users;
      await org(async (q) => {
        const def = { name: '组长', admin: false, pool: false, entities: { account: { actions: ['read', 'update'], scope: 'own_sub' }, contact: { actions: ['read'], scope: 'own_sub' } }, fields: {} };
        await q.run('INSERT INTO roles (code, definition, updated_at) VALUES (?, ?, 0)', ['team_lead', JSON.stringify(def)]);
      });
      await users.add({ username: 'lead', password: 'password-1', role: 'team_lead', name: '组长' });
      await users.add({ username: 'wang', password: 'password-1', role: 'sales_rep', name: '王芳', manager: 'lead' });
      const wang = await client('wang');
      const acc = await wang.call('record.create', { entity: 'account', values: { name: '宁波港务' } });
      const con = await wang.call('record.create', { entity: 'contact', values: { accountId: acc.id, name: '张伟' } });
      await wang.call('sync.now', {});
      const lead = await client('lead');
      await lead.call('sync.now', {});
      expect((await lead.call('record.get', { entity: 'contact', id: con.id })).name).toBe('张伟');
      // The team lead's role has no lead or product access: nothing of those reaches the replica.
      expect(lead.core.replica.sqlite.prepare('SELECT count(*) AS n FROM products').get()).toEqual({ n: 0 });

      await org(async (q) => {
        await q.run("UPDATE users SET manager_id = NULL WHERE username = 'wang'");
      });
      await lead.call('sync.now', {});
      await expect(lead.call('record.get', { entity: 'account', id: acc.id })).rejects.toThrow(/NOT_FOUND/);
      await expect(lead.call('record.get', { entity: 'contact', id: con.id })).rejects.toThrow(/NOT_FOUND/);
    });
  });
}
