import WebSocket from 'ws';
import { gunzipSync } from 'node:zlib';
import {
  CLIENT_SCHEMA_VERSION,
  PROTOCOL_VERSION,
  adminDevicesResponse,
  adminLoginsPage,
  adminRevokeResponse,
  adminUnlockResponse,
  adminUsersResponse,
  directoryResponse, errorBody,
  historyPage,
  loginResponse,
  parseSnapshotPage,
  serverMessage,
  type ClientMessage,
  type ServerMessage,
} from '../../../src-shared/sync/protocol.contract';
import type { z } from 'zod';
import type { Access } from '../../../src-shared/permissions/access';
import { connectionErrorCodes, orgRefusal, type ConnectionErrorCode } from '../../../src-shared/sync/protocol.contract';
import { adminOrgAnswers, adminOrgRoute, type AdminOrgAnswer, type AdminOrgRequest, type OrgAnswer } from '../../../src-shared/sync/admin-org.contract';
import { SyncFailure, type ConnectHandlers, type SyncConnection, type SyncConnector } from './sync-connection';

/** How long a request may go unanswered before the connection counts as broken. */
const REQUEST_TIMEOUT_MS = 60_000;

function isConnectionCode(code: unknown): code is ConnectionErrorCode {
  return typeof code === 'string' && (connectionErrorCodes as readonly string[]).includes(code);
}

function normaliseServer(server: string): URL {
  let text = server.trim();
  if (!/^https?:\/\//i.test(text)) text = `http://${text}`;
  const url = new URL(text);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

async function httpFailure(res: Response): Promise<SyncFailure> {
  const text = await res.text().catch(() => '');
  let parsed: { code: string; message: string } | null = null;
  try {
    const body = errorBody.safeParse(JSON.parse(text));
    if (body.success) parsed = body.data;
  } catch {
    parsed = null;
  }
  if (parsed && isConnectionCode(parsed.code)) return new SyncFailure(parsed.code, parsed.message);
  if (res.status >= 500) return new SyncFailure('INTERNAL', `server error ${res.status}`);
  return new SyncFailure('BAD_REQUEST', parsed?.message ?? `HTTP ${res.status}`);
}

async function request(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new SyncFailure('NETWORK', `cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}

const versionHeaders = { 'x-crm-protocol': String(PROTOCOL_VERSION), 'x-crm-schema': String(CLIENT_SCHEMA_VERSION) };

/**
 * One organisation request (admin-org.contract.ts) over HTTP. A refusal that names its reason is
 * an answer (the client says why in words); any other refusal fails as the other requests do.
 */
async function adminOrgHttp<R extends AdminOrgRequest>(httpBase: string, headers: Record<string, string>, call: R): Promise<OrgAnswer<AdminOrgAnswer<R['op']>>> {
  const route = adminOrgRoute(call);
  const res = await request(new URL(`${httpBase}${route.path}`), {
    method: route.method,
    headers: route.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
  });
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const refusal = orgRefusal.safeParse(body);
    if (refusal.success) return { ok: false, refusal: refusal.data };
    if (res.status === 404) throw new SyncFailure('BAD_REQUEST', 'the server cannot manage the organisation (it is older than this app)');
    throw await httpFailure(new Response(text, { status: res.status }));
  }
  const parsed = adminOrgAnswers[call.op].safeParse(await res.json());
  if (!parsed.success) throw new SyncFailure('BAD_REQUEST', `malformed answer from ${route.path}`);
  return { ok: true, value: parsed.data as AdminOrgAnswer<R['op']> };
}

/**
 * The real connector: login and snapshots over HTTP(S), push / pull and the server's pokes over
 * one WebSocket with permessage-deflate, so a one-field edit costs a small frame, not HTTP headers.
 */
export class WsConnector implements SyncConnector {
  constructor(private readonly schema: number = CLIENT_SCHEMA_VERSION) {}

  async login(server: string, username: string, password: string, deviceName: string) {
    const base = normaliseServer(server);
    const res = await request(new URL(`${base.href.replace(/\/$/, '')}/v1/login`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, deviceName, protocol: PROTOCOL_VERSION, schema: this.schema }),
    });
    if (!res.ok) throw await httpFailure(res);
    const parsed = loginResponse.safeParse(await res.json());
    if (!parsed.success) throw new SyncFailure('BAD_REQUEST', 'the server answered the sign-in with something this app does not understand');
    return parsed.data;
  }

  async logout(server: string, token: string): Promise<void> {
    const base = normaliseServer(server);
    const res = await request(new URL(`${base.href.replace(/\/$/, '')}/v1/logout`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...versionHeaders, 'x-crm-schema': String(this.schema) },
      body: '{}',
    });
    if (!res.ok) throw await httpFailure(res);
  }

  connect(server: string, token: string, cursor: number, handlers: ConnectHandlers): Promise<SyncConnection> {
    const base = normaliseServer(server);
    const prefix = base.pathname.replace(/\/+$/, '');
    const wsUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${prefix}/v1/sync`;
    const httpBase = base.href.replace(/\/$/, '');
    const schema = this.schema;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { perMessageDeflate: { threshold: 256 }, handshakeTimeout: 15_000 });
      const bytes = { sent: 0, received: 0 };
      const waiting = new Map<number, { resolve: (m: ServerMessage) => void; reject: (e: SyncFailure) => void; timer: NodeJS.Timeout }>();
      let nextId = 1;
      let welcomed = false;
      let welcomeAccess: Access | undefined;
      let closed = false;

      const fail = (failure: SyncFailure) => {
        if (closed) return;
        closed = true;
        for (const w of waiting.values()) {
          clearTimeout(w.timer);
          w.reject(failure);
        }
        waiting.clear();
        if (!welcomed) reject(failure);
        else handlers.onClose(failure);
        socket.terminate();
      };

      const send = (msg: ClientMessage) => {
        const text = JSON.stringify(msg);
        bytes.sent += Buffer.byteLength(text);
        socket.send(text);
      };

      const ask = (build: (id: number) => ClientMessage): Promise<ServerMessage> =>
        new Promise((res, rej) => {
          if (closed) return rej(new SyncFailure('NETWORK', 'connection closed'));
          const id = nextId++;
          const timer = setTimeout(() => fail(new SyncFailure('NETWORK', 'the server did not answer in time')), REQUEST_TIMEOUT_MS);
          waiting.set(id, { resolve: res, reject: rej, timer });
          send(build(id));
        });

      /**
       * One admin request (GET, or POST with an empty body). Null: the route's own 404 (no such
       * user or device); a 404 without that code is a server older than the admin routes.
       */
      const admin = async <T>(method: 'GET' | 'POST', path: string, shape: z.ZodType<T>, query: Record<string, number | undefined> = {}): Promise<T | null> => {
        const url = new URL(`${httpBase}/v1/admin/${path}`);
        for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
        const headers = { authorization: `Bearer ${token}`, ...versionHeaders, 'x-crm-schema': String(schema) };
        const res = await request(url, method === 'POST' ? { method, headers: { ...headers, 'content-type': 'application/json' }, body: '{}' } : { headers });
        if (res.status === 404) {
          const body = errorBody.safeParse(await res.json().catch(() => null));
          if (body.success && body.data.code === 'NOT_FOUND') return null;
          throw new SyncFailure('BAD_REQUEST', 'the server has no admin routes (it is older than this app)');
        }
        if (!res.ok) throw await httpFailure(res);
        const parsed = shape.safeParse(await res.json());
        if (!parsed.success) throw new SyncFailure('BAD_REQUEST', `malformed answer from /v1/admin/${path}`);
        return parsed.data;
      };
      /** A list or page: a 404 there cannot mean a missing user or device. */
      const adminList = async <T>(path: string, shape: z.ZodType<T>, query: Record<string, number | undefined> = {}): Promise<T> => {
        const out = await admin('GET', path, shape, query);
        if (out === null) throw new SyncFailure('BAD_REQUEST', 'the server has no admin routes (it is older than this app)');
        return out;
      };

      const connection: SyncConnection = {
        bytes,
        get access() {
          return welcomeAccess;
        },
        async push(mutations) {
          const answer = await ask((id) => ({ type: 'push', id, mutations }));
          if (answer.type !== 'pushResult') throw new SyncFailure('BAD_REQUEST', `unexpected answer ${answer.type} to push`);
          return answer.results;
        },
        async pull(from, limit) {
          const answer = await ask((id) => ({ type: 'pull', id, cursor: from, limit }));
          if (answer.type !== 'changes') throw new SyncFailure('BAD_REQUEST', `unexpected answer ${answer.type} to pull`);
          return { cursor: answer.cursor, hasMore: answer.hasMore, changes: answer.changes, access: answer.access };
        },
        async snapshot(entity, after, limit) {
          const url = new URL(`${httpBase}/v1/snapshot`);
          url.searchParams.set('entity', entity);
          url.searchParams.set('after', after);
          url.searchParams.set('limit', String(limit));
          // Asked for raw gzip and unpacked here, so the bytes counted are the bytes on the wire.
          const res = await request(url, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'identity, gzip', ...versionHeaders, 'x-crm-schema': String(schema) } });
          if (!res.ok) throw await httpFailure(res);
          const raw = Buffer.from(await res.arrayBuffer());
          bytes.received += raw.length;
          const text = res.headers.get('content-encoding') === 'gzip' && raw[0] === 0x1f ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
          const page = parseSnapshotPage(JSON.parse(text));
          if (!page) throw new SyncFailure('BAD_REQUEST', 'malformed snapshot page');
          return page;
        },
        async directory() {
          const res = await request(new URL(`${httpBase}/v1/directory`), { headers: { authorization: `Bearer ${token}`, ...versionHeaders, 'x-crm-schema': String(schema) } });
          if (!res.ok) throw await httpFailure(res);
          const parsed = directoryResponse.safeParse(await res.json());
          if (!parsed.success) throw new SyncFailure('BAD_REQUEST', 'malformed user directory');
          return parsed.data.users;
        },
        async history(query) {
          const url = new URL(`${httpBase}/v1/history`);
          url.searchParams.set('entity', query.entity);
          url.searchParams.set('id', query.id);
          if (query.before !== undefined) url.searchParams.set('before', String(query.before));
          if (query.limit !== undefined) url.searchParams.set('limit', String(query.limit));
          const res = await request(url, { headers: { authorization: `Bearer ${token}`, ...versionHeaders, 'x-crm-schema': String(schema) } });
          if (res.status === 404) {
            // The route's own refusal (the record is not there for this user), not a missing route on an older server.
            const body = errorBody.safeParse(await res.json().catch(() => null));
            if (body.success && body.data.code === 'NOT_FOUND') return null;
            throw new SyncFailure('BAD_REQUEST', 'the server does not keep record history (it is older than this app)');
          }
          if (!res.ok) throw await httpFailure(res);
          const parsed = historyPage.safeParse(await res.json());
          if (!parsed.success) throw new SyncFailure('BAD_REQUEST', 'malformed record history');
          return parsed.data;
        },
        adminUsers: async () => (await adminList('users', adminUsersResponse)).users,
        adminUnlock: (userId) => admin('POST', `users/${encodeURIComponent(userId)}/unlock`, adminUnlockResponse),
        adminDevices: async () => (await adminList('devices', adminDevicesResponse)).devices,
        adminRevoke: (deviceId) => admin('POST', `devices/${encodeURIComponent(deviceId)}/revoke`, adminRevokeResponse),
        adminLogins: (query) => adminList('logins', adminLoginsPage, { before: query.before, limit: query.limit }),
        adminOrg: (call) => adminOrgHttp(httpBase, { authorization: `Bearer ${token}`, ...versionHeaders, 'x-crm-schema': String(schema) }, call),
        close() {
          if (closed) return;
          closed = true;
          for (const w of waiting.values()) {
            clearTimeout(w.timer);
            w.reject(new SyncFailure('NETWORK', 'connection closed'));
          }
          waiting.clear();
          socket.close(1000);
        },
      };

      socket.on('open', () => send({ type: 'hello', protocol: PROTOCOL_VERSION, schema, token, cursor }));
      socket.on('message', (data: Buffer) => {
        bytes.received += data.length;
        let msg: ServerMessage;
        try {
          const parsed = serverMessage.safeParse(JSON.parse(data.toString('utf8')));
          if (!parsed.success) return fail(new SyncFailure('BAD_REQUEST', 'the server sent a message this app does not understand'));
          msg = parsed.data;
        } catch {
          return fail(new SyncFailure('BAD_REQUEST', 'the server sent something that is not JSON'));
        }
        switch (msg.type) {
          case 'welcome':
            welcomed = true;
            welcomeAccess = msg.access;
            resolve(connection);
            return;
          case 'poke':
            handlers.onPoke(msg.cursor, msg.org === true);
            return;
          case 'error': {
            const failure = new SyncFailure(msg.code, msg.message);
            const w = msg.id !== undefined ? waiting.get(msg.id) : undefined;
            if (w && !['AUTH_FAILED', 'DEVICE_REVOKED', 'USER_DISABLED', 'SESSION_EXPIRED'].includes(msg.code)) {
              clearTimeout(w.timer);
              waiting.delete(msg.id as number);
              w.reject(failure);
              return;
            }
            return fail(failure);
          }
          case 'pushResult':
          case 'changes': {
            const w = waiting.get(msg.id);
            if (!w) return;
            clearTimeout(w.timer);
            waiting.delete(msg.id);
            w.resolve(msg);
            return;
          }
          default: {
            const exhaustive: never = msg;
            return exhaustive;
          }
        }
      });
      socket.on('unexpected-response', (_req, res) => {
        fail(new SyncFailure(res.statusCode && res.statusCode >= 500 ? 'INTERNAL' : 'NETWORK', `the server refused the sync connection (HTTP ${res.statusCode})`));
      });
      socket.on('error', (error: Error & { code?: string }) => fail(new SyncFailure('NETWORK', `cannot reach ${base.origin}: ${error.code ?? error.message}`)));
      socket.on('close', (code, reason) => fail(new SyncFailure('NETWORK', `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`)));
    });
  }
}
