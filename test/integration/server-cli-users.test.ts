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
        department: string | null;
        managerId: string | null;
        disabledAt: number | null;
        lockedAt: number | null;
      }[];
      expect(users.map((u) => u.role).sort()).toEqual([...roles].sort());
      expect(users.find((u) => u.username === 'admin')).toEqual({ id: ids.admin, username: 'admin', name: '系统管理员', role: 'admin', department: null, managerId: null, disabledAt: null, lockedAt: null });
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
      expectRefused(badRole, /unknown role "boss"; roles: admin, sales_manager, sales_rep, service_agent, service_manager, marketing$/);
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
  });
}
