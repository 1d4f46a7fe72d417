/**
 * Sync benchmark: a client core against a real sync server (SQLite store, its own process), through
 * the app's WsConnector (HTTP snapshots, WebSocket push / pull / pokes).
 *
 *  1. First sync of 100,000 accounts and 200,000 contacts, as a ratio to the in-run floor: the same
 *     rows inserted with plain better-sqlite3 into a migrated replica (same indexes), one
 *     transaction, one prepared statement per table. Targets: ≤ 2.0× the floor and ≤ 10 s.
 *     Measured twice per run (two devices of the same user).
 *  2. 1,000 single-field edits made offline, then one sync cycle (connect, push, acknowledge, pull).
 *     Target: < 1 s.
 *  3. Bytes on the wire of a one-field edit, push and answer together: WebSocket frames after
 *     permessage-deflate, read off the client's socket. Target: < 500.
 *  4. Edit on one live client to the 'changed' event on another (both `live`), median. Target: < 500 ms.
 * Also prints the replica's size and the core's RSS after the first sync.
 *
 * Environment: BENCH_ACCOUNTS (default 100,000; contacts are twice that), BENCH_EDITS (offline edits
 * per round, 1,000), BENCH_PUSH_ROUNDS (3), BENCH_LIVE_RUNS (50), BENCH_PARTS (first,push,live: `first`
 * skips 2–4); BENCH_SERVER_NODE_ARGS adds node options to the server process (e.g. --cpu-prof).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { CoreEvent, SyncStatus } from '../../src-shared/api/client-api.contract';
import { tableColumns } from '../../src-main/core/db/schema';
import { entities, type EntityName } from '../../src-shared/entities/index';
import { SNAPSHOT_PAGE } from '../../src-shared/sync/protocol.contract';
import { tempDir } from '../support/core-fixture';
import { openTestClient, type TestClient } from '../support/sync-fixture';
import { BENCH_PASSWORD, BENCH_USER, benchBatches, replicaValues } from './sync-data';
import { tapWebSockets, type Frame, type TappedSocket } from './ws-frames';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const EDITS = Number(process.env.BENCH_EDITS ?? 1000);
const PUSH_ROUNDS = Number(process.env.BENCH_PUSH_ROUNDS ?? 3);
const LIVE_RUNS = Number(process.env.BENCH_LIVE_RUNS ?? 50);
/** `first` measures only the first syncs and the floor (quicker runs while working on them). */
const PARTS = (process.env.BENCH_PARTS ?? 'first,push,live').split(',');

const TARGET_FIRST_RATIO = 2.0;
const TARGET_FIRST_MS = 10_000;
const TARGET_PUSH_MS = 1000;
const TARGET_EDIT_BYTES = 500;
const TARGET_LIVE_MS = 500;

const tapped = tapWebSockets();

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ServerInfo {
  url: string;
  userId: string;
  accounts: number;
  contacts: number;
  head: number;
  loadMs: number;
}

/** The server in its own process: loads the data straight into its tables, then listens. */
async function startBenchServer(dir: string): Promise<{ info: ServerInfo; child: ChildProcess }> {
  const script = fileURLToPath(new URL('./sync-server.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []), script, dir, String(ACCOUNTS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout! });
  const info = await new Promise<ServerInfo>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the benchmark server exited (${code}) before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as ServerInfo);
      else console.log(`[server] ${line}`);
    });
  });
  return { info, child };
}

function signedIn(client: TestClient, server: string) {
  return client.call('sync.login', { server, username: BENCH_USER, password: BENCH_PASSWORD });
}

interface FirstSync {
  ms: number;
  loginMs: number;
  pages: number;
  /** When the last record arrived in the replica (before the cycle's push / pull). */
  recordsMs: number | null;
  /** When search covered every record (the engine builds search entries after the snapshot). */
  searchMs: number;
}

/** Signs a fresh client in and times its first sync cycle (snapshot pages, then push and pull). */
async function firstSync(client: TestClient, server: string): Promise<FirstSync> {
  const t0 = performance.now();
  await signedIn(client, server);
  const loginMs = performance.now() - t0;
  // Signing in starts the app's engine, which would run the first sync from a timer: stopped, so
  // the cycle below is the only one (the live part starts the engines again).
  client.core.sync.stop();
  let pages = 0;
  let recordsMs: number | null = null;
  let started = 0;
  const off = client.core.onEvent((e: CoreEvent) => {
    if (e.type !== 'sync') return;
    const initial: SyncStatus['initial'] = e.status.initial;
    if (initial && initial.received > 0) {
      pages++;
      if (initial.total !== null && initial.received >= initial.total) recordsMs = performance.now() - started;
    }
  });
  started = performance.now();
  await client.core.sync.syncNow();
  const ms = performance.now() - started;
  off();
  await waitFor(() => !client.core.sync.status().searchIndex, 'the search index after the first sync', 600_000);
  const searchMs = performance.now() - started;
  const hits = await client.call('search.global', { q: '有限公司', limit: 5 });
  if (hits.hits.length === 0) throw new Error('search finds nothing after the first sync');
  return { ms, loginMs, pages, recordsMs, searchMs };
}

/** The floor: the same rows, plain better-sqlite3, one transaction, one prepared statement per table. */
function floor(userId: string): { ms: number; rows: number } {
  const client = openTestClient({ live: false });
  const sqlite = client.core.replica.sqlite;
  const plans = (['account', 'contact'] as EntityName[]).map((entity) => {
    const cols = Object.entries(tableColumns(entity));
    const stmt = sqlite.prepare(`INSERT INTO ${entities[entity].table} (${cols.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    return { entity, keys: cols.map(([k]) => k), stmt };
  });
  let ms = 0;
  let rows = 0;
  let t = performance.now();
  sqlite.exec('BEGIN');
  ms += performance.now() - t;
  for (const batch of benchBatches(ACCOUNTS, userId)) {
    // Values are converted outside the timed part: only the inserts are the floor.
    const prepared = plans.map((p) => ({ stmt: p.stmt, values: batch[p.entity as 'account' | 'contact'].map((r) => replicaValues(r, p.keys, userId)) }));
    t = performance.now();
    for (const p of prepared) for (const v of p.values) p.stmt.run(v);
    ms += performance.now() - t;
    rows += prepared.reduce((n, p) => n + p.values.length, 0);
  }
  t = performance.now();
  sqlite.exec('COMMIT');
  ms += performance.now() - t;
  client.close();
  return { ms, rows };
}

function socketOf(client: TestClient): TappedSocket | undefined {
  const token = client.core.sync.credentials()?.token;
  return [...tapped].reverse().find((s) => s.token === token);
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function main() {
  const root = tempDir('crm-syncbench-');
  const { info, child } = await startBenchServer(path.join(root, 'server'));
  const records = info.accounts + info.contacts;
  console.log(`server: ${info.accounts} accounts, ${info.contacts} contacts written into its tables in ${sec(info.loadMs)} (SQLite, own process, ${info.url})`);
  console.log(`snapshot page: ${SNAPSHOT_PAGE} records`);
  const dirA = path.join(root, 'a');
  const dirB = path.join(root, 'b');
  fs.mkdirSync(dirA);
  fs.mkdirSync(dirB);

  try {
    // 1. First sync, device A; RSS and file size after it; the floor; first sync again, device B.
    // The engines are the app's (`live`), but not started: each cycle runs when the benchmark says.
    const a = openTestClient({ dir: dirA, live: true });
    const first: FirstSync[] = [];
    first.push(await firstSync(a, info.url));
    const n = (await a.call('record.list', { entity: 'contact', limit: 1 })).total;
    if (n !== info.contacts) throw new Error(`first sync left ${n} contacts, expected ${info.contacts}`);
    globalThis.gc?.();
    const rss = process.memoryUsage().rss;
    a.core.replica.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const fileSize = fs.statSync(path.join(dirA, 'replica.db')).size;
    console.log(`first sync A: ${sec(first[0]!.ms)} (${first[0]!.pages} pages, sign-in ${first[0]!.loginMs.toFixed(0)} ms)`);

    const floors = [floor(info.userId)];
    console.log(`floor: ${sec(floors[0]!.ms)} for ${floors[0]!.rows} rows`);

    const b = openTestClient({ dir: dirB, live: true });
    first.push(await firstSync(b, info.url));
    console.log(`first sync B: ${sec(first[1]!.ms)}`);
    floors.push(floor(info.userId));
    console.log(`floor again: ${sec(floors[1]!.ms)}`);

    // 2. Offline edits on A (engine stopped, connection closed), then one cycle: connect, push, pull.
    const ids = (a.core.replica.sqlite.prepare('SELECT id FROM accounts ORDER BY name LIMIT ?').all(EDITS * PUSH_ROUNDS) as { id: string }[]).map((r) => r.id);
    const pushTimes: number[] = [];
    const editTimes: number[] = [];
    for (let round = 0; PARTS.includes('push') && round < PUSH_ROUNDS; round++) {
      a.core.sync.stop();
      const t0 = performance.now();
      for (let i = 0; i < EDITS; i++) {
        const id = ids[(round * EDITS + i) % ids.length]!;
        await a.call('record.update', { entity: 'account', id, values: { phone: `0571-8${String(round * EDITS + i).padStart(7, '0')}` } });
      }
      editTimes.push(performance.now() - t0);
      const pending = a.core.sync.status().pending;
      if (pending !== EDITS) throw new Error(`expected ${EDITS} pending edits, found ${pending}`);
      const t1 = performance.now();
      const cycleFrom = Date.now();
      await a.core.sync.syncNow();
      pushTimes.push(performance.now() - t1);
      // Where the cycle went, from the engine's own sync log (newest first).
      const steps = (await a.call('sync.log', { limit: 50 })).entries.filter((e) => e.at >= cycleFrom).reverse();
      console.log(`   cycle steps: ${steps.map((e) => `${e.kind} ${e.ms === null ? '' : `${e.ms} ms`}${e.bytes === null ? '' : ` ${e.bytes} B`}`).join('; ')}`);
      if (a.core.sync.status().pending !== 0) throw new Error('edits left in the outbox after the cycle');
      console.log(`offline edits, round ${round + 1}: ${EDITS} edits made in ${editTimes[round]!.toFixed(0)} ms, pushed and acknowledged in one cycle of ${pushTimes[round]!.toFixed(0)} ms`);
    }

    // 3 + 4. Both devices live; edits on A, each timed to B's 'changed' event; A's frames counted.
    const latencies: number[] = [];
    const editBytes: number[] = [];
    const cycleBytes: { a: number; b: number }[] = [];
    let frameSample: { who: string; frame: Frame }[] = [];
    if (PARTS.includes('live')) {
      await a.core.start();
      await b.core.start();
      await waitFor(() => a.core.sync.status().state === 'online' && b.core.sync.status().state === 'online', 'both clients online', 120_000);
      await sleep(500);
      const sockA = socketOf(a);
      const sockB = socketOf(b);
      if (!sockA || !sockB) throw new Error('the clients’ sockets were not seen');
      for (let i = 0; i < LIVE_RUNS + 3; i++) {
        const id = ids[i % ids.length]!;
        const fromA = sockA.frames.length;
        const fromB = sockB.frames.length;
        const seen = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`edit ${i} did not reach the other client in 10 s`)), 10_000);
          const off = b.core.onEvent((e) => {
            if (e.type === 'changed' && e.entity === 'account' && e.ids.includes(id)) {
              clearTimeout(timer);
              off();
              resolve(performance.now());
            }
          });
        });
        const t0 = performance.now();
        await a.call('record.update', { entity: 'account', id, values: { phone: `0755-2${String(i).padStart(7, '0')}` } });
        const latency = (await seen) - t0;
        // Let both sides finish (A pulls its own change after the server's poke).
        await sleep(150);
        if (i < 3) continue; // warm-up
        latencies.push(latency);
        const framesA = sockA.frames.slice(fromA);
        const push = framesA.find((f) => f.dir === 'out' && f.message?.type === 'push');
        const answer = framesA.find((f) => f.dir === 'in' && f.message?.type === 'pushResult' && f.message.id === push?.message?.id);
        if (!push || !answer) throw new Error(`edit ${i}: push or its answer not seen on the socket`);
        editBytes.push(push.bytes + answer.bytes);
        cycleBytes.push({ a: framesA.reduce((s, f) => s + f.bytes, 0), b: sockB.frames.slice(fromB).reduce((s, f) => s + f.bytes, 0) });
        if (i === 3) frameSample = [...framesA.map((frame) => ({ who: 'A', frame })), ...sockB.frames.slice(fromB).map((frame) => ({ who: 'B', frame }))];
      }
    }
    a.close();
    b.close();

    // Report.
    const bestFloor = Math.min(...floors.map((f) => f.ms));
    const bestFirst = Math.min(...first.map((f) => f.ms));
    console.log('\n--- results ---');
    console.log(`floor (plain better-sqlite3 insert of the same ${floors[0]!.rows} rows, same replica schema): ${floors.map((f) => sec(f.ms)).join(', ')}; best ${sec(bestFloor)}`);
    for (const [i, f] of first.entries()) {
      console.log(
        `first sync ${i === 0 ? 'A' : 'B'}: ${sec(f.ms)}  ${(f.ms / bestFloor).toFixed(2)}× floor  (records in: ${f.recordsMs === null ? '—' : sec(f.recordsMs)}; search covers all: ${sec(f.searchMs)} = ${(f.searchMs / bestFloor).toFixed(2)}× floor; sign-in ${f.loginMs.toFixed(0)} ms, not included)`,
      );
    }
    const ratio = bestFirst / bestFloor;
    console.log(`1. first sync, best of ${first.length}: ${sec(bestFirst)} = ${ratio.toFixed(2)}× floor  targets ≤ ${TARGET_FIRST_RATIO.toFixed(1)}× ${verdict(ratio <= TARGET_FIRST_RATIO)}, ≤ ${sec(TARGET_FIRST_MS)} ${verdict(bestFirst <= TARGET_FIRST_MS)}`);
    console.log(`   replica after it: ${mb(fileSize)} (${(fileSize / records).toFixed(0)} bytes/record, search index included); core RSS after first sync: ${mb(rss)}`);
    if (!PARTS.includes('push') || !PARTS.includes('live')) return;
    console.log(
      `2. ${EDITS} offline edits, one cycle: median ${pushTimes.length ? median(pushTimes).toFixed(0) : '—'} ms (runs ${pushTimes.map((t) => t.toFixed(0)).join(', ')} ms)  target < ${TARGET_PUSH_MS} ms ${verdict(median(pushTimes) < TARGET_PUSH_MS)}` +
        `  [making the edits: ${editTimes.map((t) => t.toFixed(0)).join(', ')} ms]`,
    );
    console.log(
      `3. one-field edit, push + answer frames: median ${median(editBytes)} bytes (min ${Math.min(...editBytes)}, max ${Math.max(...editBytes)})  target < ${TARGET_EDIT_BYTES} ${verdict(median(editBytes) < TARGET_EDIT_BYTES)}` +
        `  [all frames per edit incl. pokes and pulls: A ${median(cycleBytes.map((c) => c.a))}, B ${median(cycleBytes.map((c) => c.b))} bytes]`,
    );
    console.log(`4. edit on A → 'changed' on B: median ${median(latencies).toFixed(1)} ms (p90 ${pct(latencies, 0.9).toFixed(1)}, max ${Math.max(...latencies).toFixed(1)}; ${latencies.length} edits)  target < ${TARGET_LIVE_MS} ms ${verdict(median(latencies) < TARGET_LIVE_MS)}`);
    console.log('   frames of one edit (A then B):');
    for (const { who, frame: f } of frameSample) console.log(`     ${who} ${f.dir === 'out' ? 'sends   ' : 'receives'} ${String(f.bytes).padStart(5)} B ${f.compressed ? 'deflated' : 'plain   '} ${f.message?.type ?? '(control)'}`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
