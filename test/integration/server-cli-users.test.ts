import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles } from '../../src-server/auth/user.repository';
import { verifyPassword } from '../../src-server/auth/password.util';
import type { StoreKind } from '../support/sync-fixture';
import { newStoreTarget, openRawDb, runCli, type CliResult, type StoreTarget } from '../support/server-process';

/**
 * `crm-server user add` and `user list` through npm, as an operator types them: every role, the
 * refusals an operator meets, and what lands in the database (scrypt hashes, never the password).
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Each command starts Node with tsx (about a second of CPU); a busy 2-core machine needs the margin. */
const CLI_TIMEOUT = 90_000;
/** scrypt$N$r$p$salt$hash: 16 salt bytes and 32 hash bytes in base64url. */
const HASH = /^scrypt\$32768\$8\$1\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

/** A refusal: a non-zero exit, nothing on stdout, and one line on stderr that says what is wrong. */
function expectRefused(result: CliResult, reason: RegExp): void {
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^crm-server: /);
  expect(lines[0]).toMatch(reason);
}

for (const kind of stores) {
  describe(`crm-server user commands (${kind})`, () => {
    let target: StoreTarget;
    const passwords: Record<string, string> = {};
    const ids: Record<string, string> = {};

    beforeAll(() => {
      target = newStoreTarget(kind);
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    const add = (username: string, role: string, extra: string[] = [], json = true) => {
      passwords[username] = `pw-${username}-${kind}-Σ密码`;
      return runCli(['user', 'add', ...target.args, '--username', username, '--password', passwords[username]!, '--role', role, ...extra, ...(json ? ['--json'] : [])]);
    };

    it('adds a user of every role; --json prints the id, the plain form says who was added', async () => {
      // The first command creates the database; the others can then run side by side.
      const admin = await add('admin', 'admin', ['--name', '系统管理员'], false);
      expect(admin.stderr).toBe('');
      expect(admin.code).toBe(0);
      const plain = /^added admin admin \(([0-9a-f-]{36})\)\n$/.exec(admin.stdout);
      expect(plain, admin.stdout).not.toBeNull();
      ids.admin = plain![1]!;

      const manager = await add('zhang.manager', 'sales_manager', ['--department', '华东销售部']);
      expect(manager.code, manager.stderr).toBe(0);
      ids['zhang.manager'] = (JSON.parse(manager.stdout) as { id: string }).id;
      const others: [string, string, string[]][] = [
        ['wang.rep', 'sales_rep', ['--department', '华东销售部', '--manager', 'zhang.manager']],
        ['li.agent', 'service_agent', []],
        ['chen.service', 'service_manager', ['--department', '客服部']],
        ['zhao.mkt', 'marketing', []],
      ];
      const results = await Promise.all(others.map(([u, r, extra]) => add(u, r, extra)));
      for (const [i, result] of results.entries()) {
        expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
        // Exactly one JSON line with the id and nothing else.
        expect(result.stdout).toMatch(/^\{"id":"[^"]+"\}\n$/);
        const { id } = JSON.parse(result.stdout) as { id: string };
        expect(id).toMatch(UUID);
        ids[others[i]![0]] = id;
      }
      expect(new Set(Object.values(ids)).size).toBe(6);

      const list = await runCli(['user', 'list', ...target.args, '--json']);
      expect(list.code, list.stderr).toBe(0);
      const users = JSON.parse(list.stdout) as {
        id: string;
        username: string;
        name: string;
        role: string;
        roles: string[];
        department: string | null;
        departmentId: string | null;
        managerId: string | null;
        disabledAt: number | null;
        lockedAt: number | null;
      }[];
      expect(users.map((u) => u.role).sort()).toEqual([...roles].sort());
      expect(users.find((u) => u.username === 'admin')).toEqual({
        id: ids.admin,
        username: 'admin',
        name: '系统管理员',
        role: 'admin',
        roles: ['admin'],
        department: null,
        departmentId: null,
        managerId: null,
        disabledAt: null,
        lockedAt: null,
      });
      expect(users.find((u) => u.username === 'wang.rep')).toMatchObject({ id: ids['wang.rep'], name: 'wang.rep', role: 'sales_rep', department: '华东销售部', managerId: ids['zhang.manager'] });
      expect(users.find((u) => u.username === 'chen.service')).toMatchObject({ role: 'service_manager', department: '客服部', managerId: null });
    }, CLI_TIMEOUT);

    it('a bad role, a short password, a taken username, an unknown manager: one clear line each, exit 2, nothing added', async () => {
      const [badRole, short, taken, noManager] = await Promise.all([
        add('sun.boss', 'boss'),
        runCli(['user', 'add', ...target.args, '--username', 'zhou', '--password', 'short7!', '--role', 'sales_rep']),
        add('wang.rep', 'marketing'),
        add('wu.rep', 'sales_rep', ['--manager', 'nobody']),
      ]);
      expectRefused(badRole, /unknown role "boss"; roles: admin, sales_manager, sales_rep, service_manager, service_agent, marketing$/);
      expectRefused(short, /password must have at least 8 characters/);
      expectRefused(taken, /user "wang\.rep" already exists/);
      expectRefused(noManager, /no user "nobody" to be the manager/);
      const db = await openRawDb(target);
      try {
        const rows = await db.all<{ username: string; role: string }>('SELECT username, role FROM users ORDER BY username');
        expect(rows.map((r) => r.username)).toEqual(['admin', 'chen.service', 'li.agent', 'wang.rep', 'zhang.manager', 'zhao.mkt']);
        expect(rows.find((r) => r.username === 'wang.rep')?.role).toBe('sales_rep');
      } finally {
        await db.close();
      }
    }, CLI_TIMEOUT);

    it('passwords are stored as salted scrypt hashes and the plain password appears nowhere in the database', async () => {
      const db = await openRawDb(target);
      try {
        const rows = await db.all<{ username: string; password_hash: string }>('SELECT username, password_hash FROM users');
        expect(rows).toHaveLength(6);
        const salts = new Set<string>();
        for (const row of rows) {
          const match = HASH.exec(row.password_hash);
          expect(match, row.password_hash).not.toBeNull();
          salts.add(match![1]!);
          expect(await verifyPassword(passwords[row.username]!, row.password_hash)).toBe(true);
          expect(await verifyPassword(`${passwords[row.username]!}x`, row.password_hash)).toBe(false);
        }
        expect(salts.size).toBe(6);

        let contains: (text: string) => boolean;
        if (kind === 'sqlite') {
          // The database file and its write-ahead log, byte for byte.
          const files = ['server.db', 'server.db-wal'].map((f) => path.join(target.dir, f)).filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f));
          contains = (text) => files.some((bytes) => bytes.includes(Buffer.from(text, 'utf8')));
        } else {
          const tables = await db.all<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = ?', [target.schema!]);
          expect(tables.map((t) => t.table_name)).toContain('users');
          const dumps = await Promise.all(tables.map((t) => db.all<{ row: string }>(`SELECT t::text AS row FROM ${t.table_name} t`)));
          const everything = dumps.flat().map((r) => r.row).join('\n');
          contains = (text) => everything.includes(text);
        }
        // The search can find what is there: the usernames and a hash.
        expect(contains('zhang.manager')).toBe(true);
        expect(contains(rows[0]!.password_hash)).toBe(true);
        for (const p of Object.values(passwords)) expect(contains(p), `the password ${p} is stored in plain`).toBe(false);
      } finally {
        await db.close();
      }
    });

    const orgVersion = async () => {
      const db = await openRawDb(target);
      try {
        return Number((await db.all<{ version: number }>('SELECT version FROM org_state WHERE id = 1'))[0]?.version);
      } finally {
        await db.close();
      }
    };

    it('department add builds a tree by name paths and department list shows it with user counts; refusals are one line each', async () => {
      const before = await orgVersion();
      const east = await runCli(['department', 'add', ...target.args, '--name', '华东区', '--parent', '华东销售部', '--json']);
      expect({ code: east.code, stderr: east.stderr }).toEqual({ code: 0, stderr: '' });
      const eastOut = JSON.parse(east.stdout) as { id: string; path: string };
      expect(eastOut).toEqual({ id: expect.stringMatching(UUID), path: '华东销售部/华东区' });
      const shanghai = await runCli(['department', 'add', ...target.args, '--name', '上海组', '--parent', '华东销售部/华东区']);
      expect(shanghai.code, shanghai.stderr).toBe(0);
      expect(shanghai.stdout).toMatch(/^added department 华东销售部\/华东区\/上海组 \([0-9a-f-]{36}\)\n$/);
      const top = await runCli(['department', 'add', ...target.args, '--name', '财务部']);
      expect(top.stdout).toMatch(/^added department 财务部 /);
      expect(await orgVersion()).toBe(before + 3);

      const [twin, noParent, noName] = await Promise.all([
        runCli(['department', 'add', ...target.args, '--name', '华东区', '--parent', '华东销售部']),
        runCli(['department', 'add', ...target.args, '--name', '西南区', '--parent', '西部销售部']),
        runCli(['department', 'add', ...target.args]),
      ]);
      expectRefused(twin, /a department named "华东区" is already there/);
      expectRefused(noParent, /no department "西部销售部" to put it under/);
      expectRefused(noName, /missing --name/);
      expect(await orgVersion()).toBe(before + 3);

      const list = await runCli(['department', 'list', ...target.args, '--json']);
      expect(list.code, list.stderr).toBe(0);
      const departments = JSON.parse(list.stdout) as { id: string; path: string; name: string; parentId: string | null; userCount: number }[];
      expect(departments.map((d) => [d.path, d.userCount])).toEqual([
        ['华东销售部', 2],
        ['华东销售部/华东区', 0],
        ['华东销售部/华东区/上海组', 0],
        ['客服部', 1],
        ['财务部', 0],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
      expect(departments.find((d) => d.path === '华东销售部/华东区')?.id).toBe(eastOut.id);
      const plain = await runCli(['department', 'list', ...target.args]);
      expect(plain.stdout).toContain(`${eastOut.id}  华东销售部/华东区  (0 users)`);
      expect(plain.stdout).toMatch(/ {2}客服部 {2}\(1 user\)\n/);
    }, CLI_TIMEOUT);

    it('user set moves a user by department path, gives a manager and several roles, clears them with empty values; refusals are one line each', async () => {
      const before = await orgVersion();
      const set = await runCli(['user', 'set', ...target.args, '--username', 'wang.rep', '--department', '华东销售部/华东区/上海组', '--roles', 'sales_rep,marketing', '--manager', 'admin', '--json']);
      expect({ code: set.code, stderr: set.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(set.stdout)).toMatchObject({
        id: ids['wang.rep'],
        username: 'wang.rep',
        role: 'sales_rep',
        roles: ['sales_rep', 'marketing'],
        department: '华东销售部/华东区/上海组',
        departmentId: expect.stringMatching(UUID),
        managerId: ids.admin,
      });
      expect(await orgVersion()).toBe(before + 1);
      // A path not there yet is made, as user add does.
      const made = await runCli(['user', 'set', ...target.args, '--username', 'li.agent', '--department', '客服部/售后组']);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toBe('updated li.agent: department 客服部/售后组, roles service_agent, manager (none)\n');

      const [cycle, self, unknownRole, noUser, nothing, noManager] = await Promise.all([
        runCli(['user', 'set', ...target.args, '--username', 'admin', '--manager', 'wang.rep']),
        runCli(['user', 'set', ...target.args, '--username', 'zhao.mkt', '--manager', 'zhao.mkt']),
        runCli(['user', 'set', ...target.args, '--username', 'zhao.mkt', '--roles', 'marketing,astronaut']),
        runCli(['user', 'set', ...target.args, '--username', 'nobody', '--roles', 'marketing']),
        runCli(['user', 'set', ...target.args, '--username', 'zhao.mkt']),
        runCli(['user', 'set', ...target.args, '--username', 'zhao.mkt', '--manager', 'nobody']),
      ]);
      expectRefused(cycle, /wang\.rep reports to 系统管理员, so cannot be their manager/);
      expectRefused(self, /cannot be their own manager/);
      expectRefused(unknownRole, /unknown role "astronaut"/);
      expectRefused(noUser, /no user "nobody"/);
      expectRefused(nothing, /say what to change/);
      expectRefused(noManager, /no user "nobody" to be the manager/);

      const cleared = await runCli(['user', 'set', ...target.args, '--username', 'wang.rep', '--department', '', '--manager', '', '--roles', 'sales_rep', '--json']);
      expect(cleared.code, cleared.stderr).toBe(0);
      expect(JSON.parse(cleared.stdout)).toMatchObject({ roles: ['sales_rep'], department: null, departmentId: null, managerId: null });
      const db = await openRawDb(target);
      try {
        const rows = await db.all<{ username: string; role: string; roles: string | null; manager_id: string | null }>('SELECT username, role, roles, manager_id FROM users ORDER BY username');
        expect(rows.find((r) => r.username === 'wang.rep')).toEqual({ username: 'wang.rep', role: 'sales_rep', roles: '["sales_rep"]', manager_id: null });
        expect(rows.find((r) => r.username === 'admin')?.manager_id).toBeNull();
      } finally {
        await db.close();
      }
    }, CLI_TIMEOUT);
  });
}
