import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { openReplicaFile } from '../support/replica-file';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { WireReply } from '../../src-shared/api/wire-protocol';

/** dist/main/host.cjs as `npm start` and people run it. Needs `npm run build` first. */
const ROOT = path.resolve(__dirname, '../..');
const HOST = path.join(ROOT, 'dist/main/host.cjs');
const LISTENING = /^CRM browser host listening on (http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([A-Za-z0-9_-]{32,})$/;

type HostProcess = ChildProcessByStdio<null, Readable, Readable> & { out: string; err: string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> };

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0).reverse()) fn();
});

beforeAll(() => {
  if (!fs.existsSync(HOST)) throw new Error(`${HOST} is missing: run \`npm run build\` before the host tests`);
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-hostproc-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function runHost(args: string[], env: NodeJS.ProcessEnv = process.env): HostProcess {
  const child = spawn(process.execPath, [HOST, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }) as HostProcess;
  child.out = '';
  child.err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (child.out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (child.err += s));
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

/** Resolves with the URL from the listening line, or rejects if the host exits first. */
function listening(child: HostProcess): Promise<{ url: string; port: number; token: string }> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const first = child.out.split('\n')[0] ?? '';
      const match = child.out.includes('\n') ? LISTENING.exec(first) : null;
      if (match) {
        child.stdout.off('data', check);
        resolve({ url: match[1]!, port: Number(match[2]), token: match[3]! });
      } else if (child.out.includes('\n')) {
        reject(new Error(`unexpected first line: ${first}`));
      }
    };
    child.stdout.on('data', check);
    void child.exited.then(({ code }) => reject(new Error(`host exited with ${code} before listening: ${child.err}`)));
  });
}

function callOnce(port: number, token: string, method: string): Promise<WireReply> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, method, input: {} })));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as WireReply;
      if (message.id !== 1) return;
      ws.close();
      resolve(message);
    });
  });
}

describe('host process: successful runs', () => {
  it('prints exactly one stdout line with the real port, serves the API, and exits 0 on SIGTERM', async () => {
    const data = tempDir();
    const child = runHost(['--port', '0', '--data', data, '--no-demo', '--locale', 'zh-CN']);
    const { port, token } = await listening(child);
    expect(port).toBeGreaterThan(0);

    const info = await callOnce(port, token, 'app.info');
    expect(info.reply).toMatchObject({ ok: true, value: { dataDir: data, locale: 'zh-CN' } });
    // The token is kept owner-only beside the replica, and the folder is owner-only too.
    expect(fs.readFileSync(path.join(data, 'host-token'), 'utf8').trim()).toBe(token);
    expect(fs.statSync(path.join(data, 'host-token')).mode & 0o077).toBe(0);

    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.out.split('\n').filter(Boolean)).toHaveLength(1);
    expect(fs.existsSync(path.join(data, 'replica.db'))).toBe(true);
  });

  it('exits 0 on SIGINT too', async () => {
    const child = runHost(['--port', '0', '--data', tempDir(), '--no-demo']);
    await listening(child);
    child.kill('SIGINT');
    expect((await child.exited).code).toBe(0);
  });

  it('keeps its replica in the user-data folder when no --data is given, on 5173 or a port after it', async () => {
    const config = tempDir();
    const child = runHost(['--no-demo'], { ...process.env, XDG_CONFIG_HOME: config, CRM_LOG_LEVEL: 'warn' });
    const { port, token } = await listening(child);
    expect(port).toBeGreaterThanOrEqual(5173);
    expect(port).toBeLessThan(5173 + 20);
    const info = await callOnce(port, token, 'app.info');
    expect(info.reply).toMatchObject({ ok: true, value: { dataDir: path.join(config, 'offline-crm', 'browser-host') } });
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});

describe('host process: failing starts', () => {
  it('refuses a replica written by a newer app with one clear line on stderr and a non-zero exit', async () => {
    const data = tempDir();
    const newer = openReplicaFile(data);
    newer.exec("CREATE TABLE replica_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO replica_meta VALUES ('appVersion', '42.0.0');");
    newer.pragma('user_version = 999');
    newer.close();

    const child = runHost(['--port', '0', '--data', data]);
    const { code } = await child.exited;
    expect(code).not.toBe(0);
    expect(child.out).toBe('');
    const lines = child.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^CRM browser host cannot start: .*42\.0\.0.*Update the app/);
  });

  it('rejects a bad --port with usage and exit code 2', async () => {
    const child = runHost(['--port', 'eighty']);
    expect((await child.exited).code).toBe(2);
    expect(child.err).toContain('--port must be a number');
    expect(child.err).toContain('usage:');
  });

  it('reports a taken explicit port in one line instead of moving elsewhere', async () => {
    const first = runHost(['--port', '0', '--data', tempDir(), '--no-demo']);
    const { port } = await listening(first);
    const second = runHost(['--port', String(port), '--data', tempDir(), '--no-demo']);
    expect((await second.exited).code).toBe(1);
    expect(second.err.trim().split('\n')).toHaveLength(1);
    expect(second.err).toContain('already in use');
    first.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});
