/**
 * Foundation benchmark: the replica at field-sales scale (100,000 accounts, ~200,000 contacts).
 * Measures, through the core's API, the grid's first page, a sorted and filtered page, a deep page,
 * the quick filter and global search, as medians; the same work through the worker thread (what
 * the window actually waits for); and, as the in-run baseline, the same first page read with a
 * plain better-sqlite3 statement. Prints file size and the core's memory.
 * Targets (issue: foundation): each median ≤ 50 ms.
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
const TARGET_MS = 50;

const measure = (run: (i: number) => unknown | Promise<unknown>) => measureRuns(RUNS, run);

async function main() {
  const dir = tempDir('crm-bench-');
  const options = { dataDir: dir, migrationsDir: MIGRATIONS_DIR, seedDemo: false, osLocale: 'zh-CN', appVersion: 'bench' };
  const core = new CoreService(options);
  const t0 = performance.now();
  // Accounts and contacts only: the foundation figures (docs/benchmarks.md) are about them.
  const seeded = seedDemo(core.records, { accounts: ACCOUNTS, seed: 7, sales: false });
  const seedMs = performance.now() - t0;
  console.log(`replica: ${seeded.accounts} accounts, ${seeded.contacts} contacts loaded in ${(seedMs / 1000).toFixed(1)} s`);

  const call = async <M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const reply = await dispatch(core.handlers, method, input);
    if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
    return reply.value as MethodOutput<M>;
  };

  const searches = ['张伟', '华为', '5678', '杭州', 'zhang', '科技有限'];
  const cases: [string, MethodInput<'record.list'> | null, string | null][] = [
    ['first page (default sort, with total)', { entity: 'account', limit: 100 }, null],
    ['sorted + filtered page (name asc, industry = it, level in A/B, total)', { entity: 'account', limit: 100, sort: [{ field: 'name', dir: 'asc' }], filters: [{ field: 'industry', op: 'eq', value: 'it' }, { field: 'level', op: 'in', value: ['A', 'B'] }] }, null],
    ['deep page (offset 50,000 by city)', { entity: 'account', limit: 100, offset: 50_000, sort: [{ field: 'city', dir: 'asc' }], withTotal: false }, null],
    ['contains filter on name (LIKE, total)', { entity: 'account', limit: 100, filters: [{ field: 'name', op: 'contains', value: '智能' }] }, null],
    ['quick filter 杭州 (FTS, total)', { entity: 'account', limit: 100, quick: '杭州' }, null],
    ['contacts of one account', null, 'contacts'],
    ['global search (6 queries rotating)', null, 'search'],
  ];

  const someAccount = (await call('record.list', { entity: 'account', limit: 1 })).rows[0]!.id;
  const results: { name: string; ms: number }[] = [];
  for (const [name, query, special] of cases) {
    let ms: number;
    if (special === 'search') ms = await measure((i) => call('search.global', { q: searches[i % searches.length]!, limit: 20 }));
    else if (special === 'contacts') ms = await measure(() => call('record.list', { entity: 'contact', filters: [{ field: 'accountId', op: 'eq', value: someAccount }] }));
    else ms = await measure(() => call('record.list', query!));
    results.push({ name, ms });
  }

  // Baseline in the same run: the first page with one plain prepared statement, no API, no mapping.
  const raw = core.replica.sqlite.prepare('SELECT * FROM accounts WHERE deleted_at IS NULL ORDER BY updated_at DESC, id DESC LIMIT 100');
  const baseline = await measure(() => raw.all());

  const firstPage = results[0]!.ms;
  globalThis.gc?.();
  const rss = process.memoryUsage().rss;
  core.close();
  const fileSize = fs.statSync(path.join(dir, 'replica.db')).size;

  // Through the worker thread: what the window waits for, message passing included.
  let workerFirst: number | null = null;
  let workerSearch: number | null = null;
  const workerFile = path.resolve('dist/main/core-worker.cjs');
  if (fs.existsSync(workerFile)) {
    const client = startCoreWorker(options, workerFile);
    await client.ready;
    workerFirst = await measure(() => client.invoke('record.list', { entity: 'account', limit: 100 }));
    workerSearch = await measure((i) => client.invoke('search.global', { q: searches[i % searches.length]!, limit: 20 }));
    await client.close();
  } else {
    console.log('worker figures skipped: dist/main/core-worker.cjs is missing (run `npm run build` first)');
  }

  console.log(`\nmedian of ${RUNS} runs (target ≤ ${TARGET_MS} ms each)`);
  for (const r of results) console.log(`  ${r.ms.toFixed(2).padStart(8)} ms  ${(r.ms / baseline).toFixed(1).padStart(6)}× baseline  ${r.ms <= TARGET_MS ? 'ok  ' : 'SLOW'}  ${r.name}`);
  console.log(`  ${baseline.toFixed(2).padStart(8)} ms  baseline: first page with a plain better-sqlite3 statement`);
  if (workerFirst !== null && workerSearch !== null) {
    console.log(`  ${workerFirst.toFixed(2).padStart(8)} ms  first page through the worker thread (${(workerFirst / firstPage).toFixed(2)}× in-process)`);
    console.log(`  ${workerSearch.toFixed(2).padStart(8)} ms  global search through the worker thread`);
  }
  console.log(`replica file: ${mb(fileSize)} (${(fileSize / (seeded.accounts + seeded.contacts)).toFixed(0)} bytes per record, search index included)`);
  console.log(`core RSS after the queries: ${mb(rss)}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
