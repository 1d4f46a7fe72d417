import { z } from 'zod';
import { entityNames, stageKinds, type EntityName } from '../entities/index';
import { access, type Access } from '../permissions/access';
import type { Result } from '../result';
import { adminDevice, adminLoginEntry, adminUser, historyEntry, MAX_ADMIN_LOGINS_LIMIT, MAX_HISTORY_LIMIT } from '../sync/protocol.contract';
import { adminDepartment, adminRole, adminUserUpdate } from '../sync/protocol.contract';
import { roleCode, roleDefinition } from '../permissions/access';

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
  /** Signed out because the session expired: the user to sign in again (the form fills it in). */
  lastUsername: z.string().nullable().optional(),
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
  /**
   * The signed-in user's permissions as the server last sent them (src-shared/permissions/access.ts);
   * null or absent: no restrictions known (a local replica, signed out, a server older than
   * permissions). Changes later arrive as `access` events.
   */
  access: access.nullable().optional(),
});
export type AppInfo = z.infer<typeof appInfo>;

const settingKey = z.string().min(1).max(100).regex(/^[a-zA-Z0-9_.:-]+$/);

// --- pipeline (销售看板 / 销售漏斗) ------------------------------------------------------------
const closeDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Whose deals: absent or empty means everyone visible on this device. */
const ownerIds = z.array(recordId).max(200).optional();
/** Money of one currency: amounts in minor units (分); weighted = Σ amount × probability / 100, rounded. */
export const moneyTotal = z.object({ currency: z.string(), amount: z.number().int(), weighted: z.number().int() });
export type MoneyTotal = z.infer<typeof moneyTotal>;
const pipelineStage = z.object({
  id: z.string(),
  name: z.string(),
  /** Built-in stages' code: their label is i18n stage.<code>. */
  code: z.string().nullable(),
  kind: z.enum(stageKinds),
  position: z.number().int(),
  probability: z.number().int().nullable(),
  limitDays: z.number().int().nullable(),
  /** Live deals in the stage that pass the filters. */
  count: z.number().int(),
  /** One per currency present: CNY first, then the others in the currency list's order. */
  totals: z.array(moneyTotal),
});
const dealSummary = z.object({
  id: z.string(),
  name: z.string(),
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  amount: z.number().int().nullable(),
  currency: z.string(),
  ownerId: z.string(),
  stageChangedAt: z.number().int().nullable(),
});
export const pipelineCard = dealSummary.extend({
  probability: z.number().int().nullable(),
  expectedCloseDate: z.string().nullable(),
  lostReason: z.string().nullable(),
});
export type PipelineCard = z.infer<typeof pipelineCard>;
export const stalledDeal = dealSummary.extend({ daysInStage: z.number().int(), daysOver: z.number().int() });
export type StalledDeal = z.infer<typeof stalledDeal>;
const dealOutcome = z.object({ count: z.number().int(), totals: z.array(moneyTotal) });

/** The record a task is about, with its title (the first of deal, contract, contact, lead, account that is set and here). */
const taskRelated = z.object({ entity: entityName, id: z.string(), title: z.string() });
export type TaskRelated = z.infer<typeof taskRelated>;
/** One of my open tasks as the "my tasks" view and the reminders show it. */
export const myTask = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  /** manual, or the rule that made it (follow_up, pool_warning, payment_overdue). */
  source: z.string(),
  dueAt: z.number().nullable(),
  remindAt: z.number().nullable(),
  related: taskRelated.nullable(),
});
export type MyTask = z.infer<typeof myTask>;
const myTaskSection = z.object({ count: z.number().int(), rows: z.array(myTask) });
export type MyTaskSection = z.infer<typeof myTaskSection>;

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
   * The record's history from the server's audit log, newest change first (see HistoryEntry in
   * the sync protocol); `before`: the previous page's `nextBefore`. Online only: offline or signed
   * out it fails with SERVER_REQUIRED; a record the server does not have for this user (not synced
   * yet, or out of scope) has no entries.
   */
  'record.history': {
    input: z.object({ entity: entityName, id: recordId, before: z.number().int().positive().optional(), limit: z.number().int().min(1).max(MAX_HISTORY_LIMIT).default(20) }),
    output: z.object({ entries: z.array(historyEntry), nextBefore: z.number().int().nullable() }),
  },
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
  /**
   * My open tasks (owner = the current user) in four sections: overdue (due before `now`), today
   * (due later today), upcoming (due after today), undated. "Today" is the user's local day, from
   * `tzOffsetMinutes` (Date#getTimezoneOffset). `now` defaults to the core's clock (tests fix it).
   * Each section has its full count and at most `limit` rows, soonest due first (undated: newest first).
   */
  'task.mine': {
    input: z.object({
      now: z.number().int().optional(),
      tzOffsetMinutes: z.number().int().min(-840).max(840),
      limit: z.number().int().min(1).max(500).default(100),
    }),
    output: z.object({
      now: z.number(),
      /** When the user's today ends (epoch ms): the line between today and upcoming. */
      todayEnd: z.number(),
      overdue: myTaskSection,
      today: myTaskSection,
      upcoming: myTaskSection,
      undated: myTaskSection,
    }),
  },
  /** My open tasks whose reminder time is in (from, to], earliest first: what the notifier shows. */
  'task.reminders': {
    input: z.object({ from: z.number().int(), to: z.number().int(), limit: z.number().int().min(1).max(500).default(200) }),
    output: z.object({ reminders: z.array(myTask.extend({ remindAt: z.number() })) }),
  },
  /**
   * 销售看板: the active stages in position order with their deal count, totals per currency and
   * the first `perStage` cards (close date, then amount, largest first; no close date last).
   * `closeMonth` 'YYYY-MM' keeps deals expected to close that month. `asOf`: the core's clock, for
   * days in stage.
   */
  'pipeline.board': {
    input: z.object({
      ownerIds,
      closeMonth: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).nullable().optional(),
      perStage: z.number().int().min(1).max(200).default(50),
    }),
    output: z.object({
      asOf: z.number(),
      stages: z.array(pipelineStage.extend({ cards: z.array(pipelineCard), more: z.boolean() })),
    }),
  },
  /**
   * 销售漏斗: the active open stages in position order with count, totals and weighted amounts,
   * and their stalled deals (time in stage over the stage's limitDays: the count and the 20 most
   * overdue); won and lost deals summed over the stages of that kind. `closeFrom` / `closeTo`
   * (inclusive) filter on the expected close date.
   */
  'pipeline.funnel': {
    input: z.object({ ownerIds, closeFrom: closeDay.nullable().optional(), closeTo: closeDay.nullable().optional() }),
    output: z.object({
      asOf: z.number(),
      stages: z.array(pipelineStage.extend({ stalled: z.object({ count: z.number().int(), deals: z.array(stalledDeal) }) })),
      won: dealOutcome,
      lost: dealOutcome,
    }),
  },
  /** 领取: the signed-in user claims an account from the pool (checked against the pool rules here, decided by the server). */
  'pool.claim': { input: z.object({ accountId: recordId }), output: recordData },
  /** Releases an account to the pool (its owner, or a manager). */
  'pool.release': { input: z.object({ accountId: recordId }), output: recordData },
  /** The pool rules, how many accounts the user owns, and for one account when it would return to the pool and whether the user may claim it. */
  'pool.status': {
    input: z.object({ accountId: recordId.optional() }),
    output: z.object({
      rules: z.array(
        z.object({ level: z.string().nullable(), returnDays: z.number().nullable(), warnDays: z.number().nullable(), reclaimBarDays: z.number().nullable(), ownerCap: z.number().nullable(), active: z.boolean().nullable() }),
      ),
      owned: z.number().int(),
      returnAt: z.number().nullable(),
      claimIssue: z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).nullable(),
    }),
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
  /**
   * The admin screens, answered by the server (/v1/admin/…) like record.history: SERVER_REQUIRED
   * offline or signed out, FORBIDDEN for anyone but an admin (refused by the core before asking).
   * Every user with lock, manager and latest sign-in.
   */
  'admin.users': { input: z.object({}), output: z.object({ users: z.array(adminUser) }) },
  /** Unlocks an account locked after wrong passwords (audited); `unlocked` false: it was not locked. NOT_FOUND: no such user. */
  'admin.unlockUser': { input: z.object({ userId: recordId }), output: z.object({ id: z.string(), username: z.string(), unlocked: z.boolean() }) },
  /** Every device that has signed in; `current` is this one. */
  'admin.devices': { input: z.object({}), output: z.object({ devices: z.array(adminDevice) }) },
  /**
   * Revokes a device (audited): refused from its next request, its replica wiped there. This very
   * device is refused (BAD_REQUEST; sign out instead). NOT_FOUND: no such device.
   */
  'admin.revokeDevice': { input: z.object({ deviceId: recordId }), output: z.object({ id: z.string(), revoked: z.boolean() }) },
  /** The sign-in audit, newest first; `before`: the previous page's `nextBefore`. */
  'admin.logins': {
    input: z.object({ before: z.number().int().positive().optional(), limit: z.number().int().min(1).max(MAX_ADMIN_LOGINS_LIMIT).default(50) }),
    output: z.object({ entries: z.array(adminLoginEntry), nextBefore: z.number().int().nullable() }),
  },
  /**
   * The organisation (admins only, online only, like the methods above). A change the server
   * refuses fails with `issues[0].key` = `adminOrg.refused.<reason>` (and its params) saying why:
   * a department with users, a move under itself, a role still held, a hidden required field, ...
   * Every department, with its direct users' count.
   */
  'admin.departments': { input: z.object({}), output: z.object({ departments: z.array(adminDepartment) }) },
  /** Without `id`: a new department (`name` required; `parentId` null: at the top). With `id`: rename and/or move it. */
  'admin.department.save': {
    input: z.object({ id: recordId.optional(), name: z.string().trim().min(1).max(60).optional(), parentId: recordId.nullable().optional() }),
    output: adminDepartment,
  },
  /** Deletes an empty department (no departments or users in it). */
  'admin.department.delete': { input: z.object({ id: recordId }), output: z.object({ id: z.string(), deleted: z.boolean() }) },
  /** Every role, built-in ones completed with their defaults, with its holders' count. */
  'admin.roles': { input: z.object({}), output: z.object({ roles: z.array(adminRole) }) },
  /** `create`: a new custom role (its code unused); otherwise the role's whole definition is replaced. */
  'admin.role.save': { input: z.object({ code: roleCode, definition: roleDefinition, create: z.boolean().default(false) }), output: adminRole },
  /** A built-in role back to its defaults. */
  'admin.role.reset': { input: z.object({ code: roleCode }), output: adminRole },
  /** Deletes a custom role nobody holds. */
  'admin.role.delete': { input: z.object({ code: roleCode }), output: z.object({ code: z.string(), deleted: z.boolean() }) },
  /** Changes a user's name, department, manager, roles or disabled state; answers the user as admin.users lists them. */
  'admin.user.update': { input: z.object({ userId: recordId, change: adminUserUpdate }), output: adminUser },
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
  | { type: 'conflicts'; open: number }
  /** The user's permissions changed (sign-in, a sync after an administrator changed their roles, sign-out). */
  | { type: 'access'; access: Access | null };

/** A transport sends one request and resolves with the core's Result. */
export interface Transport {
  invoke(method: Method, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: CoreEvent) => void): () => void;
}
