import { AuthError, UserRepository, type Role } from '../../src-server/auth/user.repository';
import { openStore } from '../../src-server/store/open-store';
import type { SqlStore } from '../../src-server/store/sql-store';
import { SyncService } from '../../src-server/sync/sync.service';
import { entityNames } from '../../src-shared/entities/index';
import { HistoryService } from '../../src-server/sync/history.service';
import { AdminService } from '../../src-server/auth/admin.service';
import { directAdminOrg } from './direct-admin-org';
import { SyncFailure, type ConnectHandlers, type SyncConnection, type SyncConnector } from '../../src-main/core/sync/sync-connection';
import type { Mutation, MutationResult } from '../../src-shared/sync/protocol.contract';
import { CLIENT_SCHEMA_VERSION } from '../../src-shared/sync/protocol.contract';
import { tempDir } from './core-fixture';
import { MIGRATIONS_ROOT, PG_URL, dropSchema, freshSchema, type StoreKind } from './sync-fixture';

/** The server's services without HTTP: the property tests call them in-process, thousands of times. */
export class DirectServer {
  readonly users: UserRepository;
  readonly sync: SyncService;
  private constructor(
    readonly store: SqlStore,
    readonly kind: StoreKind,
    private readonly schema: string | null,
  ) {
    this.users = new UserRepository(store);
    this.sync = new SyncService(store);
  }

  static async open(kind: StoreKind): Promise<DirectServer> {
    const schema = kind === 'pg' ? freshSchema() : null;
    const store = await openStore({ dataDir: kind === 'sqlite' ? tempDir('crm-prop-srv-') : undefined, pgUrl: kind === 'pg' ? PG_URL : undefined, pgSchema: schema ?? undefined, migrationsRoot: MIGRATIONS_ROOT });
    return new DirectServer(store, kind, schema);
  }

  /** Empties every table, so one store serves many runs. */
  async reset(): Promise<void> {
    await this.store.tx(async (q) => {
      for (const table of ['record_audit', 'mutation_results', 'changes', 'record_refs', 'records', 'device_access', 'devices', 'users', 'departments', 'roles']) await q.run(`DELETE FROM ${table}`);
      await q.run('UPDATE org_state SET version = version + 1 WHERE id = 1');
      await q.run("DELETE FROM counters WHERE name <> 'cn'");
      await q.run("UPDATE counters SET value = 0 WHERE name = 'cn'");
    });
  }

  /** A user with an unusable password hash: the tests register devices directly. */
  async addUser(username: string, role: Role): Promise<string> {
    const id = `u-${username}`;
    await this.store.run('INSERT INTO users (id, username, name, password_hash, role, department, manager_id, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)', [
      id,
      username,
      username,
      'none',
      role,
      Date.now(),
    ]);
    return id;
  }

  async close(): Promise<void> {
    await this.store.close();
    if (this.schema) await dropSchema(this.schema);
  }
}

/** Where a simulated network failure hits a request: before the server sees it, or on the way back. */
export type Fault = 'none' | 'before' | 'after';

export interface Delivered {
  mutation: Mutation;
  result: MutationResult;
}

/**
 * A SyncConnector that calls the server's services directly, failing requests where `fault` says:
 * 'after' is the nasty case, a push the server committed whose answer never arrived.
 */
export class DirectConnector implements SyncConnector {
  /** Every push answer that reached the client, in order. */
  readonly delivered: Delivered[] = [];

  constructor(
    private readonly server: DirectServer,
    private readonly fault: () => Fault = () => 'none',
    private readonly schema: number = CLIENT_SCHEMA_VERSION,
  ) {}

  async login(_server: string, username: string) {
    const user = await this.server.users.byUsername(username);
    if (!user) throw new SyncFailure('AUTH_FAILED', 'no such user');
    const { deviceId, token } = await this.server.users.registerDevice(user.id, 'test');
    return { token, deviceId, user: { id: user.id, name: user.name, username: user.username, role: user.role }, cursor: await this.server.sync.head() };
  }

  async connect(_server: string, token: string, _cursor: number, _handlers: ConnectHandlers): Promise<SyncConnection> {
    if (this.fault() === 'before') throw new SyncFailure('NETWORK', 'simulated: cannot connect');
    let auth;
    try {
      auth = await this.server.users.authenticate(token);
    } catch (error) {
      if (error instanceof AuthError) throw new SyncFailure(error.code === 'INVALID' ? 'AUTH_FAILED' : error.code, error.message);
      throw error;
    }
    const { sync, users } = this.server;
    const schema = this.schema;
    const deviceId = auth.deviceId;
    const session = await sync.session(auth.user, deviceId, schema);
    // Each request under the access of the moment, as the server's routes do (roles, department and manager may change).
    const now = async () => sync.session((await users.byId(auth.user.id)) ?? auth.user, deviceId, schema);
    const around = async <T>(run: () => Promise<T>): Promise<T> => {
      const fault = this.fault();
      if (fault === 'before') throw new SyncFailure('NETWORK', 'simulated: request lost');
      const out = await run();
      if (fault === 'after') throw new SyncFailure('NETWORK', 'simulated: answer lost');
      return out;
    };
    return {
      bytes: { sent: 0, received: 0 },
      push: (mutations) =>
        around(async () => {
          const { results } = await sync.push(await now(), structuredClone(mutations));
          return results;
        }).then((results) => {
          const bySeq = new Map(mutations.map((m) => [m.seq, m]));
          for (const r of results) this.delivered.push({ mutation: bySeq.get(r.seq) as Mutation, result: r });
          return results;
        }),
      pull: (cursor, limit) => around(async () => sync.pull(await now(), cursor, limit)),
      snapshot: (entity, after, limit) =>
        around(async () => {
          const current = await now();
          if (entity === entityNames[0] && after === '') await sync.startFirstSync(current);
          return sync.snapshot(current, entity, after, limit);
        }),
      directory: () => around(() => this.server.users.directory()),
      history: (query) => around(async () => new HistoryService(this.server.store).history(await now(), query.entity, query.id, query.before ?? null, query.limit ?? 20)),
      ...this.adminOf(session.access.access.admin, session.deviceId),
      adminOrg: (call) => directAdminOrg(this.server.store, this.server.users, { isAdmin: session.access.access.admin, userId: auth.user.id }, call),
      close() {},
    };
  }

  /** The admin routes' answers, refused for other roles as the HTTP routes refuse them. */
  private adminOf(isAdmin: boolean, deviceId: string): Pick<SyncConnection, 'adminUsers' | 'adminUnlock' | 'adminDevices' | 'adminRevoke' | 'adminLogins'> {
    const admin = new AdminService(this.server.users);
    const check = () => {
      if (!isAdmin) throw new SyncFailure('FORBIDDEN', 'only administrators may do this');
    };
    const by = { address: 'direct' };
    return {
      adminUsers: async () => (check(), admin.users()),
      adminUnlock: async (userId) => (check(), admin.unlock(userId, by)),
      adminDevices: async () => (check(), admin.devices(deviceId)),
      adminRevoke: async (id) => {
        check();
        const outcome = await admin.revoke(id, deviceId, by);
        if (outcome === 'self') throw new SyncFailure('BAD_REQUEST', 'this is the device you are using');
        return outcome === 'missing' ? null : { id, revoked: true };
      },
      adminLogins: async (q) => (check(), admin.logins(q.before, q.limit)),
    };
  }

  async logout(): Promise<void> {}
}
