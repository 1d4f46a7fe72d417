import { entityNames } from '../../src-shared/entities/index';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/core-fixture';
import { startTestServer, type TestServer } from '../support/sync-fixture';

/**
 * The `crm` command end to end: each step is a real process (tsx, as `npm run crm` starts it)
 * against a sync server running in this process on SQLite. Steps on one profile run one after
 * the other (one process per replica at a time, like the app); different profiles run at once.
 */
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'src-main/cli/crm.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const crm = (...args: string[]) => run(process.execPath, [TSX, CLI, ...args]);

/** Runs a command that must succeed and returns its stdout; a failure shows what it printed. */
async function ok(...args: string[]): Promise<string> {
  const r = await crm(...args);
  if (r.code !== 0) throw new Error(`crm ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function okJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args)) as T;
}

/** The one line a failing command prints on stderr. */
function oneLine(r: Run): string {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0] ?? '';
}

type Rec = Record<string, unknown> & { id: string };

// Every step starts a process that loads the data core through tsx (about a second of CPU each);
// the default 30 s per test is too tight when the machine is shared.
describe('crm command line against a sync server (sqlite)', { timeout: 120_000 }, () => {
  let server: TestServer;
  const dirs: string[] = [];
  let rep: string;
  let boss: string;
  let accountId: string;
  let contactId: string;
  let secondContactId: string;

  const profile = () => {
    const dir = tempDir('crm-cli-');
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep', '王芳');
    await server.addUser('boss', 'sales_manager', '李总');
    rep = profile();
    boss = profile();
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('signs in, refuses a wrong password, an unreachable server and bad usage with their exit codes', async () => {
    const stranger = profile();
    const [a, m, wrong, unreachable, usage, help] = await Promise.all([
      crm('--profile', rep, 'login', '--server', server.url, '--username', 'wang', '--password', 'password-1'),
      crm('--profile', boss, 'login', '--server', server.url, '--username', 'boss', '--password', 'password-1', '--json'),
      crm('--profile', stranger, 'login', '--server', server.url, '--username', 'wang', '--password', 'not-the-password'),
      // Port 1 on loopback: nothing listens there.
      crm('--profile', profile(), 'login', '--server', 'http://127.0.0.1:1', '--username', 'wang', '--password', 'password-1'),
      crm('--profile', rep, 'get', 'campaign', 'x'),
      run('npm', ['run', '--silent', 'crm', '--', '--help']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/^signed in as 王芳 \(wang, sales_rep\)/);
    expect(m.code, m.stderr).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ user: { username: 'boss', role: 'sales_manager' } });

    expect(wrong.code).toBe(4);
    expect(oneLine(wrong)).toBe('crm: sign-in refused: wrong username or password');
    expect(wrong.stdout).toBe('');
    expect(unreachable.code).toBe(5);
    expect(oneLine(unreachable)).toMatch(/^crm: the sync server cannot be reached: cannot reach http:\/\/127\.0\.0\.1:1/);
    expect(usage.code).toBe(2);
    expect(oneLine(usage)).toBe(`crm: unknown entity "campaign": use one of ${entityNames.join(', ')}`);
    expect(entityNames).toEqual(expect.arrayContaining(['account', 'lead', 'opportunity', 'payment_plan', 'pool_rule']));
    // The package.json script line runs the same entry.
    expect(help.code).toBe(0);
    for (const command of ['login', 'sync', 'status', 'create', 'update', 'delete', 'get', 'list', 'conflicts']) expect(help.stdout).toContain(`  ${command}`);

    const more = await Promise.all([
      crm('frobnicate'),
      crm('--profile', boss, 'update', 'account', 'some-id'),
      crm('--profile', boss, 'create', 'account', '--set', 'name'),
      crm('--profile', boss, 'list', 'account', '--bogus'),
      crm('get', 'account', 'x'),
      crm('--profile', stranger, 'sync'),
    ]);
    expect(more.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 4]);
    expect(more.map(oneLine)).toEqual([
      'crm: unknown command "frobnicate"; see crm --help',
      'crm: update needs at least one --set field=value',
      'crm: --set takes field=value, not "name"',
      expect.stringMatching(/^crm: Unknown option '--bogus'/),
      'crm: say which profile: crm --profile <dir> <command>',
      'crm: not signed in: run crm --profile <dir> login --server <url> --username <u> --password <p> first',
    ]);
  });

  it('creates offline, syncs, and a manager on another profile sees the records', async () => {
    const made = await okJson<{ id: string }>('--profile', rep, 'create', 'account', '--set', 'name=华为技术有限公司', '--set', 'phone=0755-28780808', '--set', 'level=A', '--set', 'industry=it', '--json');
    expect(Object.keys(made)).toEqual(['id']);
    accountId = made.id;
    contactId = (await okJson<{ id: string }>('--profile', rep, 'create', 'contact', '--set', `accountId=${accountId}`, '--set', 'name=张伟', '--set', 'mobile=138 0013 8000', '--json')).id;
    secondContactId = (await ok('--profile', rep, 'create', 'contact', '--set', `accountId=${accountId}`, '--set', 'name=陈静')).trim();
    expect(secondContactId).toMatch(/^[0-9a-f-]{36}$/);

    expect(await ok('--profile', rep, 'sync')).toMatch(/: 3 changes sent, 0 waiting/);

    const [got, bossSync] = await Promise.all([okJson<Rec>('--profile', rep, 'get', 'account', accountId, '--json'), crm('--profile', boss, 'sync')]);
    expect(got).toMatchObject({ id: accountId, name: '华为技术有限公司', phone: '0755-28780808', level: 'A', industry: 'it', customerNo: 'C-000001' });
    expect(bossSync.code, bossSync.stderr).toBe(0);
    const [contacts, seen] = await Promise.all([okJson<Rec[]>('--profile', rep, 'list', 'contact', '--json'), okJson<Rec>('--profile', boss, 'get', 'account', accountId, '--json')]);
    // The core's validation turned the typed mobile into its stored form.
    expect(contacts.map((c) => [c.id, c.name, c.mobile]).sort()).toEqual(
      [
        [contactId, '张伟', '13800138000'],
        [secondContactId, '陈静', null],
      ].sort(),
    );
    expect(seen).toMatchObject({ name: '华为技术有限公司', customerNo: 'C-000001', level: 'A' });
  });

  it('exits 1 for a record that is not there and 3 for values the core refuses, with one line each', async () => {
    const [missing, invalid] = await Promise.all([
      crm('--profile', boss, 'get', 'account', '0190a1b2-0000-7000-8000-000000000000', '--json'),
      crm('--profile', rep, 'update', 'account', accountId, '--set', 'level=Z', '--set', 'email=nope'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(oneLine(missing)).toBe('crm: account 0190a1b2-0000-7000-8000-000000000000 not found on this profile (never made, deleted, or not visible to you)');
    expect(invalid.code).toBe(3);
    expect(oneLine(invalid)).toBe('crm: invalid account: level: use one of A, B, C; email: Not a valid e-mail address, e.g. name@example.com');
  });

  it('update and delete reach the other profile after both sync', async () => {
    expect(await ok('--profile', rep, 'update', 'account', accountId, '--set', 'phone=0755-28780000', '--set', 'website=')).toBe(`updated account ${accountId}\n`);
    expect(await ok('--profile', rep, 'delete', 'contact', secondContactId)).toBe(`deleted contact ${secondContactId}\n`);
    // The refused update above left nothing to send: only these two travel.
    expect(await ok('--profile', rep, 'sync')).toMatch(/: 2 changes sent, 0 waiting$/m);
    await ok('--profile', boss, 'sync');
    const [account, gone] = await Promise.all([okJson<Rec>('--profile', boss, 'get', 'account', accountId, '--json'), crm('--profile', rep, 'get', 'contact', secondContactId)]);
    expect(account).toMatchObject({ phone: '0755-28780000', website: null, level: 'A' });
    expect(gone.code).toBe(1);
    const [left, status] = await Promise.all([okJson<Rec[]>('--profile', boss, 'list', 'contact', '--json'), okJson<Record<string, unknown>>('--profile', rep, 'status', '--json')]);
    expect(left.map((c) => c.id)).toEqual([contactId]);
    expect(status).toMatchObject({ state: 'offline', pending: 0, conflicts: 0, lastError: null, server: server.url });
    expect(status.lastSyncAt).toEqual(expect.any(Number));
  });

  it('reaches every sales entity by its name: a deal, a quote with lines, an order and its steps', async () => {
    const stages = await okJson<Rec[]>('--profile', rep, 'list', 'stage', '--json');
    expect(stages.map((st) => st.code).sort()).toEqual(['lost', 'negotiation', 'proposal', 'prospecting', 'qualification', 'won']);
    const opp = await okJson<Rec>('--profile', rep, 'create', 'opportunity', '--set', `accountId=${accountId}`, '--set', 'name=华为 5G 基站配套', '--set', 'stageId=stage-qualification', '--set', 'amount=50000000', '--json');
    expect(await okJson<Rec>('--profile', rep, 'get', 'opportunity', opp.id as string, '--json')).toMatchObject({ status: 'open', probability: 30, amount: 50_000_000 });
    const lines = JSON.stringify([{ name: '射频模块', qty: 4, unitPrice: 1_250_000, discountBp: 1_000 }]);
    const quote = await okJson<Rec>('--profile', rep, 'create', 'quote', '--set', `accountId=${accountId}`, '--set', `opportunityId=${opp.id as string}`, '--set', 'title=射频模块报价', '--set', `lines=${lines}`, '--json');
    const shown = await ok('--profile', rep, 'get', 'quote', quote.id as string);
    expect(shown).toMatch(/^total\s+4500000$/m);
    expect(shown).toMatch(/^lines\s+\[\{"productId":null,"name":"射频模块"/m);
    const order = await okJson<Rec>('--profile', rep, 'create', 'order', '--set', `accountId=${accountId}`, '--set', `quoteId=${quote.id as string}`, '--set', `lines=${lines}`, '--json');
    const skip = await crm('--profile', rep, 'update', 'order', order.id as string, '--set', 'status=completed');
    expect(skip.code).toBe(3);
    expect(oneLine(skip)).toMatch(/status/);
    await ok('--profile', rep, 'update', 'order', order.id as string, '--set', 'status=approved');
    expect(await ok('--profile', rep, 'sync')).toMatch(/: 4 changes sent, 0 waiting/);
    expect(await okJson<Rec>('--profile', rep, 'get', 'order', order.id as string, '--json')).toMatchObject({ orderNo: 'SO-000001', status: 'approved', amount: 4_500_000 });
  });

  it('sync fails with exit 5 when the server is gone, and the change waits for the next sync', async () => {
    await ok('--profile', rep, 'create', 'account', '--set', 'name=离线客户');
    await server.close();
    const r = await crm('--profile', rep, 'sync');
    expect(r.code).toBe(5);
    expect(oneLine(r)).toMatch(/^crm: the sync server cannot be reached: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/);
    expect(await okJson<{ pending: number }>('--profile', rep, 'status', '--json')).toMatchObject({ pending: 1 });
  });

});

