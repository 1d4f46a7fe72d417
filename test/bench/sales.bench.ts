/**
 * Sales benchmark (issue: sales): a replica holding about 100,000 opportunities and 500,000
 * activities (and their 100,000 accounts). Measures, through the core's API as medians: the
 * pipeline kanban's load (all deals; one close month), the funnel, an activity timeline page (an
 * account's and a deal's newest 30, what the timeline component asks for), and "my tasks"; the
 * kanban and my tasks also through the worker thread, which is what the window waits for. The
 * in-run baseline is a timeline page read with one plain better-sqlite3 statement.
 * Target: each median ≤ 100 ms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CoreService } from '../../src-main/core/core.service';
import { dispatch } from '../../src-main/core/dispatch';
import { seedDemo } from '../../src-main/core/seed/seed-demo';
import { startCoreWorker } from '../../src-main/core/worker/core-client';
import type { Method, MethodInput, MethodOutput } from '../../src-shared/api/client-api.contract';
import { MIGRATIONS_DIR, tempDir } from '../support/core-fixture';
import { mb, measure as measureRuns } from './bench-util';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const TARGET_MS = 100;
const measure = (run: (i: number) => unknown | Promise<unknown>) => measureRuns(RUNS, run);
/** Beijing: the renderer sends Date#getTimezoneOffset. */
const TZ = -480;

async function main() {
  const dir = tempDir('crm-bench-sales-');
  const options = { dataDir: dir, migrationsDir: MIGRATIONS_DIR, seedDemo: false, osLocale: 'zh-CN', appVersion: 'bench' };
  const core = new CoreService(options);
  const t0 = performance.now();
  // Owned accounts have 1–2 deals three times in four; every account has five activities.
  const seeded = seedDemo(core.records, {
    accounts: ACCOUNTS,
    seed: 7,
    sales: { opportunityChance: 0.76, opportunitiesPerAccount: [1, 2], activitiesPerAccount: [5, 5], tasksPerOwner: 5000 },
    onProgress: (done) => {
      if (done % 20_000 === 0) console.log(`  loaded ${done} accounts with their sales data (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    },
  });
  const seedMs = performance.now() - t0;
  console.log(
    `replica: ${seeded.accounts} accounts, ${seeded.contacts} contacts, ${seeded.opportunities} opportunities, ${seeded.activities} activities, ${seeded.tasks} tasks loaded in ${(seedMs / 1000).toFixed(1)} s`,
  );

  const call = async <M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const reply = await dispatch(core.handlers, method, input);
    if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
    return reply.value as MethodOutput<M>;
  };

  // Timelines of different records each run: 200 accounts and 200 deals spread over the table.
  const sample = (table: string) =>
    (core.replica.sqlite.prepare(`SELECT id FROM ${table} WHERE deleted_at IS NULL AND rowid % ? = 0 LIMIT 200`).all(Math.max(1, Math.floor(ACCOUNTS / 200))) as { id: string }[]).map((r) => r.id);
  const accounts = sample('accounts');
  const deals = sample('opportunities');
  const month = (core.replica.sqlite.prepare("SELECT substr(expected_close_date, 1, 7) AS m FROM opportunities WHERE status = 'open' GROUP BY m ORDER BY count(*) DESC LIMIT 1").get() as { m: string }).m;

  const board = await call('pipeline.board', {});
  const mine = await call('task.mine', { tzOffsetMinutes: TZ });
  console.log(
    `kanban: ${board.stages.map((s) => `${s.name} ${s.count}`).join(', ')}; my tasks: ${mine.overdue.count} overdue, ${mine.today.count} today, ${mine.upcoming.count} upcoming, ${mine.undated.count} undated`,
  );

  const cases: [string, (i: number) => Promise<unknown>][] = [
    ['kanban load (all deals, 50 cards per stage)', () => call('pipeline.board', {})],
    [`kanban load (close month ${month})`, () => call('pipeline.board', { closeMonth: month })],
    ['funnel (all deals, stalled deals)', () => call('pipeline.funnel', {})],
    ['timeline page of an account (newest 30 activities)', (i) => call('record.list', { entity: 'activity', filters: [{ field: 'accountId', op: 'eq', value: accounts[i % accounts.length]! }], sort: [{ field: 'occurredAt', dir: 'desc' }], limit: 30 })],
    ['timeline page of a deal (newest 30 activities)', (i) => call('record.list', { entity: 'activity', filters: [{ field: 'opportunityId', op: 'eq', value: deals[i % deals.length]! }], sort: [{ field: 'occurredAt', dir: 'desc' }], limit: 30 })],
    ['my tasks (overdue, today, upcoming, undated)', () => call('task.mine', { tzOffsetMinutes: TZ })],
    ['reminders due in the next minute', () => call('task.reminders', { from: Date.now(), to: Date.now() + 60_000 })],
  ];
  const results: { name: string; ms: number }[] = [];
  for (const [name, run] of cases) results.push({ name, ms: await measure(run) });

  // Baseline in the same run: an account's newest 30 activities with one plain prepared statement.
  const raw = core.replica.sqlite.prepare('SELECT * FROM activities WHERE account_id = ? AND deleted_at IS NULL ORDER BY occurred_at DESC LIMIT 30');
  const baseline = await measure((i) => raw.all(accounts[i % accounts.length]!));

  globalThis.gc?.();
  const rss = process.memoryUsage().rss;
  core.close();
  const fileSize = fs.statSync(path.join(dir, 'replica.db')).size;

  let worker: { board: number; tasks: number } | null = null;
  const workerFile = path.resolve('dist/main/core-worker.cjs');
  if (fs.existsSync(workerFile)) {
    const client = startCoreWorker(options, workerFile);
    await client.ready;
    worker = {
      board: await measure(() => client.invoke('pipeline.board', {})),
      tasks: await measure(() => client.invoke('task.mine', { tzOffsetMinutes: TZ })),
    };
    await client.close();
  } else {
    console.log('worker figures skipped: dist/main/core-worker.cjs is missing (run `npm run build` first)');
  }

  console.log(`\nmedian of ${RUNS} runs (target ≤ ${TARGET_MS} ms each)`);
  // The baseline does what a timeline page does, so the ratio is shown for those rows only.
  for (const r of results) {
    const ratio = r.name.startsWith('timeline') ? `${(r.ms / baseline).toFixed(1).padStart(6)}× baseline` : ' '.repeat(16);
    console.log(`  ${r.ms.toFixed(2).padStart(8)} ms  ${ratio}  ${r.ms <= TARGET_MS ? 'ok  ' : 'SLOW'}  ${r.name}`);
  }
  console.log(`  ${baseline.toFixed(2).padStart(8)} ms  baseline: an account's newest 30 activities with a plain better-sqlite3 statement`);
  if (worker) {
    console.log(`  ${worker.board.toFixed(2).padStart(8)} ms  kanban load through the worker thread`);
    console.log(`  ${worker.tasks.toFixed(2).padStart(8)} ms  my tasks through the worker thread`);
  }
  console.log(`replica file: ${mb(fileSize)}; core RSS after the queries: ${mb(rss)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
