import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { z } from 'zod';
import type { WebSocket } from 'ws';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import zlib from 'node:zlib';
import { fieldDef } from '../../src-shared/entities/index';
import {
  MAX_MESSAGE_BYTES,
  adminDepartmentCreate,
  adminDepartmentUpdate,
  adminLoginsQuery,
  adminRoleCreate,
  adminRoleUpdate,
  adminUserUpdate,
  helloMessage,
  historyQuery,
  loginRequest,
  pullMessage,
  pushMessage,
  snapshotQuery,
  type Mutation,
  type ServerMessage,
} from '../../src-shared/sync/protocol.contract';
import { AuthError, type UserRepository } from '../auth/user.repository';
import { SignInService } from '../auth/sign-in.service';
import { AdminService } from '../auth/admin.service';
import { AdminAuditRepository } from '../auth/admin-audit.repository';
import type { AdminAuditValue } from '../../src-shared/sync/protocol.contract';
import { OrgError, OrgRepository } from '../auth/org.repository';
import { type CommitNote, type Session, type SyncService } from '../sync/sync.service';
import { ORG_CHANGED } from '../auth/org.store';
import { entityNames } from '../../src-shared/entities/index';
import type { SqlStore } from '../store/sql-store';
import { HistoryService } from '../sync/history.service';
import { ProtocolError, checkVersions, statusOf } from './protocol-error';

export interface AppOptions {
  store: SqlStore;
  users: UserRepository;
  sync: SyncService;
  version: string;
  logLevel?: string;
  https?: { cert: Buffer; key: Buffer } | undefined;
  /** Sign-in with its rate limits; default limits when absent. */
  signIn?: SignInService | undefined;
  /**
   * Proxies whose X-Forwarded-For names the client (Fastify's trustProxy: addresses or CIDRs,
   * comma-separated): behind a load balancer every request would otherwise come from its address,
   * and one address's sign-in limit would hold back every user.
   */
  trustProxy?: string | undefined;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const out = schema.safeParse(value);
  if (!out.success) throw new ProtocolError('BAD_REQUEST', `invalid request: ${out.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`);
  return out.data;
}

/** What a socket sends after its hello (which is handled first, versions before shape). */
const sessionMessage = z.discriminatedUnion('type', [pushMessage, pullMessage]);

/** A property of a parsed JSON value that may not be an object at all. */
function prop(raw: unknown, name: string): unknown {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>)[name] : undefined;
}

/**
 * Versions are checked before the shape: a message of another protocol may look different, and
 * its client must hear "too old" or "too new", which it can act on, not "bad request".
 */
function versionsOf(raw: unknown): number {
  return checkVersions(prop(raw, 'protocol'), prop(raw, 'schema'));
}

/**
 * Identifiers and references become SQL parameters, and PostgreSQL refuses text holding a NUL
 * character (a 500 there, accepted on SQLite). No client makes such ids, so the message is
 * malformed. Typed field values may hold anything: they are stored inside JSON.
 */
function refuseNul(where: string, value: unknown): void {
  if (typeof value === 'string' && value.includes('\u0000')) throw new ProtocolError('BAD_REQUEST', `invalid request: ${where} contains a NUL character`);
}

function refuseNulIds(mutations: Mutation[]): void {
  mutations.forEach((m, i) => {
    refuseNul(`mutations.${i}.recordId`, m.recordId);
    for (const [field, value] of Object.entries(m.changes)) {
      if (field === 'ownerId' || fieldDef(m.entity, field)?.kind === 'ref') refuseNul(`mutations.${i}.changes.${field}`, value);
    }
  });
}

/** Messages over the limit are answered; beyond this the socket is closed (1009) unread. */
const WS_HARD_LIMIT = 4 * MAX_MESSAGE_BYTES;
/** How long a new socket may wait before its hello. */
const HELLO_TIMEOUT_MS = 15_000;

/**
 * Refusals of requests Node's HTTP parser cannot read (garbage, headers over the limit): the same
 * `{ code, message }` body as every other refusal instead of Fastify's own shape.
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message = status === 431 ? 'request headers are too large' : status === 408 ? 'the request took too long to arrive' : 'malformed HTTP request';
  const body = JSON.stringify({ code: 'BAD_REQUEST', message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

function authError(error: AuthError): ProtocolError {
  switch (error.code) {
    case 'DEVICE_REVOKED':
      return new ProtocolError('DEVICE_REVOKED', error.message);
    case 'USER_DISABLED':
      return new ProtocolError('USER_DISABLED', error.message);
    case 'ACCOUNT_LOCKED':
      return new ProtocolError('ACCOUNT_LOCKED', error.message);
    case 'SESSION_EXPIRED':
      return new ProtocolError('SESSION_EXPIRED', error.message);
    case 'RATE_LIMITED':
      return new ProtocolError('RATE_LIMITED', error.message);
    case 'AUTH_FAILED':
    case 'INVALID':
      return new ProtocolError('AUTH_FAILED', error.message);
    default: {
      const exhaustive: never = error.code;
      return exhaustive;
    }
  }
}

/**
 * The sync server's HTTP and WebSocket surface (docs/sync-protocol.md). Every refusal is a 4xx
 * with `{ code, message }`; a 500 means a bug and is logged with its stack.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { users, sync, store } = options;
  const signIn = options.signIn ?? new SignInService(users);
  const common = {
    logger: { level: options.logLevel ?? 'info' },
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    bodyLimit: MAX_MESSAGE_BYTES,
    // Requests still running at shutdown finish; new ones are refused.
    return503OnClosing: true,
    clientErrorHandler,
  };
  // An HTTPS server is an HTTP server with TLS underneath; the routes do not tell them apart.
  const app: FastifyInstance = options.https ? (Fastify({ ...common, https: options.https }) as unknown as FastifyInstance) : Fastify(common);

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof ProtocolError) {
      request.log.info({ code: error.code }, error.message);
      return reply.status(error.status).send({ code: error.code, message: error.message });
    }
    if (error instanceof OrgError) {
      request.log.info({ reason: error.reason }, error.message);
      return reply.status(error.status).send({ code: error.status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message: error.message, reason: error.reason, params: error.params });
    }
    if (error instanceof AuthError) {
      const p = authError(error);
      if (error.retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)));
      return reply.status(p.status).send({ code: p.code, message: p.message });
    }
    // Fastify's own refusals: unparsable JSON, a body over the limit, an unsupported content type.
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
      return reply.status(status).send({ code, message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ code: 'INTERNAL', message: 'internal server error' });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ code: 'BAD_REQUEST', message: `no route ${request.method} ${request.url.split('?')[0]}` }));

  const authenticate = async (request: FastifyRequest): Promise<Session> => {
    const schema = checkVersions(request.headers['x-crm-protocol'], request.headers['x-crm-schema']);
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new ProtocolError('AUTH_FAILED', 'missing device token (Authorization: Bearer …)');
    try {
      const { user, deviceId } = await users.authenticate(token, { address: request.ip });
      return await sync.session(user, deviceId, schema);
    } catch (error) {
      if (error instanceof AuthError) throw authError(error);
      throw error;
    }
  };

  app.get('/health', async () => ({ ok: true, version: options.version, store: store.dialect, cn: await sync.head() }));

  app.post('/v1/login', async (request) => {
    versionsOf(request.body);
    const body = parse(loginRequest, request.body);
    refuseNul('username', body.username);
    refuseNul('deviceName', body.deviceName);
    const { user, deviceId, token } = await signIn.signIn(body, { address: request.ip });
    request.log.info({ user: user.username, deviceId }, 'device registered');
    if (body.resumeDevice) await sync.continueReplica(user.id, body.resumeDevice, deviceId);
    const session = await sync.session(user, deviceId, body.schema);
    return { token, deviceId, user: { id: user.id, name: user.name, username: user.username, role: user.role }, cursor: await sync.head(), access: session.access.access };
  });

  app.post('/v1/logout', async (request) => {
    const session = await authenticate(request);
    await users.signOutDevice(session.deviceId);
    return { ok: true };
  });

  app.get('/v1/directory', async (request) => {
    await authenticate(request);
    return { users: await users.directory() };
  });

  const history = new HistoryService(store);
  // A record's audit log, only while the user may see the record; anything else is the same 404,
  // so the answer never tells whether someone else's record exists.
  app.get('/v1/history', async (request, reply) => {
    const session = await authenticate(request);
    const q = parse(historyQuery, request.query);
    refuseNul('id', q.id);
    const page = await history.history(session, q.entity, q.id, q.before ?? null, q.limit);
    if (!page) return reply.status(404).send({ code: 'NOT_FOUND', message: 'no such record' });
    return page;
  });

  // The admin screens: users, devices and the sign-in audit, for admins only (403 FORBIDDEN for
  // every other role, after the usual authentication). Unlocks and revokes are audited with the
  // admin's address, as the crm-server commands audit theirs as `cli`.
  const admin = new AdminService(users);
  const authenticateAdmin = async (request: FastifyRequest): Promise<Session> => {
    const session = await authenticate(request);
    if (!session.access.access.admin) throw new ProtocolError('FORBIDDEN', 'only administrators may do this');
    return session;
  };
  const adminAudit = new AdminAuditRepository(store);
  /** Records an administrator's change once it succeeded: who, from where, what before and after. */
  const audited = (request: FastifyRequest, session: Session, action: string, target: string, before: AdminAuditValue, after: AdminAuditValue) =>
    adminAudit.record({ at: Date.now(), userId: session.user.id, deviceId: session.deviceId, address: request.ip, action, target, before, after });
  const idParam = (request: FastifyRequest): string => {
    const id = parse(z.object({ id: z.string().min(1).max(64) }), request.params).id;
    refuseNul('id', id);
    return id;
  };

  app.get('/v1/admin/users', async (request) => {
    await authenticateAdmin(request);
    return { users: await admin.users() };
  });

  app.post('/v1/admin/users/:id/unlock', async (request, reply) => {
    const session = await authenticateAdmin(request);
    const done = await admin.unlock(idParam(request), { address: request.ip });
    if (!done) return reply.status(404).send({ code: 'NOT_FOUND', message: 'no such user' });
    if (done.unlocked) await audited(request, session, 'user.unlock', done.id, { locked: true }, { locked: false });
    request.log.info({ user: done.username, unlocked: done.unlocked }, 'user unlocked by an administrator');
    return done;
  });

  app.get('/v1/admin/devices', async (request) => {
    const session = await authenticateAdmin(request);
    return { devices: await admin.devices(session.deviceId) };
  });

  app.post('/v1/admin/devices/:id/revoke', async (request, reply) => {
    const session = await authenticateAdmin(request);
    const id = idParam(request);
    const outcome = await admin.revoke(id, session.deviceId, { address: request.ip });
    if (outcome === 'self') throw new ProtocolError('BAD_REQUEST', 'this is the device you are using; sign out on it instead of revoking it');
    if (outcome === 'missing') return reply.status(404).send({ code: 'NOT_FOUND', message: 'no such device' });
    await audited(request, session, 'device.revoke', id, { revoked: false }, { revoked: true });
    request.log.info({ deviceId: id }, 'device revoked by an administrator');
    return { id, revoked: true };
  });

  app.get('/v1/admin/audit', async (request) => {
    await authenticateAdmin(request);
    const q = parse(adminLoginsQuery, request.query);
    return adminAudit.page(q.before, q.limit);
  });

  app.get('/v1/admin/logins', async (request) => {
    await authenticateAdmin(request);
    const q = parse(adminLoginsQuery, request.query);
    return admin.logins(q.before, q.limit);
  });

  // The organisation: departments, roles and users' places in it. Each change raises org_state's
  // version (OrgRepository), so every instance reloads it and connected clients are rescoped.
  const org = new OrgRepository(store);
  const codeParam = (request: FastifyRequest): string => {
    const code = parse(z.object({ code: z.string().min(1).max(64) }), request.params).code;
    refuseNul('code', code);
    return code;
  };

  app.get('/v1/admin/departments', async (request) => {
    await authenticateAdmin(request);
    return { departments: await org.departments() };
  });

  app.post('/v1/admin/departments', async (request) => {
    const session = await authenticateAdmin(request);
    const body = parse(adminDepartmentCreate, request.body);
    refuseNul('parentId', body.parentId);
    const created = await org.createDepartment(body);
    await audited(request, session, 'department.create', created.id, null, created);
    return created;
  });

  app.patch('/v1/admin/departments/:id', async (request) => {
    const session = await authenticateAdmin(request);
    const id = idParam(request);
    const body = parse(adminDepartmentUpdate, request.body);
    refuseNul('parentId', body.parentId);
    const before = (await org.departments()).find((d) => d.id === id) ?? null;
    const saved = await org.updateDepartment(id, body);
    await audited(request, session, 'department.update', id, before, saved);
    return saved;
  });

  app.delete('/v1/admin/departments/:id', async (request) => {
    const session = await authenticateAdmin(request);
    const id = idParam(request);
    const before = (await org.departments()).find((d) => d.id === id) ?? null;
    await org.deleteDepartment(id);
    await audited(request, session, 'department.delete', id, before, null);
    return { id, deleted: true };
  });

  app.get('/v1/admin/roles', async (request) => {
    await authenticateAdmin(request);
    return { roles: await org.roles() };
  });

  app.post('/v1/admin/roles', async (request) => {
    const session = await authenticateAdmin(request);
    const body = parse(adminRoleCreate, request.body);
    const created = await org.createRole(body.code, body.definition);
    await audited(request, session, 'role.create', body.code, null, created);
    request.log.info({ role: body.code }, 'role created by an administrator');
    return created;
  });

  app.put('/v1/admin/roles/:code', async (request) => {
    const session = await authenticateAdmin(request);
    const code = codeParam(request);
    const body = parse(adminRoleUpdate, request.body);
    const before = (await org.roles()).find((r) => r.code === code) ?? null;
    const saved = await org.updateRole(code, body.definition);
    await audited(request, session, 'role.update', code, before, saved);
    request.log.info({ role: code }, 'role changed by an administrator');
    return saved;
  });

  app.post('/v1/admin/roles/:code/reset', async (request) => {
    const session = await authenticateAdmin(request);
    const code = codeParam(request);
    const before = (await org.roles()).find((r) => r.code === code) ?? null;
    const reset = await org.resetRole(code);
    await audited(request, session, 'role.reset', code, before, reset);
    request.log.info({ role: code }, 'role reset to its defaults by an administrator');
    return reset;
  });

  app.delete('/v1/admin/roles/:code', async (request) => {
    const session = await authenticateAdmin(request);
    const code = codeParam(request);
    const before = (await org.roles()).find((r) => r.code === code) ?? null;
    await org.deleteRole(code);
    await audited(request, session, 'role.delete', code, before, null);
    request.log.info({ role: code }, 'role deleted by an administrator');
    return { code, deleted: true };
  });

  app.patch('/v1/admin/users/:id', async (request, reply) => {
    const session = await authenticateAdmin(request);
    const id = idParam(request);
    const body = parse(adminUserUpdate, request.body);
    refuseNul('departmentId', body.departmentId);
    refuseNul('managerId', body.managerId);
    for (const r of body.roles ?? []) refuseNul('roles', r);
    const before = (await admin.users()).find((u) => u.id === id) ?? null;
    await org.updateUser(id, body, { userId: session.user.id });
    const updated = (await admin.users()).find((u) => u.id === id);
    if (!updated) return reply.status(404).send({ code: 'NOT_FOUND', message: 'no such user' });
    await audited(request, session, 'user.update', id, before, updated);
    request.log.info({ userId: id, changed: Object.keys(body) }, 'user changed by an administrator');
    return updated;
  });

  app.post('/v1/push', async (request) => {
    const session = await authenticate(request);
    const msg = parse(pushMessage, request.body);
    refuseNulIds(msg.mutations);
    const { results } = await sync.push(session, msg.mutations);
    return { type: 'pushResult', id: msg.id, results } satisfies ServerMessage;
  });

  app.post('/v1/pull', async (request) => {
    const session = await authenticate(request);
    const msg = parse(pullMessage, request.body);
    const page = await sync.pull(session, msg.cursor, msg.limit);
    return { type: 'changes', id: msg.id, ...page } satisfies ServerMessage;
  });

  app.get('/v1/snapshot', async (request, reply) => {
    const session = await authenticate(request);
    const q = parse(snapshotQuery, request.query);
    refuseNul('after', q.after);
    // A first sync begins: the replica is being filled under the user's access as it is now.
    if (q.entity === entityNames[0] && q.after === '') await sync.startFirstSync(session);
    const json = await sync.snapshotJson(session, q.entity, q.after, q.limit);
    // Snapshots are large and repetitive: gzip at a fast level (the first sync is CPU-bound).
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-type', 'application/json').header('content-encoding', 'gzip').send(zlib.gzipSync(json, { level: 1 }));
    }
    return reply.header('content-type', 'application/json').send(json);
  });

  // --- live channel ------------------------------------------------------------------------
  const sockets = new Map<WebSocket, Session>();
  /** Each socket's messages being handled: shutdown lets them finish before the store closes. */
  const queues = new Map<WebSocket, Promise<void>>();
  let closing = false;
  await store.onNotify((payload) => {
    let note: CommitNote;
    try {
      note = JSON.parse(payload) as CommitNote;
    } catch {
      return;
    }
    const org = note.keys.includes(ORG_CHANGED);
    const poke = JSON.stringify({ type: 'poke', cursor: note.cn, ...(org ? { org: true } : {}) } satisfies ServerMessage);
    for (const [socket, session] of sockets) {
      const view = Object.values(session.access.view);
      if (org || view.some((s) => s.all || note.keys.some((k) => s.keys.includes(k)))) socket.send(poke);
    }
  });

  await app.register(websocket, {
    options: { maxPayload: WS_HARD_LIMIT, perMessageDeflate: { threshold: 256 } },
    // A client's broken or oversized frame, or a cut connection, is not a server fault: logged
    // without the error level (which means a bug here), and the socket is ended as before.
    errorHandler(error, socket, request) {
      const code = (error as Error & { code?: string }).code ?? '';
      const fromClient = code.startsWith('WS_ERR_') || code === 'ECONNRESET' || code === 'EPIPE';
      request.log[fromClient ? 'info' : 'error']({ err: error }, fromClient ? 'socket ended: the client broke the protocol or went away' : 'socket failed');
      socket.terminate();
    },
    // Going away (1001) rather than the plugin's bare close (1005, "no status"), so a client can
    // tell a server restart from a fault; the HTTP server then waits for the closing handshakes.
    preClose(done) {
      // Messages already being handled finish (their transactions commit or roll back) before the
      // store closes; messages arriving from now on are dropped, and clients reconnect later.
      closing = true;
      void Promise.allSettled([...queues.values()]).then(() => {
        for (const client of this.websocketServer.clients) client.close(1001, 'server shutting down');
        this.websocketServer.close();
        done();
      });
    },
  });
  app.route({
    method: 'GET',
    url: '/v1/sync',
    // Without the upgrade (often a proxy that drops its headers), say so instead of an empty 404.
    handler: async () => {
      throw new ProtocolError('BAD_REQUEST', '/v1/sync is the WebSocket channel: connect with Upgrade: websocket (a proxy in between must pass the Upgrade and Connection headers)');
    },
    wsHandler: (socket, request) => {
      let session: Session | null = null;
      // A socket that never says hello holds a slot for nothing: it gets a few seconds.
      const helloTimer = setTimeout(() => {
        if (!session) socket.close(4001, 'AUTH_FAILED');
      }, HELLO_TIMEOUT_MS);
      socket.once('close', () => clearTimeout(helloTimer));
      let token = '';
      let helloSchema = 0;
      let queue = Promise.resolve();
      const send = (msg: ServerMessage) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
      };
      const refuse = (error: ProtocolError, id?: number) => {
        send({ type: 'error', ...(id !== undefined ? { id } : {}), code: error.code, message: error.message });
        // Connection-level refusals end the connection; the client knows from the code what to do.
        if (['AUTH_FAILED', 'DEVICE_REVOKED', 'USER_DISABLED', 'SESSION_EXPIRED', 'PROTOCOL_TOO_OLD', 'PROTOCOL_TOO_NEW', 'SCHEMA_TOO_OLD', 'SCHEMA_TOO_NEW'].includes(error.code)) {
          socket.close(4000 + statusOf(error.code) - 400, error.code);
        }
      };
      socket.on('message', (data: Buffer) => {
        if (closing) return;
        // One message at a time per connection, so answers come back in the order asked.
        queue = queue.then(async () => {
          let raw: unknown;
          try {
            raw = JSON.parse(data.toString('utf8'));
          } catch {
            if (data.length > MAX_MESSAGE_BYTES) return refuse(new ProtocolError('PAYLOAD_TOO_LARGE', `a message may have at most ${MAX_MESSAGE_BYTES} bytes`));
            return refuse(new ProtocolError('BAD_REQUEST', 'message is not JSON'));
          }
          const rawId = prop(raw, 'id');
          // Echoed only when it is a valid request id: the error message's own schema says so.
          const id = typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0 ? rawId : undefined;
          // Answered like HTTP's 413, with the id when it can be read, so the client knows which request.
          if (data.length > MAX_MESSAGE_BYTES) return refuse(new ProtocolError('PAYLOAD_TOO_LARGE', `a message may have at most ${MAX_MESSAGE_BYTES} bytes`), id);
          try {
            if (prop(raw, 'type') === 'hello') {
              const schema = versionsOf(raw);
              const hello = parse(helloMessage, raw);
              try {
                const auth = await users.authenticate(hello.token, { address: request.ip });
                session = await sync.session(auth.user, auth.deviceId, schema);
                helloSchema = schema;
              } catch (error) {
                if (error instanceof AuthError) throw authError(error);
                throw error;
              }
              token = hello.token;
              sockets.set(socket, session);
              void users.touchDevice(session.deviceId);
              send({ type: 'welcome', serverTime: Date.now(), userId: session.user.id, deviceId: session.deviceId, cursor: await sync.head(), access: session.access.access });
              return;
            }
            const msg = parse(sessionMessage, raw);
            if (!session) throw new ProtocolError('AUTH_FAILED', 'say hello first');
            // A device revoked (or a user disabled) while connected is refused at its next message.
            try {
              const auth = await users.authenticate(token, { address: request.ip });
              // Roles, department or manager may have changed since the hello: this message is answered under the access of now.
              session = await sync.session(auth.user, auth.deviceId, helloSchema);
              sockets.set(socket, session);
            } catch (error) {
              if (error instanceof AuthError) throw authError(error);
              throw error;
            }
            if (msg.type === 'push') {
              refuseNulIds(msg.mutations);
              const { results } = await sync.push(session, msg.mutations);
              send({ type: 'pushResult', id: msg.id, results });
            } else {
              const page = await sync.pull(session, msg.cursor, msg.limit);
              send({ type: 'changes', id: msg.id, ...page });
            }
          } catch (error) {
            if (error instanceof ProtocolError) return refuse(error, id);
            request.log.error({ err: error }, 'sync message failed');
            send({ type: 'error', ...(id !== undefined ? { id } : {}), code: 'INTERNAL', message: 'internal server error' });
          }
        });
        queues.set(socket, queue);
      });
      socket.on('close', () => {
        sockets.delete(socket);
        void queue.finally(() => queues.delete(socket));
      });
    },
  });

  return app;
}
