/**
 * The sync benchmark's server, run as a child process (`node --import tsx sync-server.ts <dir> <accounts>`),
 * so it has a core of its own as a real server does. It migrates an SQLite store, adds the
 * benchmark's rep, writes the generated records straight into the store's tables (one
 * transaction, one prepared statement per table, in the shape SyncService.push gives a create),
 * then serves and prints one line `READY {"url": …}`. SIGTERM closes it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { validateValues } from '../../src-shared/entities/record.schema';
import { UserRepository } from '../../src-server/auth/user.repository';
import { startServer } from '../../src-server/server';
import { openStore } from '../../src-server/store/open-store';
import { BENCH_PASSWORD, BENCH_STAMP, BENCH_USER, benchBatches, type BenchRecord } from './sync-data';

/** Not imported from test/support: that would load the client core and pg into the server process. */
const MIGRATIONS_ROOT = fileURLToPath(new URL('../../migrations', import.meta.url));

async function main() {
  const [dir, accountsArg] = process.argv.slice(2);
  if (!dir || !accountsArg) throw new Error('usage: sync-server.ts <data dir> <accounts>');
  const accounts = Number(accountsArg);

  const store = await openStore({ dataDir: dir, migrationsRoot: MIGRATIONS_ROOT });
  const users = new UserRepository(store);
  const user = await users.add({ username: BENCH_USER, password: BENCH_PASSWORD, role: 'sales_rep', name: '基准测试' });
  const { deviceId } = await users.registerDevice(user.id, 'bench data');
  await store.close();

  const t0 = performance.now();
  const db = new Database(path.join(dir, 'server.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insertRecord = db.prepare(
    `INSERT INTO records (entity, id, vis_key, fields, field_versions, version, created_at, created_by, updated_at, updated_by, deleted_at, deleted_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`,
  );
  const insertRef = db.prepare('INSERT INTO record_refs (entity, id, parent_entity, parent_id) VALUES (?, ?, ?, ?)');
  const insertChange = db.prepare(
    "INSERT INTO changes (cn, entity, record_id, kind, fields, vis_key, old_vis_key, user_id, device_id, at) VALUES (?, ?, ?, 'create', NULL, ?, NULL, ?, ?, ?)",
  );
  const setCounter = db.prepare('INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
  // The fields map must be what SyncService.push stores for a create: the validated values, ownerId
  // and the assigned customer number. Checked on a sample (validating all 300,000 would dominate setup).
  let checked = 0;
  const check = (r: BenchRecord) => {
    if (checked >= 200) return;
    checked++;
    const { customerNo, ...input } = r.fields;
    const { values, issues } = validateValues(r.entity, input, 'create', { allowSystem: true });
    if (r.entity === 'account') values.customerNo = customerNo;
    if (issues.length > 0 || !isDeepStrictEqual(values, r.fields)) throw new Error(`generated ${r.entity} ${r.id} is not in the server's stored shape: ${JSON.stringify({ issues, values, fields: r.fields })}`);
  };
  let cn = 0;
  let accountsLoaded = 0;
  let contacts = 0;
  db.transaction(() => {
    for (const batch of benchBatches(accounts, user.id)) {
      // Accounts before contacts, as a client pushes them (a contact's account must exist).
      for (const r of [...batch.account, ...batch.contact]) {
        check(r);
        const versions = Object.fromEntries(Object.keys(r.fields).map((k) => [k, r.cn]));
        insertRecord.run(r.entity, r.id, user.id, JSON.stringify(r.fields), JSON.stringify(versions), r.cn, BENCH_STAMP, user.id, BENCH_STAMP, user.id);
        if (r.entity === 'contact') insertRef.run('contact', r.id, 'account', r.fields.accountId as string);
        insertChange.run(r.cn, r.entity, r.id, user.id, user.id, deviceId, BENCH_STAMP);
        cn = Math.max(cn, r.cn);
      }
      accountsLoaded += batch.account.length;
      contacts += batch.contact.length;
    }
    setCounter.run('cn', cn);
    setCounter.run('account.customerNo', accountsLoaded);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const loadMs = performance.now() - t0;

  const server = await startServer({ dataDir: dir, migrationsRoot: MIGRATIONS_ROOT, port: 0, logLevel: 'warn' });
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`READY ${JSON.stringify({ url: server.url, userId: user.id, accounts: accountsLoaded, contacts, head: cn, loadMs })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
