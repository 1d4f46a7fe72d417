import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, type StoreKind } from '../support/sync-fixture';
import { tempDir } from '../support/core-fixture';
import { SyncSocket, login, request, type Device } from '../support/server-client';
import { ROOT, killServes, newStoreTarget, openRawDb, seedUser, spawnServe, startServe, type StoreTarget } from '../support/server-process';
import { DEFAULT_STAGES } from '../../src-server/sales/default-stages';

/**
 * `crm-server serve` as a process: health, JSON logs on stdout, a clean exit on SIGTERM, HTTPS,
 * and refusal of a database from a newer server. Stopping mid-push: server-shutdown.test.ts.
 */

const stores: StoreKind[] = ['sqlite', 'pg'];
const SERVE_TIMEOUT = 90_000;
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

for (const kind of stores) {
  describe(`crm-server serve (${kind})`, () => {
    let target: StoreTarget;
    let rep: Device;

    beforeAll(async () => {
      target = newStoreTarget(kind);
      await seedUser(target, { username: 'wang.rep', password: 'rep-password-1', role: 'sales_rep', name: '王芳' });
    });
    afterEach(async () => {
      await killServes();
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    it(
      'answers /health, logs JSON lines on stdout, and on SIGTERM closes open sockets and exits 0',
      async () => {
        const { proc, url } = await startServe(target.args);
        expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const health = await request(`${url}/health`);
        expect(health.status).toBe(200);
        expect(JSON.parse(health.text)).toEqual({ ok: true, version: VERSION, store: kind, cn: DEFAULT_STAGES.length });

        rep = await login(url, 'wang.rep', 'rep-password-1', 'laptop');
        const socket = await SyncSocket.open(url);
        expect(await socket.hello(rep.token)).toMatchObject({ type: 'welcome' });
        await proc.waitForLog((l) => l.msg === 'request completed' && (l.res as { statusCode?: number } | undefined)?.statusCode === 200, 'a completed request');

        proc.signal('SIGTERM');
        expect(await socket.closed).toMatchObject({ code: 1001 });
        expect(await proc.exited).toEqual({ code: 0, signal: null });
        expect(proc.stderr).toBe('');
        expect(proc.strayLines).toEqual([]);
        for (const line of proc.logs) {
          expect(line).toMatchObject({ level: expect.any(Number), time: expect.any(Number), pid: proc.child.pid, msg: expect.any(String) });
        }
        const listening = proc.logs.find((l) => l.msg === 'sync server listening');
        expect(listening).toMatchObject({ level: 30, url, store: kind === 'pg' ? expect.stringContaining(`(schema ${target.schema})`) : target.dir });
        const incoming = proc.logs.find((l) => l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === '/health');
        expect(incoming).toMatchObject({ reqId: expect.any(String), req: { method: 'GET' } });
        expect(proc.logs.find((l) => l.msg === 'request completed' && l.reqId === incoming!.reqId)).toMatchObject({ res: { statusCode: 200 }, responseTime: expect.any(Number) });
        expect(proc.logs.find((l) => l.msg.startsWith('shutting down'))).toMatchObject({ signal: 'SIGTERM' });
        // No request-logging of secrets: the password and the token never reach the log.
        const all = JSON.stringify(proc.logs);
        expect(all).not.toContain('rep-password-1');
        expect(all).not.toContain(rep.token);
      },
      SERVE_TIMEOUT,
    );

    it(
      'serves HTTPS and WSS with --cert and --key; plain HTTP to that port gets no answer',
      async () => {
        const dir = tempDir('crm-tls-');
        try {
          const cert = path.join(dir, 'cert.pem');
          const key = path.join(dir, 'key.pem');
          await promisify(execFile)('openssl', [
            'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert,
          ]);
          const ca = fs.readFileSync(cert);
          const { proc, url } = await startServe([...target.args, '--cert', cert, '--key', key]);
          expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
          const health = await request(`${url}/health`, { ca });
          expect(health.status).toBe(200);
          expect(JSON.parse(health.text)).toEqual({ ok: true, version: VERSION, store: kind, cn: DEFAULT_STAGES.length });
          // Without trusting the certificate, the client refuses: it really is TLS with this certificate.
          await expect(request(`${url}/health`)).rejects.toThrow(/self[- ]signed/i);
          await expect(request(`${url.replace('https:', 'http:')}/health`)).rejects.toThrow();
          const socket = await SyncSocket.open(url, { ca });
          expect(await socket.hello(rep.token)).toMatchObject({ type: 'welcome', cursor: DEFAULT_STAGES.length });
          socket.close();
          proc.signal('SIGTERM');
          expect(await proc.exited).toEqual({ code: 0, signal: null });

          const half = spawnServe([...target.args, '--cert', cert]);
          expect(await half.exited).toEqual({ code: 2, signal: null });
          expect(half.stderr).toBe('crm-server: HTTPS needs both --cert and --key\n');
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
      SERVE_TIMEOUT,
    );

    it(
      'refuses a database with a migration newer than it knows, with a clear message, and leaves it untouched',
      async () => {
        const db = await openRawDb(target);
        let before: unknown[];
        let records: number[];
        try {
          records = (await db.all<{ n: number }>('SELECT count(*) AS n FROM records')).map((r) => Number(r.n));
          await db.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [9999, '9999_from_the_future.sql', Date.now()]);
          before = await db.all('SELECT * FROM schema_migrations ORDER BY version');
        } finally {
          await db.close();
        }
        const proc = spawnServe(target.args);
        expect(await proc.exited).toEqual({ code: 2, signal: null });
        const location = kind === 'pg' ? `${PG_URL} (schema ${target.schema})` : target.dir;
        expect(proc.stderr).toBe(`crm-server: The server database ${location} has schema version 9999, newer than this server knows (${latestServerMigration(kind)}). Update the server.\n`);
        expect(proc.logs.some((l) => l.msg === 'sync server listening')).toBe(false);
        const after = await openRawDb(target);
        try {
          expect(await after.all('SELECT * FROM schema_migrations ORDER BY version')).toEqual(before);
          expect((await after.all<{ n: number }>('SELECT count(*) AS n FROM records')).map((r) => Number(r.n))).toEqual(records);
        } finally {
          await after.close();
        }
      },
      SERVE_TIMEOUT,
    );
  });
}

/** The newest migration this server build has for a store (migrations/server-<store>/NNNN_*.sql). */
function latestServerMigration(kind: 'sqlite' | 'pg'): number {
  const dir = fileURLToPath(new URL(`../../migrations/server-${kind}`, import.meta.url));
  return Math.max(...fs.readdirSync(dir).map((f) => Number.parseInt(f, 10)).filter(Number.isFinite));
}
