import { entities } from '../../src-shared/entities/index';
import { afterEach, describe, expect, it } from 'vitest';
import { WsConnector } from '../../src-main/core/sync/ws-connector';
import { CLIENT_SCHEMA_VERSION } from '../../src-shared/sync/protocol.contract';
import { openTestClient, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';

for (const kind of ['sqlite', 'pg'] as StoreKind[]) {
  describe(`sync rules and conflicts (${kind})`, () => {
    let server: TestServer;
    const clients: TestClient[] = [];
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      await server?.close();
    });

    async function client(username: string, schema = CLIENT_SCHEMA_VERSION): Promise<TestClient> {
      const c = openTestClient({ connector: new WsConnector(schema) });
      clients.push(c);
      await c.call('sync.login', { server: server.url, username, password: 'password-1' });
      await c.call('sync.now', {});
      return c;
    }

    it('an edit to a record someone deleted goes to the inbox; restore brings the record back with the edit', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      await server.addUser('boss', 'sales_manager', '赵敏');
      const rep = await client('wang');
      const boss = await client('boss');
      const acc = await rep.call('record.create', { entity: 'account', values: { name: '温州瓯海制鞋' } });
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      await boss.call('record.delete', { entity: 'account', id: acc.id });
      await rep.call('record.update', { entity: 'account', id: acc.id, values: { phone: '0577-88990011' } });
      await boss.call('sync.now', {});
      await rep.call('sync.now', {});
      await expect(rep.call('record.get', { entity: 'account', id: acc.id })).rejects.toThrow(/NOT_FOUND/);
      const [entry] = (await rep.call('conflict.list', {})).entries;
      expect(entry).toMatchObject({ kind: 'deleted', recordId: acc.id, byName: '赵敏', mine: { phone: '0577-88990011' }, title: '温州瓯海制鞋' });
      await rep.call('conflict.resolve', { id: entry!.id, action: 'restore' });
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      expect(await boss.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ phone: '0577-88990011', deletedAt: null });
      expect((await rep.call('conflict.list', {})).entries).toHaveLength(0);
    });

    it('a change the server refuses is rolled back locally and kept in the inbox with what was typed, ready to resend', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const rep = await client('wang');
      const boss = await client('boss');
      const acc = await rep.call('record.create', { entity: 'account', values: { name: '台州椒江模具' } });
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      // Offline, the rep adds a contact to an account the manager deletes meanwhile.
      await boss.call('record.delete', { entity: 'account', id: acc.id });
      await boss.call('sync.now', {});
      const con = await rep.call('record.create', { entity: 'contact', values: { accountId: acc.id, name: '周杰', mobile: '13912345678' } });
      await rep.call('sync.now', {});
      await expect(rep.call('record.get', { entity: 'contact', id: con.id })).rejects.toThrow(/NOT_FOUND/);
      const [entry] = (await rep.call('conflict.list', {})).entries;
      expect(entry).toMatchObject({ kind: 'rejected', op: 'create', code: 'VALIDATION', recordId: con.id, mine: { name: '周杰', mobile: '13912345678', accountId: acc.id } });
      expect(entry!.issues).toEqual([{ field: 'accountId', key: 'validation.ref' }]);
      // Fixed and sent again under another account: it reaches the manager.
      const other = await rep.call('record.create', { entity: 'account', values: { name: '台州路桥机电' } });
      await rep.call('conflict.resolve', { id: entry!.id, action: 'resend', values: { ...entry!.mine, accountId: other.id } });
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      expect(await boss.call('record.get', { entity: 'contact', id: con.id })).toMatchObject({ name: '周杰', accountId: other.id });
    });

    it('an unsent edit of a record reassigned away is not lost: it lands in the inbox with the reason', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      const li = await server.addUser('li', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const rep = await client('wang');
      const boss = await client('boss');
      const acc = await rep.call('record.create', { entity: 'account', values: { name: '嘉兴南湖纺织' } });
      await rep.call('sync.now', {});
      await boss.call('sync.now', {});
      await boss.call('record.update', { entity: 'account', id: acc.id, values: { ownerId: li.id } });
      await boss.call('sync.now', {});
      await rep.call('record.update', { entity: 'account', id: acc.id, values: { notes: '下周三拜访，带样品' } });
      await rep.call('sync.now', {});
      await expect(rep.call('record.get', { entity: 'account', id: acc.id })).rejects.toThrow(/NOT_FOUND/);
      const entries = (await rep.call('conflict.list', {})).entries;
      expect(entries).toEqual([expect.objectContaining({ kind: 'rejected', code: 'OUT_OF_SCOPE', mine: { notes: '下周三拜访，带样品' }, title: '嘉兴南湖纺织' })]);
    });

    it('a client one schema version older syncs with the current server and never receives fields it does not know', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep');
      await server.addUser('boss', 'sales_manager');
      const current = await client('wang');
      const acc = await current.call('record.create', { entity: 'account', values: { name: '绍兴柯桥布业' } });
      await current.call('sync.now', {});
      // ownedSince came with the current schema (the pool's fields); the server sets it on create.
      expect(entities.account.fields.ownedSince.since).toBe(CLIENT_SCHEMA_VERSION);
      const ownedSince = (await current.call('record.get', { entity: 'account', id: acc.id })).ownedSince;
      expect(ownedSince).toEqual(expect.any(Number));
      const older = await client('boss', CLIENT_SCHEMA_VERSION - 1);
      // The snapshot carried the record without it, and with the fields of the older schema.
      expect(await older.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ name: '绍兴柯桥布业', customerNo: 'C-000001', ownedSince: null });
      await older.call('record.update', { entity: 'account', id: acc.id, values: { level: 'A' } });
      await older.call('sync.now', {});
      await current.call('sync.now', {});
      expect(await current.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ level: 'A', ownedSince });
      // And its pulls leave the field out too.
      await current.call('record.update', { entity: 'account', id: acc.id, values: { city: '绍兴' } });
      await current.call('sync.now', {});
      await older.call('sync.now', {});
      expect(await older.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ city: '绍兴', ownedSince: null });
    });
  });
}
