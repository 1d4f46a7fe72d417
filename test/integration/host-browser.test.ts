import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MAX_WIRE_REQUEST_BYTES, type WireMessage, type WireReply } from '../../src-shared/api/wire-protocol';
import { startBrowserHost, type BrowserHost } from '../../src-main/host/browser-host';

/** The socket's access token in these tests (the host makes a random one per data folder). */
const TOKEN = 'test-token-0123456789abcdefghijklmnop';
import { silentLogger } from '../../src-main/host/log';

/**
 * The browser host in this process, on a free port, with a temporary replica and a small
 * stand-in renderer (so these tests do not depend on the UI build). The core is the real
 * bundled worker: run `npm run build` (or `node scripts/build.mjs main`) first.
 */
const ROOT = path.resolve(__dirname, '../..');
const WORKER = path.join(ROOT, 'dist/main/core-worker.cjs');
const INDEX_HTML = '<!doctype html><title>CRM test renderer</title><script type="module" src="./assets/app-1a2b.js"></script>';
const SECRET = 'not-for-the-browser-7f3c';

let tmp: string;
let host: BrowserHost;
let origin: string;

beforeAll(async () => {
  if (!fs.existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` before the host tests`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-host-'));
  const renderer = path.join(tmp, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(renderer, 'assets', 'app-1a2b.js'), 'console.log("app");\n');
  // Beside the renderer folder: what a traversal would reach.
  fs.writeFileSync(path.join(tmp, 'secret.txt'), SECRET);
  host = await startBrowserHost({
    core: { dataDir: path.join(tmp, 'data'), migrationsDir: path.join(ROOT, 'migrations/client'), seedDemo: false, osLocale: 'zh-CN', appVersion: '9.8.7-test' },
    workerFile: WORKER,
    rendererDir: renderer,
    port: 0,
    accessToken: TOKEN,
    log: silentLogger,
  });
  origin = host.url.replace(/\/$/, '');
});

afterAll(async () => {
  await host?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with the path exactly as given: fetch() would normalise `/../` away before sending. */
function rawGet(rawPath: string, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: host.port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open API socket, with every message it receives queued for `next`. */
interface TestSocket {
  ws: WebSocket;
  next(predicate?: (m: WireMessage) => boolean): Promise<WireMessage>;
  call(id: number, method: string, input?: unknown): Promise<WireReply>;
}

function connect(headers: Record<string, string> = {}): Promise<TestSocket> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api?token=${TOKEN}`, { headers: { Origin: origin, ...headers } });
  const inbox: WireMessage[] = [];
  const waiters: { predicate: (m: WireMessage) => boolean; resolve: (m: WireMessage) => void }[] = [];
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as WireMessage;
    const i = waiters.findIndex((w) => w.predicate(message));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  const socket: TestSocket = {
    ws,
    next(predicate = () => true) {
      const i = inbox.findIndex(predicate);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
    async call(id, method, input = {}) {
      ws.send(JSON.stringify({ id, method, input }));
      return (await socket.next((m) => 'id' in m && m.id === id)) as WireReply;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
}

/** The status with which an upgrade is refused (or `open` when it is not). */
function upgradeOutcome(headers: Record<string, string>, urlPath = `/api?token=${TOKEN}`): Promise<number | 'open'> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}${urlPath}`, { headers });
  return new Promise((resolve) => {
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.once('error', () => undefined);
  });
}

describe('serving the renderer', () => {
  it('binds to loopback and answers / with index.html, its policy and no caching', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.openUrl).toBe(`${host.url}?token=${TOKEN}`);
    const res = await rawGet('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toBe(INDEX_HTML);
  });

  it('serves hashed assets as JavaScript, cached for good', async () => {
    const res = await rawGet('/assets/app-1a2b.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toContain('console.log("app")');
  });

  it('falls back to index.html for client routes but not for missing assets', async () => {
    const route = await rawGet('/accounts/0192f3a4?tab=contacts');
    expect(route.status).toBe(200);
    expect(route.body).toBe(INDEX_HTML);
    const asset = await rawGet('/assets/missing-9z.js');
    expect(asset.status).toBe(404);
    expect(asset.body).not.toContain('<!doctype html>');
  });

  it('answers a revalidation with 304 when the file has not changed', async () => {
    const first = await rawGet('/assets/app-1a2b.js');
    const again = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: host.port, path: '/assets/app-1a2b.js', headers: { 'If-None-Match': String(first.headers.etag) } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(again).toBe(304);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/..%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/%00../secret.txt',
    '/%E0%A4%A',
  ])('refuses %s without touching files outside the renderer', async (rawPath) => {
    const res = await rawGet(rawPath);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain(SECRET);
  });

  it('accepts only GET and HEAD', async () => {
    expect((await rawGet('/', 'POST')).status).toBe(405);
    const head = await rawGet('/', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(INDEX_HTML));
  });
});

describe('the API socket: successful calls', () => {
  it('answers app.info from the core with the host’s version and data folder', async () => {
    const s = await connect();
    const { reply } = await s.call(1, 'app.info');
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.value).toMatchObject({ version: '9.8.7-test', locale: 'zh-CN', dataDir: path.join(tmp, 'data') });
    s.ws.close();
  });

  it('pushes a change made through one socket to every connected socket', async () => {
    const [a, b] = await Promise.all([connect(), connect()]);
    const { reply } = await a.call(7, 'record.create', { entity: 'account', values: { name: '宁波港信物流有限公司' } });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    const id = (reply.value as { id: string }).id;
    const isChange = (m: WireMessage) => 'event' in m && m.event.type === 'changed' && m.event.ids.includes(id);
    const [seenByA, seenByB] = await Promise.all([a.next(isChange), b.next(isChange)]);
    expect(seenByB).toEqual({ event: { type: 'changed', entity: 'account', ids: [id] } });
    expect(seenByA).toEqual(seenByB);
    a.ws.close();
    b.ws.close();
  });
});

describe('the API socket: refused requests', () => {
  it('answers malformed JSON with BAD_REQUEST under the id it can read, and keeps serving', async () => {
    const s = await connect();
    s.ws.send('{"id": 41, "method": "app.info", "input": {');
    const refused = (await s.next((m) => 'id' in m && m.id === 41)) as WireReply;
    expect(refused.reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect((await s.call(42, 'app.info')).reply.ok).toBe(true);
    s.ws.close();
  });

  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    const s = await connect();
    const { reply } = await s.call(5, 'record.dropAll');
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    const proto = await s.call(6, '__proto__');
    expect(proto.reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    s.ws.close();
  });

  it('answers requests that break the wire schema or the method’s input with BAD_REQUEST', async () => {
    const s = await connect();
    s.ws.send(JSON.stringify({ id: 8, method: 12 }));
    expect(((await s.next((m) => 'id' in m && m.id === 8)) as WireReply).reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const badInput = await s.call(9, 'record.get', { entity: 'spaceship', id: 'x' });
    expect(badInput.reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    s.ws.close();
  });

  it('answers an oversized request with BAD_REQUEST without reading it, and keeps the socket', async () => {
    const s = await connect();
    const huge = JSON.stringify({ id: 77, method: 'settings.set', input: { key: 'big', value: 'x'.repeat(MAX_WIRE_REQUEST_BYTES) } });
    expect(huge.length).toBeGreaterThan(MAX_WIRE_REQUEST_BYTES);
    s.ws.send(huge);
    const refused = (await s.next((m) => 'id' in m && m.id === 77)) as WireReply;
    expect(refused.reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(!refused.reply.ok && refused.reply.error.message).toContain('exceeds');
    const stored = await s.call(78, 'settings.get', { key: 'big' });
    expect(stored.reply).toEqual({ ok: true, value: null });
    s.ws.close();
  });

  it('drops a frame with no readable id and still answers the next one', async () => {
    const s = await connect();
    s.ws.send('not json at all');
    s.ws.send(Buffer.from([0xff, 0xfe, 0x00]));
    s.ws.send(JSON.stringify({ id: 90, method: 'sync.status', input: {} }));
    // Frames are answered in order, so the first message back being reply 90 shows the two
    // before it were dropped without an answer and without costing the socket.
    const first = (await s.next()) as WireReply;
    expect(first.id).toBe(90);
    expect(first.reply.ok).toBe(true);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.ws.close();
  });
});

describe('who may open the API socket', () => {
  it('refuses anyone without the access token, whatever their origin', async () => {
    expect(await upgradeOutcome({ Origin: origin }, '/api')).toBe(401);
    expect(await upgradeOutcome({}, '/api?token=')).toBe(401);
    expect(await upgradeOutcome({}, `/api?token=${TOKEN.slice(0, -1)}x`)).toBe(401);
    expect(await upgradeOutcome({}, `/api?token=${TOKEN}${TOKEN}`)).toBe(401);
  });

  it('accepts the host’s own origin and programs that send no Origin, with the token', async () => {
    expect(await upgradeOutcome({ Origin: origin })).toBe('open');
    expect(await upgradeOutcome({})).toBe('open');
    expect(await upgradeOutcome({ Origin: `http://localhost:${host.port}`, Host: `localhost:${host.port}` })).toBe('open');
  });

  it('refuses a page from another site', async () => {
    expect(await upgradeOutcome({ Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeOutcome({ Origin: 'null' })).toBe(403);
    expect(await upgradeOutcome({ Origin: `http://127.0.0.1:${host.port + 1}` })).toBe(403);
  });

  it('refuses a DNS-rebinding page that reaches loopback under its own host name', async () => {
    const rebound = `evil.example:${host.port}`;
    expect(await upgradeOutcome({ Host: rebound, Origin: `http://${rebound}` })).toBe(403);
  });

  it('offers no socket on other paths', async () => {
    expect(await upgradeOutcome({ Origin: origin }, '/ws')).toBe(404);
    expect((await rawGet('/api')).status).toBe(426);
  });
});

describe('closing the host', () => {
  it('says goodbye to open sockets, stops listening and closes the core', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-host-close-'));
    const own = await startBrowserHost({
      core: { dataDir: dir, migrationsDir: path.join(ROOT, 'migrations/client'), seedDemo: false, osLocale: 'en', appVersion: '0.0.0-test' },
      workerFile: WORKER,
      rendererDir: path.join(tmp, 'renderer'),
      port: 0,
      accessToken: TOKEN,
      log: silentLogger,
    });
    const ws = new WebSocket(`ws://127.0.0.1:${own.port}/api?token=${TOKEN}`);
    await new Promise((resolve) => ws.once('open', resolve));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await own.close();
    expect(await closed).toBe(1001);
    expect(await own.core.invoke('app.info', {})).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    const refused = await new Promise<string>((resolve) => {
      http.get({ host: '127.0.0.1', port: own.port, path: '/' }, () => resolve('answered')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    // The replica was closed cleanly: the WAL was checkpointed away.
    expect(fs.existsSync(path.join(dir, 'replica.db'))).toBe(true);
    expect(fs.statSync(path.join(dir, 'replica.db-wal'), { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('moves on to the next port when the first is taken and attempts allow it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-host-port-'));
    const next = await startBrowserHost({
      core: { dataDir: dir, migrationsDir: path.join(ROOT, 'migrations/client'), seedDemo: false, osLocale: 'en', appVersion: '0.0.0-test' },
      workerFile: WORKER,
      rendererDir: path.join(tmp, 'renderer'),
      port: host.port,
      portAttempts: 5,
      accessToken: TOKEN,
      log: silentLogger,
    });
    expect(next.port).toBeGreaterThan(host.port);
    expect(next.port).toBeLessThan(host.port + 5);
    await next.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
