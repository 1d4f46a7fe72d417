import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, type StoreKind } from '../support/sync-fixture';
import { SyncSocket, expectRefusal, login, postJson } from '../support/server-client';
import { killServes, newStoreTarget, runCli, seedUser, startServe, type ServeProcess, type StoreTarget } from '../support/server-process';

/**
 * A fresh server tells the operator how to make the first administrator (and that command works);
 * a sign-in registers a device that `crm-server device list` shows; `device revoke` refuses the
 * device's next HTTP request and its open socket, while the server keeps running.
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
/** Each command starts Node with tsx (about a second of CPU); a busy 2-core machine needs the margin. */
const CLI_TIMEOUT = 90_000;

/** The words of a command line as a POSIX shell splits them (plain words and '…' quoting). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!));
}

interface ListedDevice {
  id: string;
  userId: string;
  username: string;
  name: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  expiredAt: number | null;
}

for (const kind of stores) {
  describe(`crm-server devices (${kind})`, () => {
    let target: StoreTarget;
    let serve: ServeProcess | undefined;

    beforeAll(() => {
      target = newStoreTarget(kind);
    });
    afterEach(async () => {
      await killServes();
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    it(
      'a fresh server logs how to create the first administrator, and that command works as printed',
      async () => {
        // On PostgreSQL the URL carries a password (trust authentication ignores it): the log must not.
        const secret = 's3cret-Pw';
        const url = new URL(PG_URL);
        url.password = secret;
        const args = kind === 'pg' ? ['--pg', url.toString(), '--pg-schema', target.schema!] : target.args;
        const started = await startServe(args);
        serve = started.proc;
        const hint = await serve.waitForLog((l) => /^no users yet/.test(l.msg), 'the first-admin hint');
        expect(hint.level).toBe(40);
        const command = /create the first administrator with: (npm run --silent crm-server -- .*)$/.exec(hint.msg)?.[1];
        expect(command, hint.msg).toBeDefined();
        const words = shellWords(command!);
        expect(words.slice(0, 5)).toEqual(['npm', 'run', '--silent', 'crm-server', '--']);
        url.password = '***';
        const shown = kind === 'pg' ? ['--pg', url.toString(), '--pg-schema', target.schema!] : target.args;
        expect(words.slice(5)).toEqual(['user', 'add', ...shown, '--username', 'admin', '--password', '<password>', '--role', 'admin']);
        expect(JSON.stringify(serve.logs)).not.toContain(secret);

        // The operator fills in the two passwords.
        const made = await runCli(words.slice(5).map((w) => w.replace('<password>', 'first-admin-pw').replace('***', secret)));
        expect({ code: made.code, stderr: made.stderr }).toEqual({ code: 0, stderr: '' });
        expect(made.stdout).toMatch(/^added admin admin \([0-9a-f-]{36}\)\n$/);
        // The running server sees the new user at once: the administrator can sign in.
        const admin = await login(started.url, 'admin', 'first-admin-pw', 'admin desktop');
        expect(admin.token.length).toBeGreaterThan(20);

        serve.signal('SIGTERM');
        expect(await serve.exited).toEqual({ code: 0, signal: null });
      },
      CLI_TIMEOUT,
    );

    it(
      'sign-in registers a device that device list shows; revoke refuses its next request and its open socket',
      async () => {
        await seedUser(target, { username: 'wang.rep', password: 'rep-password-1', role: 'sales_rep' });
        const started = await startServe(target.args);
        serve = started.proc;
        const base = started.url;

        const laptop = await login(base, 'wang.rep', 'rep-password-1', '王芳的笔记本');
        const phone = await login(base, 'wang.rep', 'rep-password-1', 'phone');
        const registered = await serve.waitForLog((l) => l.msg === 'device registered' && l.deviceId === laptop.deviceId, 'the laptop registration');
        expect(registered).toMatchObject({ user: 'wang.rep', level: 30 });
        // A server that has users says nothing about the first administrator (it would have by now:
        // the check runs right after the listening line, before any request is served).
        expect(serve.logs.some((l) => /no users yet/.test(l.msg))).toBe(false);

        const listed = await runCli(['device', 'list', ...target.args, '--json']);
        expect(listed.code, listed.stderr).toBe(0);
        const devices = JSON.parse(listed.stdout) as ListedDevice[];
        expect(devices.find((d) => d.id === laptop.deviceId)).toEqual({
          id: laptop.deviceId,
          userId: laptop.userId,
          username: 'wang.rep',
          name: '王芳的笔记本',
          createdAt: expect.any(Number),
          lastSeenAt: expect.any(Number),
          revokedAt: null,
          expiredAt: null,
        });
        expect(devices.map((d) => d.id)).toContain(phone.deviceId);

        const socket = await SyncSocket.open(base);
        expect(await socket.hello(laptop.token)).toMatchObject({ type: 'welcome', deviceId: laptop.deviceId });
        expect(await socket.ask({ type: 'pull', id: 1, cursor: 0 })).toMatchObject({ type: 'changes', id: 1 });
        expect((await postJson(base, '/v1/pull', { type: 'pull', id: 1, cursor: 0 }, laptop.token)).status).toBe(200);

        const revoked = await runCli(['device', 'revoke', laptop.deviceId, ...target.args]);
        expect({ code: revoked.code, stderr: revoked.stderr }).toEqual({ code: 0, stderr: '' });
        expect(revoked.stdout).toBe(`device ${laptop.deviceId} revoked; it is refused from its next request on\n`);

        expectRefusal(await postJson(base, '/v1/pull', { type: 'pull', id: 2, cursor: 0 }, laptop.token), 403, 'DEVICE_REVOKED');
        expect(await socket.ask({ type: 'pull', id: 3, cursor: 0 })).toMatchObject({ type: 'error', id: 3, code: 'DEVICE_REVOKED' });
        expect(await socket.closed).toEqual({ code: 4003, reason: 'DEVICE_REVOKED' });
        // Another socket with that token is refused at its hello; the other device is untouched.
        const retry = await SyncSocket.open(base);
        expect(await retry.hello(laptop.token)).toMatchObject({ type: 'error', code: 'DEVICE_REVOKED' });
        expect((await postJson(base, '/v1/pull', { type: 'pull', id: 4, cursor: 0 }, phone.token)).status).toBe(200);

        const text = await runCli(['device', 'list', ...target.args]);
        expect(text.code, text.stderr).toBe(0);
        const lines = text.stdout.trim().split('\n');
        // The administrator's desktop from the first test, and the two of wang.rep.
        expect(lines).toHaveLength(3);
        expect(lines.find((l) => l.startsWith(laptop.deviceId))).toMatch(/wang\.rep\s+王芳的笔记本\s+last seen \d{4}-\d\d-\d\dT[\d:.]+Z {2}REVOKED$/);
        expect(lines.find((l) => l.startsWith(phone.deviceId))).not.toMatch(/REVOKED/);

        const unknown = await runCli(['device', 'revoke', '01a00000-0000-7000-8000-00000000dead', ...target.args]);
        expect({ code: unknown.code, stdout: unknown.stdout, stderr: unknown.stderr }).toEqual({ code: 2, stdout: '', stderr: 'crm-server: no device 01a00000-0000-7000-8000-00000000dead\n' });

        // The server noticed nothing it could not handle.
        expect(serve.logs.filter((l) => l.level >= 50)).toEqual([]);
        serve.signal('SIGTERM');
        expect(await serve.exited).toEqual({ code: 0, signal: null });
      },
      CLI_TIMEOUT,
    );
  });
}
