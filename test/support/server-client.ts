import http from 'node:http';
import https from 'node:https';
import { expect } from 'vitest';
import { WebSocket } from 'ws';
import { CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION, connectionErrorCodes, type ConnectionErrorCode } from '../../src-shared/sync/protocol.contract';
import { statusOf } from '../../src-server/http/protocol-error';
import type { SqlStore } from '../../src-server/store/sql-store';

/**
 * A plain client of the sync server's HTTP and WebSocket surface for the server-*.test.ts files:
 * it sends exactly the bytes and headers a test names (garbage included) and hands back what came.
 */

export const VERSION_HEADERS: Record<string, string> = { 'x-crm-protocol': String(PROTOCOL_VERSION), 'x-crm-schema': String(CLIENT_SCHEMA_VERSION) };

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For HTTPS: the certificate to trust (the test's self-signed one, made for 127.0.0.1). */
  ca?: string | Buffer;
  agent?: http.Agent;
}

export function request(url: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const headers = { ...options.headers };
  // Node frames a DELETE's body with neither a length nor chunks unless told.
  if (options.body !== undefined && !Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h))) {
    headers['content-length'] = String(Buffer.byteLength(options.body));
  }
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
        headers,
        agent: options.agent,
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function jsonHeaders(token?: string): Record<string, string> {
  return { ...VERSION_HEADERS, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

export async function postJson(base: string, path: string, body: unknown, token?: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return request(`${base}${path}`, { method: 'POST', headers: { ...jsonHeaders(token), ...headers }, body: JSON.stringify(body) });
}

export interface Device {
  token: string;
  deviceId: string;
  userId: string;
}

export async function login(base: string, username: string, password: string, deviceName = 'test device'): Promise<Device> {
  const res = await postJson(base, '/v1/login', { username, password, deviceName, protocol: PROTOCOL_VERSION, schema: CLIENT_SCHEMA_VERSION });
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status} ${res.text}`);
  const body = JSON.parse(res.text) as { token: string; deviceId: string; user: { id: string } };
  return { token: body.token, deviceId: body.deviceId, userId: body.user.id };
}

/**
 * Checks a refusal: the HTTP status, and a `{ code, message }` body whose code is from the
 * protocol's closed list. Where the status is the code's own, it must be the one statusOf names.
 */
export function expectRefusal(answer: { status: number; text: string }, status: number, code: ConnectionErrorCode): { code: string; message: string } {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    throw new Error(`expected a JSON refusal, got ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  expect({ status: answer.status, body }).toMatchObject({ status, body: { code, message: expect.any(String) } });
  const refusal = body as { code: string; message: string };
  expect(refusal.message.length).toBeGreaterThan(5);
  expect(connectionErrorCodes).toContain(refusal.code);
  return refusal;
}

/** Status codes a refusal may carry besides its code's own: Fastify's routing and content-type answers. */
export const ROUTING_STATUSES = [404, 415, 431];

export function isAllowedRefusal(status: number, body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { code, message } = body as { code?: unknown; message?: unknown };
  if (typeof message !== 'string' || !(connectionErrorCodes as readonly unknown[]).includes(code)) return false;
  const own = statusOf(code as ConnectionErrorCode);
  return status === own || (code === 'BAD_REQUEST' && ROUTING_STATUSES.includes(status));
}

/**
 * One WebSocket to /v1/sync whose answers are awaited in order, and whose close is observable.
 * Pokes come whenever the server likes (on PostgreSQL after the NOTIFY round trip), so they are
 * kept apart from the answers.
 */
export class SyncSocket {
  readonly pokes: unknown[] = [];
  private readonly queue: unknown[] = [];
  private readonly waiters: ((m: unknown) => void)[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data: Buffer) => {
      const message: unknown = JSON.parse(data.toString('utf8'));
      if ((message as { type?: unknown }).type === 'poke') {
        this.pokes.push(message);
        return;
      }
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(base: string, options: { ca?: string | Buffer } = {}): Promise<SyncSocket> {
    const url = `${base.replace(/^http/, 'ws')}/v1/sync`;
    const socket = new SyncSocket(new WebSocket(url, options.ca ? { ca: options.ca } : {}));
    await socket.opened;
    return socket;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** The next message, or an error when the socket closes first. */
  next(): Promise<Record<string, unknown>> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued as Record<string, unknown>);
    return new Promise((resolve, reject) => {
      const waiter = (m: unknown) => resolve(m as Record<string, unknown>);
      this.waiters.push(waiter);
      void this.closed.then(({ code, reason }) => {
        const at = this.waiters.indexOf(waiter);
        if (at < 0) return;
        this.waiters.splice(at, 1);
        reject(new Error(`socket closed (${code} ${reason}) before the next message`));
      });
    });
  }

  async ask(message: unknown): Promise<Record<string, unknown>> {
    this.send(message);
    return this.next();
  }

  async hello(token: string, versions: { protocol?: number; schema?: number } = {}): Promise<Record<string, unknown>> {
    return this.ask({ type: 'hello', protocol: versions.protocol ?? PROTOCOL_VERSION, schema: versions.schema ?? CLIENT_SCHEMA_VERSION, token, cursor: 0 });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}

/** The tables whose rows are the server's data; a request that must change nothing leaves them all equal. */
export const DATA_TABLES = {
  records: 'entity, id',
  record_refs: 'entity, id',
  changes: 'cn',
  counters: 'name',
  mutation_results: 'device_id, seq',
  users: 'id',
  devices: 'id',
} as const;
export type DataTable = keyof typeof DATA_TABLES;
export type Fingerprint = Record<DataTable, Map<string, string>>;

/**
 * Every row of the data tables, keyed by primary key, as JSON (numbers as numbers on both stores).
 * `ignore` leaves out columns a test expects to move, such as the device's last_seen_at, which a
 * socket's hello sets.
 */
export async function fingerprint(store: SqlStore, ignore: string[] = []): Promise<Fingerprint> {
  const out = {} as Fingerprint;
  const tables = Object.entries(DATA_TABLES) as [DataTable, string][];
  // Side by side: on PostgreSQL each query is a round trip of its own (the pool has room).
  const all = await Promise.all(tables.map(([table, key]) => store.all<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${key}`)));
  for (const [i, [table, key]] of tables.entries()) {
    const rows = all[i]!;
    const keyCols = key.split(', ');
    out[table] = new Map(
      rows.map((r) => [
        keyCols.map((c) => String(r[c])).join('\u0001'),
        JSON.stringify(Object.entries(r).filter(([k]) => !ignore.includes(k))),
      ]),
    );
  }
  return out;
}

/** What changed in one table between two fingerprints. */
export function tableDiff(before: Map<string, string>, after: Map<string, string>): { added: string[]; removed: string[]; changed: string[] } {
  const added = [...after.keys()].filter((k) => !before.has(k));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k));
  return { added, removed, changed };
}

/** A fingerprinted row back as an object. */
export function rowOf(json: string | undefined): Record<string, unknown> {
  if (json === undefined) throw new Error('no such row');
  return Object.fromEntries(JSON.parse(json) as [string, unknown][]);
}
