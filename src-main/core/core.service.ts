import os from 'node:os';
import path from 'node:path';
import { uuidv7 } from 'uuidv7';
import type { ApiHandlers, CoreEvent, SearchHit } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName } from '../../src-shared/entities/index';
import { isLocale, pickLocale } from '../../src-shared/i18n/index';
import { formatPhoneForReading } from '../../src-shared/phone.util';
import { openReplica, readMeta, writeMeta, type Replica } from './db/replica';
import { RecordRepository } from './records/record.repository';
import { SEARCH_INDEX_VERSION } from './search/search.index';
import { seedDemo, DEMO_ACCOUNTS } from './seed/seed-demo';
import { SettingsRepository } from './settings/settings.repository';
import { logCore } from './log';
import { ConflictRepository } from './sync/conflict.repository';
import { SyncLogRepository } from './sync/sync-log.repository';
import { CrmError } from '../../src-shared/result';
import type { CoreOptions } from './worker/worker-protocol';

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
  private readonly user: { id: string; name: string };

  constructor(private readonly options: CoreOptions) {
    this.replica = openReplica(path.join(options.dataDir, 'replica.db'), options.migrationsDir, options.appVersion);
    this.user = this.localUser();
    this.records = new RecordRepository(this.replica, () => this.user.id, (entity, ids) => this.emit({ type: 'changed', entity, ids }));
    this.settings = new SettingsRepository(this.replica.sqlite);
    this.conflicts = new ConflictRepository(this.replica.sqlite);
    this.syncLog = new SyncLogRepository(this.replica.sqlite);
    if (readMeta(this.replica.sqlite, 'searchIndexVersion') !== String(SEARCH_INDEX_VERSION)) {
      const n = this.records.rebuildSearch();
      writeMeta(this.replica.sqlite, 'searchIndexVersion', String(SEARCH_INDEX_VERSION));
      if (n > 0) logCore('info', 'search index rebuilt', { records: n });
    }
    if (options.seedDemo && readMeta(this.replica.sqlite, 'demoSeeded') === null && this.records.isEmpty('account')) {
      seedDemo(this.records, { accounts: DEMO_ACCOUNTS });
      writeMeta(this.replica.sqlite, 'demoSeeded', String(Date.now()));
    }
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

  private emit(event: CoreEvent): void {
    for (const listener of this.listeners) listener(event);
    if (event.type === 'changed') this.emit({ type: 'sync', status: this.syncStatus() });
  }

  private syncStatus() {
    return {
      state: 'local' as const,
      pending: this.records.outbox.pendingCount(),
      conflicts: this.conflicts.openCount(),
      lastSyncAt: null,
      lastError: null,
      lastErrorKey: null,
      retryAt: null,
      server: null,
      initial: null,
    };
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

  readonly handlers: ApiHandlers = {
    'app.info': () => {
      const saved = this.settings.get('ui.locale');
      return {
        version: this.options.appVersion,
        schemaVersion: this.replica.schemaVersion,
        locale: isLocale(saved) ? saved : pickLocale(this.options.osLocale),
        user: this.user,
        dataDir: this.options.dataDir,
        session: null,
      };
    },
    'record.list': (q) => this.timed(`list ${q.entity}`, () => this.records.list(q)),
    'record.get': ({ entity, id }) => this.records.get(entity, id),
    'record.create': ({ entity, values, id }) => this.records.create(entity, values, id),
    'record.update': ({ entity, id, values }) => this.records.update(entity, id, values),
    'record.delete': ({ entity, id }) => ({ deleted: this.records.delete(entity, id) }),
    'record.restore': ({ entity, id }) => this.records.restore(entity, id),
    'search.global': ({ q, limit, entity }) => this.timed('search', () => ({ hits: this.searchHits(q, limit, entity) })),
    'settings.get': ({ key }) => this.settings.get(key),
    'settings.set': ({ key, value }) => {
      this.settings.set(key, value);
      return {};
    },
    'sync.status': () => this.syncStatus(),
    'sync.login': () => {
      throw new CrmError('SERVER_UNREACHABLE', 'sync engine not wired yet');
    },
    'sync.logout': () => ({ pending: this.records.outbox.pendingCount() }),
    'sync.now': () => this.syncStatus(),
    'sync.log': ({ limit }) => ({ entries: this.syncLog.list(limit) }),
    'conflict.list': ({ includeResolved }) => ({ entries: this.conflicts.list(includeResolved) }),
    'conflict.resolve': () => ({ resolved: false }),
  };

  close(): void {
    this.listeners.clear();
    this.replica.close();
  }
}

function safeUsername(): string {
  try {
    return os.userInfo().username || 'user';
  } catch {
    return 'user';
  }
}
