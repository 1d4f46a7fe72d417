/**
 * What encrypting the replica costs (issue: permissions and security), on the foundation
 * benchmark's data and queries: the same 100,000 accounts and their contacts loaded into a plain
 * replica and into an encrypted one (SQLCipher 4 format through SQLite3 Multiple Ciphers), in the
 * same run, then the grid's and search's queries on each. Prints medians and encrypted / plain
 * ratios; the plain replica is the baseline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CoreService } from '../../src-main/core/core.service';
import { newHexKey, type ReplicaKey } from '../../src-main/core/db/replica-key';
import { dispatch } from '../../src-main/core/dispatch';
import { seedDemo } from '../../src-main/core/seed/seed-demo';
import type { Method, MethodInput, MethodOutput } from '../../src-shared/api/client-api.contract';
import { MIGRATIONS_DIR, tempDir } from '../support/core-fixture';
import { mb, measure as measureRuns } from './bench-util';

const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const measure = (run: (i: number) => unknown | Promise<unknown>) => measureRuns(RUNS, run);

interface Figures {
  loadMs: number;
  reopenMs: number;
  fileBytes: number;
  queries: { name: string; ms: number }[];
}

async function measureReplica(key: ReplicaKey | null): Promise<Figures> {
  const dir = tempDir('crm-bench-enc-');
  const options = { dataDir: dir, migrationsDir: MIGRATIONS_DIR, seedDemo: false, osLocale: 'zh-CN', appVersion: 'bench', replicaKey: key };
  let core = new CoreService(options);
  const t0 = performance.now();
  seedDemo(core.records, { accounts: ACCOUNTS, seed: 7, sales: false });
  const loadMs = performance.now() - t0;
  core.close();
  const t1 = performance.now();
  core = new CoreService(options);
  const reopenMs = performance.now() - t1;
  const call = async <M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const reply = await dispatch(core.handlers, method, input);
    if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
    return reply.value as MethodOutput<M>;
  };
  const someAccount = (await call('record.list', { entity: 'account', limit: 1 })).rows[0]!.id;
  const searches = ['张伟', '华为', '5678', '杭州', 'zhang', '科技有限'];
  const queries: Figures['queries'] = [];
  const cases: [string, (i: number) => Promise<unknown>][] = [
    ['first page (default sort, with total)', () => call('record.list', { entity: 'account', limit: 100 })],
    ['sorted + filtered page (name asc, industry = it, level A/B)', () => call('record.list', { entity: 'account', limit: 100, sort: [{ field: 'name', dir: 'asc' }], filters: [{ field: 'industry', op: 'eq', value: 'it' }, { field: 'level', op: 'in', value: ['A', 'B'] }] })],
    ['deep page (offset 50,000 by city)', () => call('record.list', { entity: 'account', limit: 100, offset: 50_000, sort: [{ field: 'city', dir: 'asc' }], withTotal: false })],
    ['quick filter 杭州 (FTS, total)', () => call('record.list', { entity: 'account', limit: 100, quick: '杭州' })],
    ['contacts of one account', () => call('record.list', { entity: 'contact', filters: [{ field: 'accountId', op: 'eq', value: someAccount }] })],
    ['global search (6 queries rotating)', (i) => call('search.global', { q: searches[i % searches.length]!, limit: 20 })],
    ['one edit (update a field, outbox and search)', (i) => call('record.update', { entity: 'account', id: someAccount, values: { notes: `bench ${i}` } })],
  ];
  for (const [name, run] of cases) queries.push({ name, ms: await measure(run) });
  core.close();
  const fileBytes = fs.statSync(path.join(dir, 'replica.db')).size;
  fs.rmSync(dir, { recursive: true, force: true });
  return { loadMs, reopenMs, fileBytes, queries };
}

async function main() {
  const plain = await measureReplica(null);
  const encrypted = await measureReplica(newHexKey());
  const row = (name: string, a: number, b: number, unit: string, digits = 2) =>
    console.log(`  ${a.toFixed(digits).padStart(10)} ${unit}  ${b.toFixed(digits).padStart(10)} ${unit}  ${(b / a).toFixed(2).padStart(6)}×  ${name}`);
  console.log(`\n${ACCOUNTS} accounts with contacts; medians of ${RUNS} runs; plain (baseline) | encrypted | encrypted / plain`);
  row('load (bulk insert, indexes, search index)', plain.loadMs / 1000, encrypted.loadMs / 1000, 's');
  row('open an existing replica', plain.reopenMs, encrypted.reopenMs, 'ms');
  plain.queries.forEach((q, i) => row(q.name, q.ms, encrypted.queries[i]!.ms, 'ms'));
  console.log(`  file: ${mb(plain.fileBytes)} plain, ${mb(encrypted.fileBytes)} encrypted`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
