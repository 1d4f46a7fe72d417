import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictEntry } from '../../src-shared/api/client-api.contract';
import { tempDir } from '../support/core-fixture';
import { startTestServer, type TestServer } from '../support/sync-fixture';

/**
 * `crm` across users: reassigning with --set ownerId moves a record between reps' profiles, and
 * two profiles editing one field offline leave the loser a conflict `crm conflicts` shows. Real
 * processes against a server in this process (SQLite); one process per profile at a time.
 */
const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'src-main/cli/crm.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function crm(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TSX, CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(...args: string[]): Promise<string> {
  const r = await crm(...args);
  if (r.code !== 0) throw new Error(`crm ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function okJson<T>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args)) as T;
}

type Rec = Record<string, unknown> & { id: string };

// Every step starts a process that loads the data core through tsx (about a second of CPU each);
// the default 30 s per test is too tight when the machine is shared.
describe('crm command line: scope and conflicts (sqlite)', { timeout: 120_000 }, () => {
  let server: TestServer;
  const dirs: string[] = [];
  let wang: string;
  let li: string;
  let boss: string;
  let liId: string;
  let accountId: string;
  let contactId: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    await server.addUser('wang', 'sales_rep', '王芳');
    liId = (await server.addUser('li', 'sales_rep', '李明')).id;
    await server.addUser('boss', 'sales_manager', '李总');
    [wang, li, boss] = ['wang', 'li', 'boss'].map(() => {
      const dir = tempDir('crm-cli-');
      dirs.push(dir);
      return dir;
    }) as [string, string, string];
    await Promise.all(
      (
        [
          [wang, 'wang'],
          [li, 'li'],
          [boss, 'boss'],
        ] as const
      ).map(([dir, username]) => ok('--profile', dir, 'login', '--server', server.url, '--username', username, '--password', 'password-1')),
    );
  });

  afterAll(async () => {
    await server?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--set ownerId=<other rep> moves the account and its contact from one rep profile to the other', async () => {
    accountId = (await okJson<{ id: string }>('--profile', wang, 'create', 'account', '--set', 'name=宁波港务', '--set', 'city=宁波', '--json')).id;
    contactId = (await okJson<{ id: string }>('--profile', wang, 'create', 'contact', '--set', `accountId=${accountId}`, '--set', 'name=陈静', '--json')).id;
    await ok('--profile', wang, 'sync');
    const [liBefore] = await Promise.all([ok('--profile', li, 'sync').then(() => okJson<Rec[]>('--profile', li, 'list', 'account', '--json')), ok('--profile', boss, 'sync')]);
    // Before the reassignment the other rep may not see it.
    expect(liBefore).toEqual([]);

    await ok('--profile', wang, 'update', 'account', accountId, '--set', `ownerId=${liId}`);
    await ok('--profile', wang, 'sync');

    const [gone, liAccount] = await Promise.all([crm('--profile', wang, 'get', 'account', accountId), ok('--profile', li, 'sync').then(() => okJson<Rec>('--profile', li, 'get', 'account', accountId, '--json'))]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(`crm: account ${accountId} not found on this profile (never made, deleted, or not visible to you)\n`);
    expect(liAccount).toMatchObject({ id: accountId, ownerId: liId, name: '宁波港务', customerNo: 'C-000001' });
    const [wangContacts, liContacts] = await Promise.all([okJson<Rec[]>('--profile', wang, 'list', 'contact', '--json'), okJson<Rec[]>('--profile', li, 'list', 'contact', '--json')]);
    expect(wangContacts).toEqual([]);
    expect(liContacts.map((c) => [c.id, c.name])).toEqual([[contactId, '陈静']]);
  });

  it('conflicts --json lists the losing edit when two profiles changed the same field offline', async () => {
    // Both edit offline from the same version; the rep reaches the server first and wins.
    await Promise.all([
      ok('--profile', li, 'update', 'account', accountId, '--set', 'city=杭州', '--set', 'phone=0571-88880001'),
      ok('--profile', boss, 'update', 'account', accountId, '--set', 'city=温州', '--set', 'level=A'),
    ]);
    await ok('--profile', li, 'sync');
    const bossSync = await ok('--profile', boss, 'sync');
    expect(bossSync).toMatch(/1 open in the conflict inbox \(crm conflicts\)/);

    const [bossInbox, liInbox] = await Promise.all([okJson<ConflictEntry[]>('--profile', boss, 'conflicts', '--json'), okJson<ConflictEntry[]>('--profile', li, 'conflicts', '--json')]);
    expect(bossInbox).toHaveLength(1);
    expect(bossInbox[0]).toMatchObject({ kind: 'field', entity: 'account', recordId: accountId, field: 'city', mine: { city: '温州' }, theirs: { city: '杭州' }, byName: '李明', resolvedAt: null });
    expect(liInbox).toEqual([]);

    // Different fields both survived; the same field kept the first value to arrive.
    const [bossView, human] = await Promise.all([okJson<Rec>('--profile', boss, 'get', 'account', accountId, '--json'), ok('--profile', li, 'sync').then(() => ok('--profile', li, 'get', 'account', accountId))]);
    expect(bossView).toMatchObject({ city: '杭州', phone: '0571-88880001', level: 'A' });
    expect(human).toMatch(/^city +杭州$/m);
    expect(human).toMatch(/^level +A$/m);
    const [status, text] = await Promise.all([okJson<{ conflicts: number }>('--profile', boss, 'status', '--json'), ok('--profile', wang, 'conflicts')]);
    expect(status.conflicts).toBe(1);
    expect(text).toBe('no open conflicts\n');
  });
});
