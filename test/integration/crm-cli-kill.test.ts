import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { openReplicaFile } from '../support/replica-file';
import { keyFileOrNew } from '../../src-main/core/db/replica-key';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreService } from '../../src-main/core/core.service';
import { uuidv7 } from 'uuidv7';
import { sessionFor, type SyncService } from '../../src-server/sync/sync.service';
import { entities, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { MAX_PUSH_MUTATIONS, type Mutation } from '../../src-shared/sync/protocol.contract';
import { tempDir } from '../support/core-fixture';
import { openTestClient, postgresAvailable, startTestServer, type StoreKind, type TestClient, type TestServer } from '../support/sync-fixture';
import { DEFAULT_STAGES } from '../../src-server/sales/default-stages';

/**
 * "A client process killed with SIGKILL during a push and during a pull loses nothing and applies
 * nothing twice after restart", with real processes: `crm sync` runs as a child and is killed
 * from inside the server at a chosen request (the server has committed a push batch the client
 * never hears about; the client has applied one pull page and asks for the next). Then `crm sync`
 * runs again to the end and the replica and the server are compared record by record.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'src-main/cli/crm.ts');

/** A mix of every kind of change: creates of parents and children, updates, deletes. */
interface Work {
  accounts: number;
  contacts: number;
  updates: number;
  deletes: number;
}
const total = (w: Work) => w.accounts + w.contacts + w.updates + w.deletes;

/**
 * The offline work of the push test: three push batches (500, 500, 100), the second mixing
 * creates of both entities with updates. Kept this small because the client spends several
 * milliseconds storing each answered outbox entry.
 */
const OFFLINE: Work = { accounts: 600, contacts: 300, updates: 150, deletes: 50 };
/** The other user's work in the pull test: three pull pages (1000, 1000, 300 changes). */
const PULL_PAGE = 1000;
const ELSEWHERE: Work = { accounts: 1700, contacts: 400, updates: 150, deletes: 50 };

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `node --import tsx crm.ts`: the CLI in ONE process. The tsx command line runs the script in a
 * child node process and only relays signals to it, so a SIGKILL sent to it would leave the real
 * client running on.
 */
function startCrm(args: string[]): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited };
}

async function crm(...args: string[]): Promise<string> {
  const r = await startCrm(args).exited;
  if (r.code !== 0) throw new Error(`crm ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

const LEVELS = ['A', 'B', 'C', ''];
const INDUSTRIES = ['it', 'finance', 'retail', 'energy'];
const accountValues = (tag: string, i: number) => ({
  name: `${tag}客户${i}`,
  phone: `0571-8${String(i).padStart(7, '0')}`,
  level: LEVELS[i % LEVELS.length] ?? '',
  industry: INDUSTRIES[i % INDUSTRIES.length] ?? '',
  tags: i % 7 === 0 ? '重点, 华东' : '',
  city: i % 2 === 0 ? '杭州' : '宁波',
});
const contactValues = (accountId: string, i: number) => ({ accountId, name: `联系人${i}`, mobile: `138${String(i).padStart(8, '0')}`, isPrimary: i % 2 === 0 ? 'true' : 'false' });
const updateValues = (i: number) => ({ phone: `0571-9${String(i).padStart(7, '0')}`, level: 'A' });

/** Offline work through the core's repository, in one transaction (the same rows and outbox as one by one, faster). */
function makeChanges(core: CoreService, work: Work): void {
  core.replica.sqlite.transaction(() => {
    const accounts = Array.from({ length: work.accounts }, (_, i) => core.records.create('account', accountValues('P', i)).id);
    const contacts = Array.from({ length: work.contacts }, (_, i) => core.records.create('contact', contactValues(accounts[i] as string, i)).id);
    for (let i = 0; i < work.updates; i++) core.records.update('account', accounts[i] as string, updateValues(i));
    for (let i = 0; i < work.deletes; i++) core.records.delete('contact', contacts[i] as string);
  })();
}

/**
 * Another user's work, pushed straight into the server's sync service as their device would (the
 * pull test is about the victim; a second client core would only spend time answering its own outbox).
 */
async function pushElsewhere(server: TestServer, username: string, work: Work): Promise<void> {
  const { user, deviceId } = await server.server.users.login(username, 'password-1', 'seeder');
  const session = sessionFor(user, deviceId);
  const mutations: Mutation[] = [];
  const versions = new Map<string, number>();
  // One device's sequence: the server keeps one answer per (device, seq).
  let seq = 0;
  const add = (m: Omit<Mutation, 'seq' | 'base'> & { base?: Mutation['base'] }) => mutations.push({ base: {}, ...m, seq: ++seq });
  const accounts = Array.from({ length: work.accounts }, () => uuidv7());
  const contacts = Array.from({ length: work.contacts }, () => uuidv7());
  accounts.forEach((id, i) => add({ entity: 'account', recordId: id, op: 'create', changes: { ...accountValues('Q', i), tags: i % 7 === 0 ? ['重点', '华东'] : [] } }));
  contacts.forEach((id, i) => add({ entity: 'contact', recordId: id, op: 'create', changes: { ...contactValues(accounts[i] as string, i), isPrimary: i % 2 === 0 } }));
  const send = async (batch: Mutation[]) => {
    for (let i = 0; i < batch.length; i += MAX_PUSH_MUTATIONS) {
      const part = batch.slice(i, i + MAX_PUSH_MUTATIONS);
      const { results } = await server.server.sync.push(session, part);
      results.forEach((r, k) => {
        expect(r.status).toBe('applied');
        if (r.status === 'applied') versions.set(part[k]?.recordId ?? '', r.version);
      });
    }
  };
  // Creates first: the updates and deletes name the versions the server gave them.
  await send(mutations.splice(0));
  for (let i = 0; i < work.updates; i++) {
    const id = accounts[i] as string;
    add({ entity: 'account', recordId: id, op: 'update', changes: updateValues(i), base: { phone: accountValues('Q', i).phone, level: accountValues('Q', i).level || null }, baseVersion: versions.get(id) ?? 0 });
  }
  for (let i = 0; i < work.deletes; i++) add({ entity: 'contact', recordId: contacts[i] as string, op: 'delete', changes: {}, baseVersion: versions.get(contacts[i] as string) ?? 0 });
  await send(mutations);
}

/** A profile signed in as `username`, opened in this process (not live: it syncs only when told). */
async function signedIn(dir: string, server: TestServer, username: string): Promise<TestClient> {
  const client = openTestClient({ dir, replicaKey: keyFileOrNew(path.join(dir, 'replica.key')) });
  await client.call('sync.login', { server: server.url, username, password: 'password-1' });
  return client;
}

/** Opens a replica file read-only, for looking at what a killed process left behind. */
function peek<T>(profile: string, fn: (db: Database.Database) => T): T {
  const db = openReplicaFile(profile, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const n = (v: unknown) => Number(v);

async function serverCount(server: TestServer, sql: string, params: (string | number)[] = []): Promise<number> {
  const row = await server.server.store.get<{ n: unknown }>(sql, params);
  return n(row?.n);
}

/** Field values as comparable JSON (tags are arrays on both sides, booleans on both sides). */
function normal(entity: EntityName, field: string, value: unknown): unknown {
  const def = (entities[entity].fields as Record<string, FieldDef>)[field];
  if (def?.kind === 'bool') return Boolean(value);
  if (def?.kind === 'tags') return Array.isArray(value) ? value : [];
  return value ?? null;
}

type State = Record<string, { live: boolean; fields: Record<string, unknown> }>;

/** Every record the server holds, as entity:id → liveness and fields. */
async function serverState(server: TestServer): Promise<State> {
  const rows = await server.server.store.all<{ entity: EntityName; id: string; fields: string; deleted_at: unknown }>('SELECT entity, id, fields, deleted_at FROM records');
  const out: State = {};
  for (const r of rows) {
    const fields = JSON.parse(r.fields) as Record<string, unknown>;
    out[`${r.entity}:${r.id}`] = { live: r.deleted_at === null, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, normal(r.entity, k, v)])) };
  }
  return out;
}

/** The same view of a replica, for the fields the server holds. */
function replicaState(core: CoreService, like: State): State {
  const out: State = {};
  for (const entity of Object.keys(entities) as EntityName[]) {
    const rows = core.replica.sqlite.prepare(`SELECT id FROM ${entities[entity].table}`).all() as { id: string }[];
    for (const { id } of rows) {
      const record = core.records.find(entity, id);
      if (!record) continue;
      const names = Object.keys(like[`${entity}:${id}`]?.fields ?? {});
      out[`${entity}:${id}`] = { live: record.deletedAt === null, fields: Object.fromEntries(names.map((k) => [k, normal(entity, k, record[k])])) };
    }
  }
  return out;
}

type Wrapped<K extends 'push' | 'pull'> = SyncService[K];

const stores: StoreKind[] = ['sqlite'];
if (await postgresAvailable()) stores.push('pg');
/**
 * The push is where the store matters (each answer is stored under (device, seq) in the change's
 * transaction), so it runs on both. The pull is read-only on the server and its resumption lives
 * in the replica; on PostgreSQL it would mostly time the seeding, so it runs on SQLite only.
 */
const pullStores: StoreKind[] = ['sqlite'];

for (const kind of stores) {
  describe(`crm sync killed with SIGKILL (${kind})`, { timeout: 120_000 }, () => {
    let server: TestServer | undefined;
    const dirs: string[] = [];
    const profile = () => {
      const dir = tempDir('crm-kill-');
      dirs.push(dir);
      return dir;
    };
    afterEach(async () => {
      await server?.close();
      server = undefined;
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('during a push: nothing is lost and nothing is applied twice after a restart', async () => {
      server = await startTestServer(kind);
      await server.addUser('wang', 'sales_rep', '王芳');
      const dir = profile();
      // Setting the profile up in this process saves two CLI starts; crm-cli.test.ts signs in through the CLI.
      const local = await signedIn(dir, server, 'wang');
      makeChanges(local.core, OFFLINE);
      expect(local.core.records.outbox.pendingCount()).toBe(total(OFFLINE));
      local.close();

      // Kill the client once the server has committed its second batch, before the answer leaves:
      // the client has stored the answers to the first batch and never hears about the second.
      const sync = server.server.sync;
      const push: Wrapped<'push'> = sync.push.bind(sync);
      let victim: ReturnType<typeof startCrm> | null = null;
      let batches = 0;
      sync.push = async (session, mutations) => {
        const answer = await push(session, mutations);
        if (++batches === 2 && victim) {
          victim.child.kill('SIGKILL');
          await victim.exited;
        }
        return answer;
      };
      victim = startCrm(['--profile', dir, 'sync']);
      const killed = await victim.exited;
      sync.push = push;
      expect(killed.signal).toBe('SIGKILL');
      expect(batches).toBe(2);

      // The kill landed mid-push: some but not all entries answered locally; the server is one batch ahead.
      const left = peek(dir, (db) => n((db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n));
      expect(left).toBe(total(OFFLINE) - MAX_PUSH_MUTATIONS);
      expect(await serverCount(server, 'SELECT count(*) AS n FROM mutation_results')).toBe(2 * MAX_PUSH_MUTATIONS);
      expect(await serverCount(server, "SELECT count(*) AS n FROM changes WHERE entity <> 'stage'")).toBe(2 * MAX_PUSH_MUTATIONS);

      expect(await crm('--profile', dir, 'sync')).toMatch(new RegExp(`: ${left} changes sent, 0 waiting$`, 'm'));

      // Each mutation answered once, each change made once, each record once.
      expect(await serverCount(server, 'SELECT count(*) AS n FROM mutation_results')).toBe(total(OFFLINE));
      const results = await server.server.store.all<{ result: string }>('SELECT result FROM mutation_results');
      expect(results.filter((r) => (JSON.parse(r.result) as { status: string }).status !== 'applied')).toEqual([]);
      const kinds = await server.server.store.all<{ kind: string; n: unknown }>("SELECT kind, count(*) AS n FROM changes WHERE entity <> 'stage' GROUP BY kind ORDER BY kind");
      expect(kinds.map((k) => [k.kind, n(k.n)])).toEqual([
        ['create', OFFLINE.accounts + OFFLINE.contacts],
        ['delete', OFFLINE.deletes],
        ['update', OFFLINE.updates],
      ]);
      const perEntity = await server.server.store.all<{ entity: string; n: unknown; live: unknown }>(
        "SELECT entity, count(*) AS n, sum(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END) AS live FROM records WHERE entity <> 'stage' GROUP BY entity ORDER BY entity",
      );
      expect(perEntity.map((e) => [e.entity, n(e.n), n(e.live)])).toEqual([
        ['account', OFFLINE.accounts, OFFLINE.accounts],
        ['contact', OFFLINE.contacts, OFFLINE.contacts - OFFLINE.deletes],
      ]);

      const after = openTestClient({ dir, replicaKey: keyFileOrNew(path.join(dir, 'replica.key')) });
      try {
        expect(after.core.records.outbox.pendingCount()).toBe(0);
        expect((await after.call('conflict.list', { includeResolved: true })).entries).toEqual([]);
        const expected = await serverState(server);
        const actual = replicaState(after.core, expected);
        expect(Object.keys(actual).length).toBe(OFFLINE.accounts + OFFLINE.contacts + DEFAULT_STAGES.length);
        expect(actual).toEqual(expected);
        // Server numbers arrived for every account, including those of the batch answered twice.
        const numbers = after.core.replica.sqlite.prepare("SELECT count(DISTINCT customer_no) AS n FROM accounts WHERE customer_no LIKE 'C-0%'").get() as { n: number };
        expect(numbers.n).toBe(OFFLINE.accounts);
      } finally {
        after.close();
      }
    });

    if (pullStores.includes(kind)) {
      it('during a pull: the replica ends equal to the server, no page applied twice', async () => {
        server = await startTestServer(kind);
        await server.addUser('wang', 'sales_rep', '王芳');
        await server.addUser('boss', 'sales_manager', '李总');
        const dir = profile();
        const setup = await signedIn(dir, server, 'boss');
        await setup.core.sync.syncNow();
        // A fresh server holds its built-in pipeline stages only.
        expect(setup.core.sync.cursor()).toBe(DEFAULT_STAGES.length);
        setup.close();

        // Another user's thousands of changes reach the server.
        await pushElsewhere(server, 'wang', ELSEWHERE);
        const head = await server.server.sync.head();
        expect(head).toBe(total(ELSEWHERE) + DEFAULT_STAGES.length);

        // Kill the victim when it asks for its second page: the first is applied with its cursor.
        const sync = server.server.sync;
        const pull: Wrapped<'pull'> = sync.pull.bind(sync);
        const pages: number[] = [];
        let victim: ReturnType<typeof startCrm> | null = null;
        sync.pull = async (session, cursor, limit) => {
          const page = await pull(session, cursor, limit);
          if (session.user.username === 'boss') {
            pages.push(page.cursor);
            if (pages.length === 2 && victim) {
              victim.child.kill('SIGKILL');
              await victim.exited;
            }
          }
          return page;
        };
        victim = startCrm(['--profile', dir, 'sync']);
        const killed = await victim.exited;
        sync.pull = pull;
        expect(killed.signal).toBe('SIGKILL');
        expect(pages).toEqual([DEFAULT_STAGES.length + PULL_PAGE, DEFAULT_STAGES.length + 2 * PULL_PAGE]);

        // Mid-pull: the cursor moved past the first page and no further, and exactly its records arrived.
        const [cursor, accounts] = peek(dir, (db) => [
          n((db.prepare("SELECT value FROM replica_meta WHERE key = 'sync.cursor'").get() as { value: string }).value),
          n((db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n),
        ]);
        expect(cursor).toBe(DEFAULT_STAGES.length + PULL_PAGE);
        expect(cursor).toBeLessThan(head);
        expect(accounts).toBe(PULL_PAGE);

        await crm('--profile', dir, 'sync');

        // The victim sent nothing: the server's log is as the other user left it.
        expect(await server.server.sync.head()).toBe(head);
        expect(await serverCount(server, "SELECT count(*) AS n FROM changes WHERE entity <> 'stage'")).toBe(total(ELSEWHERE));
        expect(await serverCount(server, "SELECT count(*) AS n FROM mutation_results WHERE device_id IN (SELECT d.id FROM devices d JOIN users u ON u.id = d.user_id WHERE u.username = 'boss')")).toBe(0);

        const after = openTestClient({ dir, replicaKey: keyFileOrNew(path.join(dir, 'replica.key')) });
        try {
          expect(after.core.sync.cursor()).toBe(head);
          expect(after.core.records.outbox.pendingCount()).toBe(0);
          expect((await after.call('conflict.list', { includeResolved: true })).entries).toEqual([]);
          // The manager sees everything live; records created and deleted while away never arrive.
          const all = await serverState(server);
          const expected = Object.fromEntries(Object.entries(all).filter(([, r]) => r.live));
          const actual = replicaState(after.core, expected);
          expect(Object.keys(actual).length).toBe(ELSEWHERE.accounts + ELSEWHERE.contacts - ELSEWHERE.deletes + DEFAULT_STAGES.length);
          expect(actual).toEqual(expected);
        } finally {
          after.close();
        }
      });
    }
  });
}
