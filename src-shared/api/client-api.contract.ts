import { z } from 'zod';
import { entityNames, type EntityName } from '../entities/index';
import type { Result } from '../result';

/**
 * The client API: the one contract between the renderer (and later the CLI) and the data core.
 * Every transport (worker messages, Electron IPC, the browser host's WebSocket) carries
 * `{ method, input }` and answers a Result. Inputs are validated with these schemas where they
 * enter the core; both sides' types derive from this file.
 */
const entityName = z.enum(entityNames as [EntityName, ...EntityName[]]);
const recordId = z.string().min(1).max(64);
/** A record as it crosses a boundary: system fields plus the entity's fields. */
export type RecordData = Record<string, unknown> & { id: string; updatedAt: number; deletedAt: number | null };
const recordData = z.custom<RecordData>((v) => typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string');

export const filterOps = ['eq', 'neq', 'contains', 'notContains', 'startsWith', 'endsWith', 'in', 'lt', 'lte', 'gt', 'gte', 'between', 'blank', 'notBlank'] as const;
export type FilterOp = (typeof filterOps)[number];

const filterValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
export const listFilter = z.object({
  field: z.string().min(1).max(64),
  op: z.enum(filterOps),
  value: z.union([filterValue, z.array(filterValue).max(200)]).optional(),
  value2: filterValue.optional(),
});
export type ListFilter = z.infer<typeof listFilter>;

export const listQuery = z.object({
  entity: entityName,
  offset: z.number().int().min(0).default(0),
  /** Rows per request: the grid asks in blocks; keep blocks well under a screenful of work. */
  limit: z.number().int().min(1).max(1000).default(100),
  sort: z.array(z.object({ field: z.string().min(1).max(64), dir: z.enum(['asc', 'desc']) })).max(4).default([]),
  filters: z.array(listFilter).max(30).default([]),
  /** Free text matched through the search index (quick filter above the grid). */
  quick: z.string().max(200).optional(),
  /** Skip the COUNT(*) when the caller already knows the total (scrolling within one query). */
  withTotal: z.boolean().default(true),
});
export type ListQuery = z.input<typeof listQuery>;

const searchHit = z.object({ entity: entityName, id: z.string(), title: z.string(), subtitle: z.string() });
export type SearchHit = z.infer<typeof searchHit>;

const sessionUser = z.object({ id: z.string(), name: z.string(), username: z.string(), role: z.string() });
export type SessionUser = z.infer<typeof sessionUser>;

export const syncLogEntry = z.object({
  at: z.number(),
  /** push, pull, snapshot, login, connect, error, ... */
  kind: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  ms: z.number().nullable(),
  bytes: z.number().nullable(),
});
export type SyncLogEntry = z.infer<typeof syncLogEntry>;

export const conflictKinds = ['field', 'deleted', 'rejected'] as const;
export const conflictActions = ['mine', 'theirs', 'restore', 'resend', 'discard'] as const;
export type ConflictAction = (typeof conflictActions)[number];
/**
 * One conflict-inbox entry. `field`: my value of `field` lost to `theirs` (written by `byName` at
 * `at`); `deleted`: I edited a record someone deleted (`mine` holds all my changed fields);
 * `rejected`: the server refused my change (`code`, `message`, `issues`; `mine` holds what I typed).
 */
export const conflictEntry = z.object({
  id: z.number().int(),
  kind: z.enum(conflictKinds),
  entity: entityName,
  recordId: z.string(),
  /** The record's title when the entry was made (the record may since have left this device). */
  title: z.string(),
  op: z.string(),
  field: z.string().nullable(),
  mine: z.record(z.string(), z.unknown()),
  theirs: z.record(z.string(), z.unknown()).nullable(),
  byName: z.string().nullable(),
  at: z.number().nullable(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  issues: z.array(z.object({ field: z.string(), key: z.string() })).nullable(),
  createdAt: z.number(),
  resolvedAt: z.number().nullable(),
  resolution: z.string().nullable(),
});
export type ConflictEntry = z.infer<typeof conflictEntry>;

export const syncStates = ['local', 'signedOut', 'online', 'offline', 'syncing'] as const;
export const syncStatus = z.object({
  /**
   * `local`: no sync server configured (a replica used on its own); `signedOut`: a server is
   * configured but nobody is signed in; then online / offline / syncing.
   */
  state: z.enum(syncStates),
  pending: z.number().int(),
  /** Open entries in the conflict inbox (conflicts and rejected changes). */
  conflicts: z.number().int().default(0),
  lastSyncAt: z.number().nullable(),
  /** The last failure, as an i18n key (sync.error.*) plus the technical message for support. */
  lastError: z.string().nullable(),
  lastErrorKey: z.string().nullable().default(null),
  /** When the engine will try again after a failure (epoch ms), or null. */
  retryAt: z.number().nullable().default(null),
  server: z.string().nullable().default(null),
  /** First sync progress: records received so far and the server's estimate of the total. */
  initial: z.object({ received: z.number().int(), total: z.number().int().nullable() }).nullable().default(null),
  /**
   * Search entries still being built after a first sync (the records are stored; search finds
   * those indexed so far): entries made and records in all; null or absent when search covers
   * everything.
   */
  searchIndex: z.object({ indexed: z.number().int(), total: z.number().int() }).nullable().optional(),
});
export type SyncStatus = z.infer<typeof syncStatus>;

export const appInfo = z.object({
  version: z.string(),
  schemaVersion: z.number().int(),
  locale: z.string(),
  user: z.object({ id: z.string(), name: z.string() }),
  dataDir: z.string(),
  /** The signed-in user of the sync server, or null (local replica, or signed out). */
  session: sessionUser.nullable().default(null),
});
export type AppInfo = z.infer<typeof appInfo>;

const settingKey = z.string().min(1).max(100).regex(/^[a-zA-Z0-9_.:-]+$/);

export const clientApi = {
  'app.info': { input: z.object({}), output: appInfo },
  'record.list': { input: listQuery, output: z.object({ rows: z.array(recordData), total: z.number().int().nullable() }) },
  'record.get': { input: z.object({ entity: entityName, id: recordId }), output: recordData },
  'record.create': {
    input: z.object({ entity: entityName, values: z.record(z.string(), z.unknown()), id: recordId.optional() }),
    output: recordData,
  },
  'record.update': { input: z.object({ entity: entityName, id: recordId, values: z.record(z.string(), z.unknown()) }), output: recordData },
  /** Tombstones the record and its cascading children; `restore` with the same id undoes it. */
  'record.delete': { input: z.object({ entity: entityName, id: recordId }), output: z.object({ deleted: z.number().int() }) },
  'record.restore': { input: z.object({ entity: entityName, id: recordId }), output: recordData },
  /**
   * 线索转化: turns a lead into an account (a new one from `account`, or `account.existingId` when
   * the company is already a customer), a contact and, unless `opportunity` is null, an
   * opportunity, in one local transaction (offline too). The lead is marked converted with links
   * to what it became, and its activities move to the account (and the opportunity).
   */
  'lead.convert': {
    input: z.object({
      leadId: recordId,
      account: z.union([z.object({ existingId: recordId }), z.object({ values: z.record(z.string(), z.unknown()) })]),
      contact: z.object({ values: z.record(z.string(), z.unknown()) }),
      opportunity: z.object({ values: z.record(z.string(), z.unknown()) }).nullable(),
    }),
    output: z.object({ accountId: z.string(), contactId: z.string(), opportunityId: z.string().nullable() }),
  },
  'search.global': {
    input: z.object({ q: z.string().max(200), limit: z.number().int().min(1).max(50).default(20), entity: entityName.optional() }),
    output: z.object({ hits: z.array(searchHit) }),
  },
  'settings.get': { input: z.object({ key: settingKey }), output: z.unknown() },
  'settings.set': { input: z.object({ key: settingKey, value: z.unknown() }), output: z.object({}) },
  'sync.status': { input: z.object({}), output: syncStatus },
  /** Signs this device in; the device stays signed in until revoked or signed out. */
  'sync.login': {
    input: z.object({ server: z.string().min(1).max(500), username: z.string().min(1).max(100), password: z.string().min(1).max(200) }),
    output: z.object({ user: sessionUser }),
  },
  /** Signs out: pending changes are pushed first when online; the replica is cleared. */
  'sync.logout': { input: z.object({ force: z.boolean().default(false) }), output: z.object({ pending: z.number().int() }) },
  /** Sync now (retry after a failure, or the user's own request); resolves when the cycle ends. */
  'sync.now': { input: z.object({}), output: syncStatus },
  /** The sync log, newest last, for the support export. */
  'sync.log': { input: z.object({ limit: z.number().int().min(1).max(5000).default(1000) }), output: z.object({ entries: z.array(syncLogEntry) }) },
  /** Users of the sync server (names of owners, the owner picker); only the local user when not signed in. */
  'directory.list': {
    input: z.object({}),
    output: z.object({
      users: z.array(z.object({ id: z.string(), name: z.string(), username: z.string(), role: z.string(), department: z.string().nullable(), active: z.boolean() })),
    }),
  },
  'conflict.list': { input: z.object({ includeResolved: z.boolean().default(false) }), output: z.object({ entries: z.array(conflictEntry) }) },
  /**
   * Settles an inbox entry. `mine`: send my value again over the winner (field conflicts);
   * `theirs`: keep the server's value; `restore`: undelete the record and re-send my edit;
   * `resend`: send a rejected change again, with `values` corrected by the user; `discard`: drop it.
   */
  'conflict.resolve': {
    input: z.object({ id: z.number().int(), action: z.enum(conflictActions), values: z.record(z.string(), z.unknown()).optional() }),
    output: z.object({ resolved: z.boolean() }),
  },
} as const;

export type ClientApi = typeof clientApi;
export type Method = keyof ClientApi;
export type MethodInput<M extends Method> = z.input<ClientApi[M]['input']>;
export type MethodParsedInput<M extends Method> = z.output<ClientApi[M]['input']>;
export type MethodOutput<M extends Method> = z.output<ClientApi[M]['output']>;

export const methods = Object.keys(clientApi) as Method[];
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.hasOwn(clientApi, name);
}

/** The core implements this; each handler gets its input already validated. */
export type ApiHandlers = { [M in Method]: (input: MethodParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>> };

/** What the renderer calls: promise-returning, throwing an ApiError on `{ ok: false }`. */
export type ApiClient = { [M in Method]: (input: MethodInput<M>) => Promise<MethodOutput<M>> };

/** Pushed by the core to every connected view. */
export type CoreEvent =
  | { type: 'changed'; entity: EntityName; ids: string[] }
  | { type: 'sync'; status: SyncStatus }
  /** The replica was replaced wholesale (first sync, sign-out, revoked device): reload every view. */
  | { type: 'reset' }
  | { type: 'conflicts'; open: number };

/** A transport sends one request and resolves with the core's Result. */
export interface Transport {
  invoke(method: Method, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: CoreEvent) => void): () => void;
}
