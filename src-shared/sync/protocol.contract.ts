import { z } from 'zod';
import { entityNames, type EntityName } from '../entities/index';
import { lineItemShape } from '../sales/lines.util';
import { access, role, roleCode, roleDefinition } from '../permissions/access';

/**
 * Sync protocol version 1 messages (docs/sync-protocol.md), validated with zod where they enter
 * either side. Field values travel as JSON scalars or string arrays (tags); entity-level
 * validation happens in the handlers, against the entity definitions.
 */
export const PROTOCOL_VERSION = 1;
/**
 * The client entity schema this build speaks: raised when a synced field is added (the field's
 * `since`). The server serves this version and the one before; it leaves out of pulls and
 * snapshots the fields an older client does not know.
 */
export const CLIENT_SCHEMA_VERSION = 4;
export const OLDEST_CLIENT_SCHEMA = CLIENT_SCHEMA_VERSION - 1;
/**
 * Records per snapshot page (the most snapshotQuery allows). The client stores each page in one
 * transaction, and fewer, larger transactions rewrite the replica's index pages fewer times: a
 * first sync of 300,000 records took 41 s in pages of 20,000 against 54–62 s in pages of 5,000
 * (docs/benchmarks.md), for about 40 MB more memory while a page is applied.
 */
export const SNAPSHOT_PAGE = 20000;
/** Mutations per push message, and the byte limit of any message. */
export const MAX_PUSH_MUTATIONS = 500;
export const MAX_MESSAGE_BYTES = 1_000_000;
export const MAX_PULL_LIMIT = 5000;

const entity = z.enum(entityNames as [EntityName, ...EntityName[]]);
const id = z.string().min(1).max(64);
const cn = z.number().int().nonnegative();
const requestId = z.number().int().nonnegative();
const fieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null(), z.array(z.string().max(200)).max(50), z.array(lineItemShape).max(200)]);
const fieldMap = z.record(z.string().min(1).max(64), fieldValue);
const who = z.object({ userId: id, name: z.string().max(100) });

export const mutationOps = ['create', 'update', 'delete', 'restore'] as const;

export const mutation = z.object({
  seq: z.number().int().positive(),
  entity,
  recordId: id,
  op: z.enum(mutationOps),
  changes: fieldMap,
  base: fieldMap,
  /** The record's server version the edit started from; absent for creates. */
  baseVersion: cn.optional(),
});
export type Mutation = z.infer<typeof mutation>;

export const helloMessage = z.object({
  type: z.literal('hello'),
  protocol: z.number().int().positive(),
  schema: z.number().int().nonnegative(),
  token: z.string().min(20).max(200),
  cursor: cn,
});
export const pushMessage = z.object({ type: z.literal('push'), id: requestId, mutations: z.array(mutation).min(1).max(MAX_PUSH_MUTATIONS) });
export const pullMessage = z.object({ type: z.literal('pull'), id: requestId, cursor: cn, limit: z.number().int().min(1).max(MAX_PULL_LIMIT).default(1000) });

export const clientMessage = z.discriminatedUnion('type', [helloMessage, pushMessage, pullMessage]);
export type ClientMessage = z.infer<typeof clientMessage>;

/** Codes a single mutation can be rejected with. */
/**
 * Why the server refused a change. CLAIM_TAKEN: someone else claimed the pool account first (撞单);
 * POOL_RULE: a pool rule forbids the claim (reclaim bar, owner cap; the issue says which).
 */
export const rejectCodes = ['VALIDATION', 'FORBIDDEN', 'OUT_OF_SCOPE', 'NOT_FOUND', 'DUPLICATE_ID', 'UNIQUE_VIOLATION', 'TRANSITION_NOT_ALLOWED', 'CLAIM_TAKEN', 'POOL_RULE'] as const;
export type RejectCode = (typeof rejectCodes)[number];

/** Codes that end or refuse a whole connection or request. */
export const connectionErrorCodes = [
  'AUTH_FAILED',
  'DEVICE_REVOKED',
  'USER_DISABLED',
  /** Sign-in refused: too many wrong passwords in a row locked the account until an operator unlocks it. */
  'ACCOUNT_LOCKED',
  /** The device's token went unused past the server's idle limit: sign in again; the replica stays. */
  'SESSION_EXPIRED',
  'PROTOCOL_TOO_OLD',
  'PROTOCOL_TOO_NEW',
  'SCHEMA_TOO_OLD',
  'SCHEMA_TOO_NEW',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  /** The request needs a role the user does not have (the admin routes). */
  'FORBIDDEN',
  'INTERNAL',
] as const;
export type ConnectionErrorCode = (typeof connectionErrorCodes)[number];

const lostField = z.object({ field: z.string(), mine: fieldValue, theirs: fieldValue, by: who, at: z.number().int(), cn });

export const mutationResult = z.discriminatedUnion('status', [
  /**
   * `assigned`: the values the server stored that differ from what the mutation sent (numbers it
   * assigned, values its rules derived or refused), so the sender's replica ends equal to the server.
   */
  z.object({ seq: z.number().int(), status: z.literal('applied'), version: cn, assigned: fieldMap.optional() }),
  z.object({
    seq: z.number().int(),
    status: z.literal('conflict'),
    version: cn,
    applied: fieldMap.optional(),
    assigned: fieldMap.optional(),
    lost: z.array(lostField).optional(),
    deleted: z.object({ by: who, at: z.number().int() }).optional(),
  }),
  z.object({
    seq: z.number().int(),
    status: z.literal('rejected'),
    code: z.enum(rejectCodes),
    message: z.string(),
    issues: z.array(z.object({ field: z.string(), key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() })).optional(),
  }),
]);
export type MutationResult = z.infer<typeof mutationResult>;

export const changeOps = ['upsert', 'delete', 'remove'] as const;
export const change = z.object({
  cn,
  entity,
  recordId: id,
  op: z.enum(changeOps),
  version: cn.optional(),
  /** Only the fields that changed, unless `full` (the record is new to this user). */
  fields: fieldMap.optional(),
  full: z.boolean().optional(),
});
export type Change = z.infer<typeof change>;

/** `access`: the user's permissions now (src-shared/permissions/access.ts), for the client's UI and to clear fields it may no longer hold. */
export const welcomeMessage = z.object({ type: z.literal('welcome'), serverTime: z.number().int(), userId: id, deviceId: id, cursor: cn, access: access.optional() });
export const pushResultMessage = z.object({ type: z.literal('pushResult'), id: requestId, results: z.array(mutationResult) });
/**
 * `access` comes with the pages of a rescope (the user's access changed: records and fields enter or
 * leave the replica); the client stores it and clears the fields it now hides before applying them.
 */
export const changesMessage = z.object({ type: z.literal('changes'), id: requestId, cursor: cn, hasMore: z.boolean(), changes: z.array(change), access: access.optional() });
/** `org`: the organisation changed (roles, departments, managers): pull even at the same cursor, a rescope may be waiting. */
export const pokeMessage = z.object({ type: z.literal('poke'), cursor: cn, org: z.boolean().optional() });
export const errorMessage = z.object({ type: z.literal('error'), id: requestId.optional(), code: z.enum(connectionErrorCodes), message: z.string() });

export const serverMessage = z.discriminatedUnion('type', [welcomeMessage, pushResultMessage, changesMessage, pokeMessage, errorMessage]);
export type ServerMessage = z.infer<typeof serverMessage>;

const sessionUser = z.object({ id, name: z.string(), username: z.string(), role: z.string() });

export const loginRequest = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
  deviceName: z.string().min(1).max(100),
  protocol: z.number().int().positive(),
  schema: z.number().int().nonnegative(),
  /**
   * Signing in again on a replica kept from an earlier session of the same user (it expired): that
   * session's device id, so the server knows what the replica holds and rescopes it if needed.
   */
  resumeDevice: id.optional(),
});
export type LoginRequest = z.infer<typeof loginRequest>;
export const loginResponse = z.object({ token: z.string(), deviceId: id, user: sessionUser, cursor: cn, access: access.optional() });
export type LoginResponse = z.infer<typeof loginResponse>;

export const snapshotQuery = z.object({
  entity,
  after: z.string().max(64).default(''),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT * 4).default(SNAPSHOT_PAGE),
});
/** A snapshot page: `columns` names the values of each row, in order. */
export const snapshotPage = z.object({
  asOf: cn,
  columns: z.array(z.string()),
  rows: z.array(z.array(z.unknown())),
  next: z.string().nullable(),
  total: z.number().int().nullable(),
});
export type SnapshotPage = z.infer<typeof snapshotPage>;
const snapshotEnvelope = snapshotPage.omit({ rows: true });

/**
 * snapshotPage's check without copying the rows: a page holds 20,000 rows of some thirty values,
 * and a schema walk over them cost a third as much as parsing the JSON. Each row must be an array
 * as long as the column list; the values are checked where they are stored.
 */
export function parseSnapshotPage(value: unknown): SnapshotPage | null {
  if (typeof value !== 'object' || value === null) return null;
  const { rows, ...rest } = value as { rows?: unknown };
  const envelope = snapshotEnvelope.safeParse(rest);
  if (!envelope.success || !Array.isArray(rows)) return null;
  const width = envelope.data.columns.length;
  for (const row of rows) if (!Array.isArray(row) || row.length !== width) return null;
  return { ...envelope.data, rows: rows as unknown[][] };
}

/** The people records can be assigned to and whose names show as owners: `GET /v1/directory`. */
/** `department`: the department's name; `departmentId` and `managerId` for the organisation's reports. */
export const directoryUser = z.object({
  id,
  name: z.string(),
  username: z.string(),
  role: z.string(),
  department: z.string().nullable(),
  departmentId: z.string().nullable().optional(),
  managerId: z.string().nullable().optional(),
  active: z.boolean(),
});
export type DirectoryUser = z.infer<typeof directoryUser>;
export const directoryResponse = z.object({ users: z.array(directoryUser) });

/** The body of every HTTP error answer. */
export const errorBody = z.object({ code: z.string(), message: z.string() });

/** The i18n key the client shows for a connection-level code. Exhaustive over the codes. */
export function connectionErrorKey(code: ConnectionErrorCode): string {
  switch (code) {
    case 'AUTH_FAILED':
      return 'sync.error.authFailed';
    case 'DEVICE_REVOKED':
      return 'sync.error.deviceRevoked';
    case 'USER_DISABLED':
      return 'sync.error.userDisabled';
    case 'ACCOUNT_LOCKED':
      return 'sync.error.accountLocked';
    case 'SESSION_EXPIRED':
      return 'sync.error.sessionExpired';
    case 'PROTOCOL_TOO_OLD':
    case 'SCHEMA_TOO_OLD':
      return 'sync.error.appTooOld';
    case 'PROTOCOL_TOO_NEW':
    case 'SCHEMA_TOO_NEW':
      return 'sync.error.serverTooOld';
    case 'BAD_REQUEST':
    case 'PAYLOAD_TOO_LARGE':
      return 'sync.error.badRequest';
    case 'RATE_LIMITED':
      return 'sync.error.rateLimited';
    case 'FORBIDDEN':
      return 'sync.error.forbidden';
    case 'INTERNAL':
      return 'sync.error.server';
    default: {
      const exhaustive: never = code;
      return exhaustive;
    }
  }
}

// --- record history (GET /v1/history) ------------------------------------------------------
/** Changes per history page at most. */
export const MAX_HISTORY_LIMIT = 100;
/** A record's history, newest change first; `before`: the `nextBefore` of the previous page. */
export const historyQuery = z.object({
  entity,
  id,
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY_LIMIT).default(20),
});
export type HistoryQuery = z.input<typeof historyQuery>;
export const auditKinds = ['create', 'update', 'delete', 'restore', 'move'] as const;
export type AuditKind = (typeof auditKinds)[number];
/**
 * One stored change of the record: who (a user, or `system` for the server's scheduled rules;
 * `name` null when the server has no such user), from which device, and each field it wrote with
 * the value before and after, in the shapes of the sync protocol's field values. A delete, a
 * restore and a move that changed no field have no fields.
 */
export const historyEntry = z.object({
  cn,
  kind: z.enum(auditKinds),
  at: z.number().int(),
  user: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  device: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  fields: z.array(z.object({ field: z.string(), old: fieldValue, new: fieldValue })),
});
export type HistoryEntry = z.infer<typeof historyEntry>;
/** `nextBefore`: ask with `before` = this for older changes; null when there are none. */
export const historyPage = z.object({ entries: z.array(historyEntry), nextBefore: cn.nullable() });
export type HistoryPage = z.infer<typeof historyPage>;

// --- administration (/v1/admin/…, admins only) -------------------------------------------------
/**
 * What the sign-in audit records. Refusals: bad_password, unknown_user, locked (the account is
 * locked), rate_limited, disabled, expired (a device token idle too long). Events: lockout (failed
 * passwords locked the account), unlock (an operator unlocked it), revoke (an operator revoked a device).
 */
export const authOutcomes = ['ok', 'bad_password', 'unknown_user', 'locked', 'rate_limited', 'disabled', 'expired', 'lockout', 'unlock', 'revoke'] as const;
export type AuthOutcome = (typeof authOutcomes)[number];

/**
 * A user as the admin screens show it: `lockedAt` after too many wrong passwords; `lastSignInAt`
 * from the audit. `role` is the first of `roles`; `department` the name of `departmentId`'s
 * department (null: the company as a whole).
 */
export const adminUser = z.object({
  id,
  username: z.string(),
  name: z.string(),
  role: z.string(),
  roles: z.array(z.string()),
  departmentId: z.string().nullable(),
  department: z.string().nullable(),
  managerId: z.string().nullable(),
  managerName: z.string().nullable(),
  disabledAt: z.number().int().nullable(),
  lockedAt: z.number().int().nullable(),
  lastSignInAt: z.number().int().nullable(),
});
export type AdminUser = z.infer<typeof adminUser>;
export const adminUsersResponse = z.object({ users: z.array(adminUser) });

/**
 * A signed-in device. `expired`: its session is over for being idle too long (refused already, or
 * it would be at its next request); `current`: the device asking.
 */
export const adminDevice = z.object({
  id,
  userId: id,
  username: z.string(),
  userName: z.string(),
  name: z.string(),
  createdAt: z.number().int(),
  lastSeenAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
  expired: z.boolean(),
  current: z.boolean(),
});
export type AdminDevice = z.infer<typeof adminDevice>;
export const adminDevicesResponse = z.object({ devices: z.array(adminDevice) });

/** Sign-in audit entries per page at most. */
export const MAX_ADMIN_LOGINS_LIMIT = 100;
/** The sign-in audit, newest first; `before`: the `nextBefore` of the previous page. */
export const adminLoginsQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_ADMIN_LOGINS_LIMIT).default(50),
});
/** One sign-in or session event; never a password. `address`: the client's, or `cli` for an operator's command. */
export const adminLoginEntry = z.object({
  id: z.number().int(),
  at: z.number().int(),
  username: z.string(),
  userId: z.string().nullable(),
  deviceId: z.string().nullable(),
  deviceName: z.string().nullable(),
  address: z.string().nullable(),
  outcome: z.enum(authOutcomes),
});
export type AdminLoginEntry = z.infer<typeof adminLoginEntry>;
export const adminLoginsPage = z.object({ entries: z.array(adminLoginEntry), nextBefore: z.number().int().nullable() });
export type AdminLoginsPage = z.infer<typeof adminLoginsPage>;

export const adminUnlockResponse = z.object({ id, username: z.string(), unlocked: z.boolean() });
export const adminRevokeResponse = z.object({ id, revoked: z.boolean() });

// --- the organisation: departments, roles, users' places in it (/v1/admin/…, admins only) -------
/**
 * Why the server refused a change to the organisation: the refusal's body carries it beside
 * `code` and `message` (NOT_FOUND with 404 for the three `*_missing` targets of the route,
 * BAD_REQUEST with 400 otherwise), and the client shows `adminOrg.refused.<reason>` with `params`.
 */
export const orgRefusalReasons = [
  'department_missing',
  'role_missing',
  'user_missing',
  /** The parent named for a department does not exist. */
  'parent_missing',
  /** A department would end up under itself. */
  'department_cycle',
  /** Another department of that name has the same parent. */
  'department_exists',
  'department_has_children',
  'department_has_users',
  'role_exists',
  /** A built-in role cannot be deleted (only reset). */
  'role_builtin',
  /** Only built-in roles have defaults to reset to. */
  'role_custom',
  'role_in_use',
  /** The definition breaks a rule of roleIssues (the title field hidden, an unknown field). */
  'role_invalid',
  /** A user's roles name a role that does not exist. */
  'unknown_role',
  /** A user's department does not exist. */
  'department_unknown',
  'manager_missing',
  'manager_self',
  /** The manager reports (directly or not) to the user. */
  'manager_cycle',
  /** An administrator may not disable their own account. */
  'self_disable',
  /** The change would leave no active user with an administrator role. */
  'last_admin',
] as const;
export type OrgRefusalReason = (typeof orgRefusalReasons)[number];
export const orgRefusalParams = z.record(z.string(), z.union([z.string(), z.number()]));
export const orgRefusal = z.object({ code: z.string(), message: z.string(), reason: z.enum(orgRefusalReasons), params: orgRefusalParams.default({}) });
export type OrgRefusal = z.infer<typeof orgRefusal>;

/** A department of the tree; `userCount`: the users in it directly (not in departments below). */
export const adminDepartment = z.object({ id, name: z.string(), parentId: id.nullable(), userCount: z.number().int(), createdAt: z.number().int() });
export type AdminDepartment = z.infer<typeof adminDepartment>;
export const adminDepartmentsResponse = z.object({ departments: z.array(adminDepartment) });
const departmentName = z.string().trim().min(1).max(60);
/** POST /v1/admin/departments; `parentId` null or absent: at the top, under the company. */
export const adminDepartmentCreate = z.object({ name: departmentName, parentId: id.nullable().default(null) });
export type AdminDepartmentCreate = z.input<typeof adminDepartmentCreate>;
/** PATCH /v1/admin/departments/:id: rename, move (a new parent, null for the top), or both. */
export const adminDepartmentUpdate = z
  .object({ name: departmentName.optional(), parentId: id.nullable().optional() })
  .refine((v) => v.name !== undefined || v.parentId !== undefined, 'say what to change: name or parentId');
export type AdminDepartmentUpdate = z.infer<typeof adminDepartmentUpdate>;
export const adminDepartmentDeleted = z.object({ id, deleted: z.literal(true) });

/** A role with how many users hold it; `customized`: a built-in role an admin has changed (it can be reset). */
export const adminRole = role.extend({ userCount: z.number().int(), customized: z.boolean() });
export type AdminRole = z.infer<typeof adminRole>;
export const adminRolesResponse = z.object({ roles: z.array(adminRole) });
/** POST /v1/admin/roles: a custom role. */
export const adminRoleCreate = z.object({ code: roleCode, definition: roleDefinition });
export type AdminRoleCreate = z.infer<typeof adminRoleCreate>;
/** PUT /v1/admin/roles/:code: a role's whole definition (built-in or custom). */
export const adminRoleUpdate = z.object({ definition: roleDefinition });
export type AdminRoleUpdate = z.infer<typeof adminRoleUpdate>;
export const adminRoleDeleted = z.object({ code: z.string(), deleted: z.literal(true) });

/** PATCH /v1/admin/users/:id: what to change; `departmentId` / `managerId` null clear them. Answers the adminUser. */
export const adminUserUpdate = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    departmentId: id.nullable().optional(),
    managerId: id.nullable().optional(),
    roles: z.array(z.string().min(1).max(40)).min(1).max(20).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), 'say what to change');
export type AdminUserUpdate = z.infer<typeof adminUserUpdate>;

/**
 * What an audited administrator's change acted on, before and after, as the admin screens show it:
 * a role, a user, a department, a lock or a device's revocation; null where it did not exist.
 */
export const adminAuditValue = z.union([adminRole, adminUser, adminDepartment, z.object({ locked: z.boolean() }), z.object({ revoked: z.boolean() })]).nullable();
export type AdminAuditValue = z.infer<typeof adminAuditValue>;
/** The audit of administrators' changes, newest first (`GET /v1/admin/audit`, the same paging as logins). */
export const adminAuditEntry = z.object({
  id: z.number().int(),
  at: z.number().int(),
  user: z.object({ id: z.string(), name: z.string().nullable() }),
  deviceId: z.string().nullable(),
  address: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  before: adminAuditValue,
  after: adminAuditValue,
});
export type AdminAuditEntry = z.infer<typeof adminAuditEntry>;
export const adminAuditPage = z.object({ entries: z.array(adminAuditEntry), nextBefore: z.number().int().nullable() });
export type AdminAuditPage = z.infer<typeof adminAuditPage>;
