import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readMeta } from '../../src-main/core/db/replica';
import { sessionFor } from '../../src-server/sync/sync.service';
import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { DEFAULT_STAGES } from '../../src-server/sales/default-stages';
import { tempDir } from '../support/core-fixture';
import { openTestClient, startTestServer, type TestClient, type TestServer } from '../support/sync-fixture';

/**
 * The first sync stores records without search entries and builds them afterwards: at once
 * without `live` (CLI), in chunks after the cycle in the app's engine, resumed when cut short.
 */
describe('search entries after a first sync', () => {
  const ACCOUNTS = 1500;
  // What the first sync brings: the accounts and the server's built-in pipeline stages.
  const RECORDS = ACCOUNTS + DEFAULT_STAGES.length;
  let server: TestServer;
  const clients: TestClient[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    await server?.close();
  });

  async function seeded(): Promise<void> {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep');
    const user = (await server.server.users.byUsername('wang'))!;
    const { deviceId } = await server.server.users.registerDevice(user.id, 'seed');
    for (let i = 0; i < ACCOUNTS; i += 500) {
      const mutations: Mutation[] = [];
      for (let k = i; k < Math.min(ACCOUNTS, i + 500); k++) {
        mutations.push({ seq: k + 1, entity: 'account', recordId: `acc-${String(k).padStart(5, '0')}`, op: 'create', changes: { name: `杭州第${k}号贸易公司`, phone: `0571-8${String(k).padStart(7, '0')}` }, base: {} });
      }
      await server.server.sync.push(sessionFor(user, deviceId), mutations);
    }
  }

  function indexState(c: TestClient) {
    const sqlite = c.core.replica.sqlite;
    return {
      docs: (sqlite.prepare('SELECT count(*) AS n FROM search_doc').get() as { n: number }).n,
      owed: readMeta(sqlite, 'sync.searchPending'),
      automerge: (sqlite.prepare("SELECT v FROM search_fts_config WHERE k = 'automerge'").get() as { v: number } | undefined)?.v ?? null,
    };
  }

  async function found(c: TestClient, k: number): Promise<boolean> {
    const { hits } = await c.call('search.global', { q: `0571-8${String(k).padStart(7, '0')}`.slice(-6), limit: 5 });
    return hits.some((h) => h.id === `acc-${String(k).padStart(5, '0')}`);
  }

  it('without live (CLI), the cycle ends with every record searchable', async () => {
    await seeded();
    const c = openTestClient();
    clients.push(c);
    await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    await c.core.sync.syncNow();
    expect(indexState(c)).toEqual({ docs: RECORDS, owed: null, automerge: 4 });
    expect(c.core.sync.status().searchIndex ?? null).toBeNull();
    expect(await found(c, 0)).toBe(true);
    expect(await found(c, ACCOUNTS - 1)).toBe(true);
  });

  it('the app’s engine ends the first sync before search is built, says how far it is, then finishes', async () => {
    await seeded();
    const c = openTestClient({ live: true });
    clients.push(c);
    await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    c.core.sync.stop();
    const progress: { indexed: number; total: number }[] = [];
    c.core.onEvent((e) => {
      if (e.type === 'sync' && e.status.searchIndex) progress.push(e.status.searchIndex);
    });
    await c.core.sync.syncNow();
    expect((await c.call('record.list', { entity: 'account', limit: 1 })).total).toBe(ACCOUNTS);
    // One chunk is made as the cycle ends, the rest after it.
    expect(c.core.sync.status().searchIndex).toEqual({ indexed: 1000, total: RECORDS });
    expect(indexState(c).owed).toBe('1');
    while (c.core.sync.status().searchIndex) await new Promise((r) => setTimeout(r, 5));
    expect(progress[0]).toEqual({ indexed: 0, total: RECORDS });
    expect(indexState(c)).toEqual({ docs: RECORDS, owed: null, automerge: 4 });
    expect(await found(c, ACCOUNTS - 1)).toBe(true);
    expect((await c.call('sync.log', {})).entries.map((e) => e.detail)).toContain(`search index: ${RECORDS} records`);
  });

  it('a build cut short by closing the core goes on at the next cycle', async () => {
    await seeded();
    const dir = tempDir('crm-cli-');
    dirs.push(dir);
    const first = openTestClient({ dir, live: true });
    await first.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    first.core.sync.stop();
    await first.core.sync.syncNow();
    first.close();
    const again = openTestClient({ dir });
    clients.push(again);
    expect(indexState(again)).toEqual({ docs: 1000, owed: '1', automerge: 0 });
    expect(await found(again, ACCOUNTS - 1)).toBe(false);
    await again.core.sync.syncNow();
    expect(indexState(again)).toEqual({ docs: RECORDS, owed: null, automerge: 4 });
    expect(await found(again, ACCOUNTS - 1)).toBe(true);
  });

  it('leaves planner statistics that describe the built index, not the empty one', async () => {
    await seeded();
    const c = openTestClient({ live: true });
    clients.push(c);
    await c.call('sync.login', { server: server.url, username: 'wang', password: 'password-1' });
    c.core.sync.stop();
    await c.core.sync.syncNow();
    while (c.core.sync.status().searchIndex) await new Promise((r) => setTimeout(r, 5));
    const sqlite = c.core.replica.sqlite;
    const rows = (sqlite.prepare('SELECT count(*) AS n FROM search_fts_data').get() as { n: number }).n;
    const stat = (table: string) => (sqlite.prepare('SELECT stat FROM sqlite_stat1 WHERE tbl = ?').get(table) as { stat: string } | undefined)?.stat;
    // Taken on an empty index, these said 2 rows, and FTS5's deletes of merged segments
    // (by rowid range) became scans of the whole table.
    expect(stat('search_fts_data')).toBe(String(rows));
    expect(stat('search_doc')?.split(' ')[0]).toBe(String(RECORDS));
    const plan = sqlite.prepare('EXPLAIN QUERY PLAN SELECT id FROM search_fts_data WHERE id >= ? AND id <= ?').all(1, 2) as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/^SEARCH search_fts_data USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)$/);
  });
});
