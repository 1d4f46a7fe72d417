import { afterEach, describe, expect, it } from 'vitest';
import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { sessionFor } from '../../src-server/sync/sync.service';
import { WsConnector } from '../../src-main/core/sync/ws-connector';
import { DirectConnector, DirectServer, type Fault } from '../support/direct-connector';
import { nextEvent, openTestClient, startTestServer, type TestClient, type TestServer } from '../support/sync-fixture';
import { readMeta } from '../../src-main/core/db/replica';

function tableIndexes(c: TestClient): string[] {
  return (c.core.replica.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('accounts', 'contacts') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}


describe('sync properties (ARCHITECTURE.md)', () => {
  let server: TestServer | null = null;
  let direct: DirectServer | null = null;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await server?.close();
    await direct?.close();
    server = null;
    direct = null;
  });

  it('9 live: an edit on one online client reaches another online client through a poke', async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep');
    await server.addUser('boss', 'sales_manager');
    const a = openTestClient({ live: true });
    const b = openTestClient({ live: true });
    clients.push(a, b);
    await a.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    await b.call('sync.login', { server: server.url, username: 'boss', password: 'password-1' });
    await a.core.sync.syncNow();
    await b.core.sync.syncNow();
    expect(a.core.sync.status().state).toBe('online');
    const arrived = nextEvent(b, (e) => e.type === 'changed' && e.entity === 'account');
    const started = performance.now();
    const acc = await a.call('record.create', { entity: 'account', values: { name: '舟山海洋渔业' } });
    const event = await arrived;
    const ms = performance.now() - started;
    expect(event).toMatchObject({ type: 'changed', entity: 'account', ids: [acc.id] });
    expect(await b.call('record.get', { entity: 'account', id: acc.id })).toMatchObject({ name: '舟山海洋渔业' });
    console.log(`live edit reached the other client in ${ms.toFixed(0)} ms`);
  });

  it('8 low bandwidth: a one-field edit pushes and pulls only that field, in a few hundred bytes', async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep');
    await server.addUser('boss', 'sales_manager');
    const connector = new WsConnector();
    const a = openTestClient({ connector });
    const b = openTestClient();
    clients.push(a, b);
    await a.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    await b.call('sync.login', { server: server.url, username: 'boss', password: 'password-1' });
    const acc = await a.call('record.create', { entity: 'account', values: { name: '金华义乌小商品', phone: '0579-85550000' } });
    await a.call('sync.now', {});
    await b.call('sync.now', {});
    await a.call('record.update', { entity: 'account', id: acc.id, values: { phone: '0579-85551234' } });
    const [entry] = a.core.records.outbox.all();
    expect(Object.keys(entry!.changes)).toEqual(['phone']);
    await a.call('sync.now', {});
    const push = a.core.syncLog.list(50).filter((l) => l.kind === 'push').at(-1)!;
    expect(push.bytes).toBeGreaterThan(0);
    expect(push.bytes).toBeLessThan(500);
    const before = b.core.sync.cursor();
    const page = await server.server.sync.pull((await import('../../src-server/sync/sync.service')).sessionFor((await server.server.users.byUsername('boss'))!, 'x'), before, 100);
    expect(page.changes).toHaveLength(1);
    expect(Object.keys(page.changes[0]!.fields ?? {}).sort()).toEqual(['phone', 'updatedAt', 'updatedBy']);
  });

  it('7 large first sync: an interrupted snapshot continues from the page where it stopped', async () => {
    direct = await DirectServer.open('sqlite');
    const admin = await direct.addUser('admin', 'admin');
    const adminUser = (await direct.users.byId(admin))!;
    const { deviceId } = await direct.users.registerDevice(admin, 'seed');
    const mutations: Mutation[] = [];
    for (let i = 0; i < 450; i++) mutations.push({ seq: i + 1, entity: 'account', recordId: `acc-${String(i).padStart(4, '0')}`, op: 'create', changes: { name: `客户${i}` }, base: {} });
    await direct.sync.push(sessionFor(adminUser, deviceId), mutations);
    await direct.addUser('boss', 'sales_manager');
    // The fourth snapshot request fails; every other request goes through.
    let snapshots = 0;
    const afters: string[] = [];
    const connector = new DirectConnector(direct, (): Fault => 'none');
    const original = connector.connect.bind(connector);
    connector.connect = async (...args) => {
      const conn = await original(...args);
      const snapshot = conn.snapshot.bind(conn);
      conn.snapshot = async (entity, after, limit) => {
        afters.push(`${entity}:${after}`);
        // While pages are stored the tables' secondary indexes are deferred (built after the last).
        if (snapshots === 2) duringSnapshot = tableIndexes(c);
        if (++snapshots === 4) throw new (await import('../../src-main/core/sync/sync-connection')).SyncFailure('NETWORK', 'simulated: cut mid-snapshot');
        return snapshot(entity, after, limit);
      };
      return conn;
    };
    let duringSnapshot: string[] = [];
    const c = openTestClient({ connector, snapshotPage: 100 });
    clients.push(c);
    const migrated = tableIndexes(c);
    expect(migrated).toContain('accounts_name_idx');
    await c.call('sync.login', { server: 'direct', username: 'boss', password: 'x' });
    await expect(c.core.sync.syncNow()).rejects.toThrow(/cut mid-snapshot/);
    expect(duringSnapshot.filter((name) => !name.startsWith('sqlite_autoindex'))).toEqual([]);
    // Cut short, the replica gets its indexes back at once (it keeps working offline).
    expect(tableIndexes(c)).toEqual(migrated);
    expect(readMeta(c.core.replica.sqlite, 'replica.deferredIndexes')).toBeNull();
    expect(c.core.replica.sqlite.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 300 });
    expect(c.core.sync.status().initial).toMatchObject({ received: 300, total: 450 });
    await c.core.sync.syncNow();
    expect(c.core.replica.sqlite.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 450 });
    // Pages 1-3 were not asked for again: the retry started at the fourth page.
    expect(afters.filter((a) => a === 'account:')).toHaveLength(1);
    expect(afters[4]).toBe(afters[3]);
    expect(c.core.sync.cursor()).toBe(await direct.sync.head());
    expect(tableIndexes(c)).toEqual(migrated);
    // And the planner has statistics for them (sampled ANALYZE after the bulk load).
    expect(c.core.replica.sqlite.prepare("SELECT count(*) AS n FROM sqlite_stat1 WHERE tbl = 'accounts'").get()).not.toEqual({ n: 0 });
  });

  it('3 server order: clients whose clocks are days apart still converge, and the order is the server order', async () => {
    direct = await DirectServer.open('sqlite');
    await direct.addUser('rep', 'sales_rep');
    await direct.addUser('boss', 'sales_manager');
    const day = 86_400_000;
    // The rep's clock runs three days fast, the manager's two days slow.
    const rep = openTestClient({ connector: new DirectConnector(direct), now: () => Date.now() + 3 * day });
    const boss = openTestClient({ connector: new DirectConnector(direct), now: () => Date.now() - 2 * day });
    clients.push(rep, boss);
    await rep.call('sync.login', { server: 'direct', username: 'rep', password: 'x' });
    await boss.call('sync.login', { server: 'direct', username: 'boss', password: 'x' });
    const acc = await rep.call('record.create', { entity: 'account', values: { name: '湖州安吉白茶' } });
    await rep.call('sync.now', {});
    await boss.call('sync.now', {});
    // Both edit the level offline; the slow clock's edit reaches the server first and wins,
    // whatever the timestamps say.
    await rep.call('record.update', { entity: 'account', id: acc.id, values: { level: 'A' } });
    await boss.call('record.update', { entity: 'account', id: acc.id, values: { level: 'C' } });
    await boss.call('sync.now', {});
    await rep.call('sync.now', {});
    await boss.call('sync.now', {});
    expect((await rep.call('record.get', { entity: 'account', id: acc.id })).level).toBe('C');
    expect((await boss.call('record.get', { entity: 'account', id: acc.id })).level).toBe('C');
    expect((await rep.call('conflict.list', {})).entries[0]).toMatchObject({ field: 'level', mine: { level: 'A' }, theirs: { level: 'C' } });
  });

  it('a revoked device is refused, wipes its replica and says why; signing in again works', async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep');
    const c = openTestClient({ live: true });
    clients.push(c);
    await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    await c.call('record.create', { entity: 'account', values: { name: '衢州柯城化工' } });
    await c.call('sync.now', {});
    const [device] = await server.server.users.devices();
    expect(await server.server.users.revokeDevice(device!.id)).toBe(true);
    const reset = nextEvent(c, (e) => e.type === 'reset');
    await c.call('record.create', { entity: 'account', values: { name: '衢州江山木业' } });
    await reset;
    const status = await c.call('sync.status', {});
    expect(status).toMatchObject({ state: 'signedOut', lastErrorKey: 'sync.error.deviceRevoked', pending: 0 });
    expect(c.core.replica.sqlite.prepare('SELECT count(*) AS n FROM accounts').get()).toEqual({ n: 0 });
    expect((await c.call('app.info', {})).session).toBeNull();
    await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    await c.call('sync.now', {});
    expect((await c.call('record.list', { entity: 'account' })).rows.map((r) => r.name)).toEqual(['衢州柯城化工']);
  });

  it('11 inspectable: a failed sync shows its reason and the next retry, and the log records it', async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep');
    const c = openTestClient({ live: true });
    clients.push(c);
    await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    await c.call('sync.now', {});
    await server.close();
    server = null;
    await c.call('record.create', { entity: 'account', values: { name: '丽水青田石雕' } });
    const status = await c.call('sync.now', {});
    expect(status).toMatchObject({ state: 'offline', pending: 1, lastErrorKey: 'sync.error.offline' });
    expect(status.lastError).toMatch(/cannot reach|ECONNREFUSED|connection closed/);
    expect(status.retryAt).toBeGreaterThan(Date.now());
    expect(status.lastSyncAt).not.toBeNull();
    const log = (await c.call('sync.log', {})).entries;
    expect(log.map((l) => l.kind)).toEqual(expect.arrayContaining(['login', 'connect', 'error']));
    expect(log.at(-1)).toMatchObject({ kind: 'error', ok: false });
  });
});
