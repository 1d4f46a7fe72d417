import os from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { ApiHandlers, ConflictAction, CoreEvent, SearchHit, SyncStatus } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { isLocale, pickLocale, type Locale } from '../../src-shared/i18n/index';
import { formatPhoneForReading } from '../../src-shared/phone.util';
import { openReplica, readMeta, writeMeta, type Replica } from './db/replica';
import { RecordRepository } from './records/record.repository';
import { SEARCH_INDEX_VERSION } from './search/search.index';
import { seedDemo, DEMO_ACCOUNTS } from './seed/seed-demo';
import { SettingsRepository } from './settings/settings.repository';
import { logCore } from './log';
import { ConflictRepository } from './sync/conflict.repository';
import { SyncEngine } from './sync/sync-engine';
import type { SyncConnection, SyncConnector } from './sync/sync-connection';
import type { AdminOrgAnswer, AdminOrgRequest } from '../../src-shared/sync/admin-org.contract';
import { WsConnector } from './sync/ws-connector';
import { SyncLogRepository } from './sync/sync-log.repository';
import { CrmError } from '../../src-shared/result';
import type { Access } from '../../src-shared/permissions/access';
import type { CoreOptions } from './worker/worker-protocol';
import { convertLead } from './sales/lead-convert';
import { afterActivityLogged, afterNextFollowUpSet } from './sales/follow-up-task';
import { PoolService } from './sales/pool';
import { pipelineQueries } from './sales/pipeline';
import { myReminders, myTasks } from './sales/my-tasks';

/** Queries slower than this are logged: the grid and search must stay interactive. */
const SLOW_MS = 40;

/**
 * The data core: the replica and everything that reads or writes it, behind the client API.
 * Plain Node (no electron): the Electron shell, the browser host and the CLI all drive this.
 */
export class CoreService {
  readonly replica: Replica;
  readonly records: RecordRepository;
  readonly settings: SettingsRepository;
  readonly conflicts: ConflictRepository;
  readonly syncLog: SyncLogRepository;
  private readonly listeners = new Set<(event: CoreEvent) => void>();
  readonly sync: SyncEngine;
  readonly pool: PoolService;
  private readonly localOwner: { id: string; name: string };
  /** The core's clock (tests fix it): days in stage, stalled deals. */
  private readonly clock: () => number;

  constructor(
    private readonly options: CoreOptions,
    connector: SyncConnector = new WsConnector(),
    engineOptions: { live?: boolean; now?: () => number; random?: () => number; snapshotPage?: number } = {},
  ) {
    this.clock = engineOptions.now ?? Date.now;
    this.replica = openReplica(path.join(options.dataDir, 'replica.db'), options.migrationsDir, options.appVersion, options.replicaKey ?? null);
    this.localOwner = this.localUser();
    this.records = new RecordRepository(
      this.replica,
      () => this.user.id,
      (entity, ids) => {
        this.emit({ type: 'changed', entity, ids });
        this.sync?.localChange();
      },
      engineOptions.now,
    );
    this.settings = new SettingsRepository(this.replica.sqlite);
    this.pool = new PoolService(this.records, this.replica.sqlite, () => ({ id: this.user.id, role: this.sync.user?.role ?? null }), engineOptions.now);
    this.conflicts = new ConflictRepository(this.replica.sqlite);
    this.syncLog = new SyncLogRepository(this.replica.sqlite);
    this.sync = new SyncEngine({
      sqlite: this.replica.sqlite,
      records: this.records,
      conflicts: this.conflicts,
      log: this.syncLog,
      connector,
      deviceName: options.deviceName ?? safeHostname(),
      live: engineOptions.live ?? true,
      ...(engineOptions.now ? { now: engineOptions.now } : {}),
      ...(engineOptions.random ? { random: engineOptions.random } : {}),
      ...(engineOptions.snapshotPage ? { snapshotPage: engineOptions.snapshotPage } : {}),
      onStatus: (status) => this.emitStatus(status),
      onTouched: (touched) => {
        for (const [entity, ids] of touched) this.emit({ type: 'changed', entity, ids: [...ids] });
      },
      onReset: () => this.emit({ type: 'reset' }),
      onConflicts: (open) => this.emit({ type: 'conflicts', open }),
      onAccess: (access) => this.emit({ type: 'access', access }),
    });
    if (readMeta(this.replica.sqlite, 'searchIndexVersion') !== String(SEARCH_INDEX_VERSION)) {
      const n = this.records.rebuildSearch();
      writeMeta(this.replica.sqlite, 'searchIndexVersion', String(SEARCH_INDEX_VERSION));
      if (n > 0) logCore('info', 'search index rebuilt', { records: n });
    }
    const serverMode = Boolean(options.syncServer) || this.sync.credentials() !== null || this.sync.lastServer() !== null;
    if (!serverMode && options.seedDemo && readMeta(this.replica.sqlite, 'demoSeeded') === null && this.records.isEmpty('account')) {
      seedDemo(this.records, { accounts: DEMO_ACCOUNTS });
      writeMeta(this.replica.sqlite, 'demoSeeded', String(Date.now()));
    }
  }

  /** The language the user chose, else the OS's. */
  private locale(): Locale {
    const saved = this.settings.get('ui.locale');
    return isLocale(saved) ? saved : pickLocale(this.options.osLocale);
  }

  /** Until sign-in arrives with the sync server, the replica belongs to the OS user. */
  private localUser(): { id: string; name: string } {
    const sqlite = this.replica.sqlite;
    let id = readMeta(sqlite, 'localUserId');
    if (!id) {
      id = uuidv7();
      writeMeta(sqlite, 'localUserId', id);
    }
    let name = readMeta(sqlite, 'localUserName');
    if (!name) {
      name = safeUsername();
      writeMeta(sqlite, 'localUserName', name);
    }
    return { id, name };
  }

  onEvent(listener: (event: CoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The signed-in user, or (local mode) the OS user who owns this replica. */
  get user(): { id: string; name: string } {
    const session = this.sync?.user;
    return session ? { id: session.id, name: session.name } : this.localOwner;
  }

  /** Starts background sync when signed in, or signs in first when the installation says so. */
  async start(): Promise<void> {
    if (!this.sync.credentials() && this.options.autoLogin && this.options.syncServer) {
      try {
        await this.sync.login(this.options.syncServer, this.options.autoLogin.username, this.options.autoLogin.password);
      } catch (error) {
        logCore('warn', 'automatic sign-in failed', { error: (error as Error).message });
      }
    }
    this.sync.start();
  }

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
    if (event.type === 'changed') this.emitStatus(this.syncStatus());
  }

  private emitStatus(status: SyncStatus): void {
    for (const listener of this.listeners) listener({ type: 'sync', status });
  }

  private syncStatus(): SyncStatus {
    const status = this.sync.status();
    // Never signed in and no server configured: the replica works on its own.
    if (status.state === 'signedOut' && !this.options.syncServer && !this.sync.lastServer()) return { ...status, state: 'local' };
    if (status.state === 'signedOut' && !status.server && this.options.syncServer) return { ...status, server: this.options.syncServer };
    return status;
  }

  /** What the user asks the core to write is checked against their permissions (see record-access.ts). */
  private get asUser(): { access: Access | null } {
    return { access: this.sync.access() };
  }

  /** Settles a conflict-inbox entry (see the contract's conflict.resolve). */
  private resolveConflict(id: number, action: ConflictAction, values: Record<string, unknown> | undefined): { resolved: boolean } {
    const entry = this.conflicts.find(id);
    if (!entry || entry.resolvedAt !== null) return { resolved: false };
    const { entity, recordId } = entry;
    const asUser = this.asUser;
    const editable = (input: Record<string, unknown>) => {
      const fields = entities[entity].fields as Record<string, FieldDef>;
      return Object.fromEntries(Object.entries(input).filter(([k]) => k === 'ownerId' || (Object.hasOwn(fields, k) && !fields[k]?.system)));
    };
    const live = () => {
      const r = this.records.find(entity, recordId);
      return r !== undefined && r.deletedAt === null;
    };
    switch (action) {
      case 'theirs':
      case 'discard':
        break;
      case 'mine':
        if (!live()) throw new CrmError('NOT_FOUND', `${entity} ${recordId} is no longer on this device`);
        this.records.update(entity, recordId, editable(entry.mine), asUser);
        break;
      case 'restore': {
        const record = this.records.find(entity, recordId);
        if (!record) throw new CrmError('NOT_FOUND', `${entity} ${recordId} is no longer on this device`);
        if (record.deletedAt !== null) this.records.restore(entity, recordId, asUser);
        const mine = editable(entry.mine);
        if (Object.keys(mine).length > 0) this.records.update(entity, recordId, mine, asUser);
        break;
      }
      case 'resend': {
        const input = editable(values ?? entry.mine);
        if (entry.op === 'create') {
          const reuseId = !this.records.find(entity, recordId) && entry.code !== 'DUPLICATE_ID';
          this.records.create(entity, input, reuseId ? recordId : undefined, asUser);
        } else if (entry.op === 'update') {
          if (!live()) throw new CrmError('NOT_FOUND', `${entity} ${recordId} is no longer on this device`);
          this.records.update(entity, recordId, input, asUser);
        } else if (entry.op === 'delete') {
          if (live()) this.records.delete(entity, recordId, asUser);
        } else if (entry.op === 'restore') {
          this.records.restore(entity, recordId, asUser);
        }
        break;
      }
      default: {
        const exhaustive: never = action;
        return exhaustive;
      }
    }
    this.conflicts.resolve(id, action, Date.now());
    this.emit({ type: 'conflicts', open: this.conflicts.openCount() });
    this.emitStatus(this.syncStatus());
    return { resolved: true };
  }

  private timed<T>(what: string, run: () => T): T {
    const start = performance.now();
    const out = run();
    const ms = performance.now() - start;
    if (ms > SLOW_MS) logCore('warn', 'slow query', { what, ms: Math.round(ms) });
    return out;
  }

  private searchHits(q: string, limit: number, entity?: EntityName): SearchHit[] {
    const found = this.records.search.search(q, limit, entity);
    const byEntity = new Map<EntityName, string[]>();
    for (const hit of found) byEntity.set(hit.entity, [...(byEntity.get(hit.entity) ?? []), hit.id]);
    const loaded = new Map<string, Record<string, unknown>>();
    for (const [ent, ids] of byEntity) for (const [id, row] of this.records.titles(ent, ids)) loaded.set(`${ent}:${id}`, row);
    const hits: SearchHit[] = [];
    for (const hit of found) {
      const row = loaded.get(`${hit.entity}:${hit.id}`);
      if (!row) continue;
      const def = entities[hit.entity];
      const subtitle = def.subtitleFields
        .map((f) => row[f])
        .filter((v): v is string | number => v !== null && v !== undefined && v !== '')
        .map((v) => (typeof v === 'string' ? formatPhoneForReading(v) : String(v)))
        .join(' · ');
      hits.push({ entity: hit.entity, id: hit.id, title: String(row[def.titleField] ?? ''), subtitle });
    }
    // What people type is usually a name: an exact name first, then names starting with it, then
    // the index's own ranking (sort is stable, so bm25 order holds within each tier).
    const needle = q.trim().toLowerCase();
    const tier = (h: SearchHit) => (h.title.toLowerCase() === needle ? 0 : h.title.toLowerCase().startsWith(needle) ? 1 : 2);
    return hits.sort((a, b) => tier(a) - tier(b));
  }

  /**
   * An admin screen's question: refused here for anyone but an admin, before the server is asked
   * (which would refuse it too), so the answer is the same offline; signed out it is SERVER_REQUIRED.
   */
  private askAdmin<T>(ask: (conn: SyncConnection) => Promise<T>): Promise<T> {
    // The roles' admin flag when the server sent the access (custom roles may have it); else the role's name.
    const role = this.sync.user?.role;
    const admin = this.sync.access()?.admin ?? (role === undefined ? undefined : role === 'admin');
    if (admin === false) throw new CrmError('FORBIDDEN', 'only administrators may use the admin screens');
    return this.sync.askServer(ask);
  }

  /**
   * An organisation request (admin.departments, admin.role.*, ...): the server's answer, or its
   * refusal as an error whose issue names the reason in words (adminOrg.refused.<reason>).
   */
  private async askOrg<R extends AdminOrgRequest>(request: R): Promise<AdminOrgAnswer<R['op']>> {
    const answer = await this.askAdmin((conn) => conn.adminOrg(request));
    if (answer.ok) return answer.value;
    const { reason, message, params } = answer.refusal;
    const missing = reason === 'department_missing' || reason === 'role_missing' || reason === 'user_missing';
    throw new CrmError(missing ? 'NOT_FOUND' : 'VALIDATION', message, [{ field: typeof params.field === 'string' ? params.field : '', key: `adminOrg.refused.${reason}`, params }]);
  }

  readonly handlers: ApiHandlers = {
    'app.info': () => {
      return {
        version: this.options.appVersion,
        schemaVersion: this.replica.schemaVersion,
        locale: this.locale(),
        user: this.user,
        dataDir: this.options.dataDir,
        session: this.sync.user,
        access: this.sync.access(),
      };
    },
    'record.list': (q) => this.timed(`list ${q.entity}`, () => this.records.list(q)),
    'record.get': ({ entity, id }) => this.records.get(entity, id),
    'record.create': ({ entity, values, id }) => {
      const created = this.records.create(entity, values, id, this.asUser);
      if (entity === 'activity') afterActivityLogged(this.records, this.replica.sqlite, created, this.user.id, this.locale());
      return created;
    },
    'record.update': ({ entity, id, values }) => {
      const updated = this.records.update(entity, id, values, this.asUser);
      if ((entity === 'account' || entity === 'lead') && 'nextFollowUpAt' in values) afterNextFollowUpSet(this.records, this.replica.sqlite, entity, updated, this.user.id, this.locale());
      return updated;
    },
    'record.delete': ({ entity, id }) => ({ deleted: this.records.delete(entity, id, this.asUser) }),
    'record.restore': ({ entity, id }) => this.records.restore(entity, id, this.asUser),
    'record.history': ({ entity, id, before, limit }) =>
      this.sync.askServer(async (conn) => (await conn.history({ entity, id, before, limit })) ?? { entries: [], nextBefore: null }),
    'admin.users': () => this.askAdmin(async (conn) => ({ users: await conn.adminUsers() })),
    'admin.unlockUser': ({ userId }) =>
      this.askAdmin(async (conn) => {
        const done = await conn.adminUnlock(userId);
        if (!done) throw new CrmError('NOT_FOUND', `no user ${userId} on the server`);
        return done;
      }),
    'admin.devices': () => this.askAdmin(async (conn) => ({ devices: await conn.adminDevices() })),
    'admin.revokeDevice': ({ deviceId }) => {
      if (deviceId === this.sync.credentials()?.deviceId) throw new CrmError('BAD_REQUEST', 'this is the device you are using; sign out on it instead of revoking it');
      return this.askAdmin(async (conn) => {
        const done = await conn.adminRevoke(deviceId);
        if (!done) throw new CrmError('NOT_FOUND', `no device ${deviceId} on the server`);
        return done;
      });
    },
    'admin.logins': ({ before, limit }) => this.askAdmin((conn) => conn.adminLogins({ before, limit })),
    'admin.departments': () => this.askOrg({ op: 'departments' }),
    'admin.department.save': ({ id, name, parentId }) => {
      if (id !== undefined) return this.askOrg({ op: 'updateDepartment', id, name, parentId });
      if (name === undefined) throw new CrmError('VALIDATION', 'a new department needs a name', [{ field: 'name', key: 'validation.required' }]);
      return this.askOrg({ op: 'createDepartment', name, parentId: parentId ?? null });
    },
    'admin.department.delete': ({ id }) => this.askOrg({ op: 'deleteDepartment', id }),
    'admin.roles': () => this.askOrg({ op: 'roles' }),
    'admin.role.save': ({ code, definition, create }) => this.askOrg({ op: create ? 'createRole' : 'updateRole', code, definition }),
    'admin.role.reset': ({ code }) => this.askOrg({ op: 'resetRole', code }),
    'admin.role.delete': ({ code }) => this.askOrg({ op: 'deleteRole', code }),
    'admin.user.update': ({ userId, change }) => this.askOrg({ op: 'updateUser', id: userId, change }),
    'lead.convert': (input) => convertLead(this.records, this.replica.sqlite, input, this.sync.access()),
    'pool.claim': ({ accountId }) => this.pool.claim(accountId),
    'pool.release': ({ accountId }) => this.pool.release(accountId),
    'pool.status': ({ accountId }) => this.pool.status(accountId),
    'task.mine': (input) => this.timed('task.mine', () => myTasks(this.replica.sqlite, this.user.id, input)),
    'task.reminders': (input) => this.timed('task.reminders', () => myReminders(this.replica.sqlite, this.user.id, input)),
    'pipeline.board': (input) => this.timed('pipeline board', () => pipelineQueries(this.replica.sqlite).board(input, this.clock())),
    'pipeline.funnel': (input) => this.timed('pipeline funnel', () => pipelineQueries(this.replica.sqlite).funnel(input, this.clock())),
    'search.global': ({ q, limit, entity }) => this.timed('search', () => ({ hits: this.searchHits(q, limit, entity) })),
    'settings.get': ({ key }) => this.settings.get(key),
    'settings.set': ({ key, value }) => {
      this.settings.set(key, value);
      return {};
    },
    'sync.status': () => this.syncStatus(),
    'sync.login': async ({ server, username, password }) => {
      const user = await this.sync.login(server, username, password);
      this.sync.start();
      return { user };
    },
    'sync.logout': ({ force }) => this.sync.logout(force),
    'sync.now': async () => {
      if (!this.sync.credentials()) throw new CrmError('NOT_SIGNED_IN', 'sign in to a sync server first');
      await this.sync.syncNow().catch(() => undefined);
      return this.syncStatus();
    },
    'sync.log': ({ limit }) => ({ entries: this.syncLog.list(limit) }),
    'directory.list': () => {
      const users = this.sync.directory();
      if (users.length > 0) return { users };
      const me = this.user;
      return { users: [{ id: me.id, name: me.name, username: me.name, role: this.sync.user?.role ?? 'local', department: null, active: true }] };
    },
    'conflict.list': ({ includeResolved }) => ({ entries: this.conflicts.list(includeResolved) }),
    'conflict.resolve': ({ id, action, values }) => this.resolveConflict(id, action, values),
  };

  close(): void {
    this.sync.stop();
    this.listeners.clear();
    this.replica.close();
  }
}

function safeHostname(): string {
  try {
    return os.hostname() || 'device';
  } catch {
    return 'device';
  }
}

function safeUsername(): string {
  try {
    return os.userInfo().username || 'user';
  } catch {
    return 'user';
  }
}
