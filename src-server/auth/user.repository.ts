import { uuidv7 } from 'uuidv7';
import type { SqlRunner, SqlStore } from '../store/sql-store';
import { AuthAuditRepository, type AuthOutcome } from './auth-audit.repository';
import { builtinRoleCodes, type BuiltinRole } from '../../src-shared/permissions/access';
import { bumpOrgVersion, parseRoles } from './org.store';
import { hashPassword, hashToken, newDeviceToken, verifyPassword } from './password.util';

/** The built-in roles; an admin may add others (src-shared/permissions/access.ts). */
export const roles = builtinRoleCodes;
export type Role = BuiltinRole;

export interface User {
  id: string;
  username: string;
  name: string;
  /** The first of `roles`, shown where one role is named. */
  role: string;
  /** Role codes; the user's access is their union. */
  roles: string[];
  /** The id of the user's department; null: the company as a whole (the top of the tree). */
  department: string | null;
  managerId: string | null;
  disabledAt: number | null;
}

/** A user as `user list` shows it: locked after too many failed passwords, until unlocked. */
export interface ListedUser extends User {
  lockedAt: number | null;
}

export interface Device {
  id: string;
  userId: string;
  username: string;
  name: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  /** When its token was first refused for having been idle too long (it stays refused). */
  expiredAt: number | null;
}

const DAY_MS = 24 * 60 * 60_000;

/** How sign-ins and sessions are guarded (docs/sync-protocol.md, Sign-in). */
export interface AuthPolicy {
  /** Failed passwords in a row after which the account is locked until an operator unlocks it; 0: never. */
  lockAfter: number;
  /** A device token not used for longer than this is refused with SESSION_EXPIRED; 0: never. */
  sessionIdleMs: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { lockAfter: 5, sessionIdleMs: 30 * DAY_MS };

/**
 * How stale a device's last_seen_at may get before a request writes it again: writing it on every
 * push and pull would add a write to each, and a day-scale idle limit needs no finer clock. A
 * tenth of the idle limit keeps a device in use far from expiring whatever the limit.
 */
export function touchInterval(sessionIdleMs: number): number {
  const hour = 60 * 60_000;
  return sessionIdleMs > 0 ? Math.min(hour, Math.floor(sessionIdleMs / 10)) : hour;
}

/** Whether a device last seen at `lastSeenAt` has been idle too long at `now`. */
export function sessionExpired(lastSeenAt: number, now: number, sessionIdleMs: number): boolean {
  return sessionIdleMs > 0 && now - lastSeenAt > sessionIdleMs;
}

/** A users row as stored. */
export interface UserRow {
  id: string;
  username: string;
  name: string;
  role: string;
  roles: string | null;
  department: string | null;
  manager_id: string | null;
  disabled_at: number | null;
  password_hash: string;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  name: r.name,
  role: parseRoles(r.roles, r.role)[0]!,
  roles: parseRoles(r.roles, r.role),
  department: r.department,
  managerId: r.manager_id,
  disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
});

/** Why an operator command or a login failed, in words for the operator or the user. */
export class AuthError extends Error {
  constructor(
    readonly code: 'AUTH_FAILED' | 'DEVICE_REVOKED' | 'USER_DISABLED' | 'ACCOUNT_LOCKED' | 'SESSION_EXPIRED' | 'RATE_LIMITED' | 'INVALID',
    message: string,
    /** RATE_LIMITED: when the attempt would be allowed, from now. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Who is signing in from where, for the audit. */
export interface SignInContext {
  address: string | null;
}

interface LoginStateRow {
  failures: number;
  locked_at: number | null;
}

/** Users, their password hashes and their devices. */
export class UserRepository {
  readonly audit: AuthAuditRepository;
  readonly policy: AuthPolicy;
  private readonly now: () => number;

  constructor(
    private readonly store: SqlStore,
    options: { now?: (() => number) | undefined; policy?: Partial<AuthPolicy> | undefined } = {},
  ) {
    this.audit = new AuthAuditRepository(store);
    this.now = options.now ?? Date.now;
    this.policy = { ...DEFAULT_AUTH_POLICY, ...options.policy };
  }

  async count(): Promise<number> {
    return Number((await this.store.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0);
  }

  async add(input: { username: string; password: string; role: string; name?: string | undefined; department?: string | undefined; manager?: string | undefined }): Promise<User> {
    const username = input.username.trim();
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(username)) throw new AuthError('INVALID', `invalid username "${input.username}": use 1-64 letters, digits, _ . @ -`);
    if (input.password.length < 8) throw new AuthError('INVALID', 'the password must have at least 8 characters');
    const roleCodes = input.role.split(',').map((r) => r.trim()).filter((r) => r !== '');
    const known = new Set<string>([...builtinRoleCodes, ...(await this.store.all<{ code: string }>('SELECT code FROM roles')).map((r) => r.code)]);
    const unknown = roleCodes.find((r) => !known.has(r));
    if (roleCodes.length === 0 || unknown !== undefined) throw new AuthError('INVALID', `unknown role "${unknown ?? input.role}"; roles: ${[...known].join(', ')}`);
    let managerId: string | null = null;
    if (input.manager) {
      const manager = await this.byUsername(input.manager);
      if (!manager) throw new AuthError('INVALID', `no user "${input.manager}" to be the manager`);
      managerId = manager.id;
    }
    if (await this.byUsername(username)) throw new AuthError('INVALID', `user "${username}" already exists`);
    const id = uuidv7();
    const passwordHash = await hashPassword(input.password);
    await this.store.tx(async (q) => {
      const department = input.department ? await this.departmentId(q, input.department) : null;
      await q.run('INSERT INTO users (id, username, name, password_hash, role, roles, department, manager_id, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)', [
        id,
        username,
        input.name?.trim() || username,
        passwordHash,
        roleCodes[0]!,
        roleCodes.length > 1 ? JSON.stringify(roleCodes) : null,
        department,
        managerId,
        this.now(),
      ]);
      await bumpOrgVersion(q);
    });
    return (await this.byId(id)) as User;
  }

  /**
   * A department named by its id, or by its name (or a path of names, `销售部/华东区`), created
   * under its parent when no department of that name is there: what `user add --department` takes.
   */
  private async departmentId(q: SqlRunner, nameOrId: string): Promise<string> {
    const byId = await q.get<{ id: string }>('SELECT id FROM departments WHERE id = ?', [nameOrId]);
    if (byId) return byId.id;
    let parent: string | null = null;
    for (const name of nameOrId.split('/').map((n) => n.trim()).filter((n) => n !== '')) {
      const found: { id: string } | undefined = await q.get<{ id: string }>(
        parent === null ? 'SELECT id FROM departments WHERE name = ? AND parent_id IS NULL' : 'SELECT id FROM departments WHERE name = ? AND parent_id = ?',
        parent === null ? [name] : [name, parent],
      );
      if (found) {
        parent = found.id;
        continue;
      }
      const id = uuidv7();
      await q.run('INSERT INTO departments (id, name, parent_id, created_at) VALUES (?, ?, ?, ?)', [id, name, parent, this.now()]);
      parent = id;
    }
    if (parent === null) throw new AuthError('INVALID', `invalid department "${nameOrId}"`);
    return parent;
  }

  async byUsername(username: string): Promise<User | undefined> {
    const row = await this.store.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    return row ? toUser(row) : undefined;
  }

  async byId(id: string): Promise<User | undefined> {
    const row = await this.store.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row ? toUser(row) : undefined;
  }

  /** Each department's name by its id. */
  async departmentNames(): Promise<Map<string, string>> {
    return new Map((await this.store.all<{ id: string; name: string }>('SELECT id, name FROM departments')).map((d) => [d.id, d.name]));
  }

  /** What every signed-in user may know of the others: names and roles, for owners and pickers. */
  async directory(): Promise<{ id: string; name: string; username: string; role: string; department: string | null; departmentId: string | null; managerId: string | null; active: boolean }[]> {
    const names = new Map((await this.store.all<{ id: string; name: string }>('SELECT id, name FROM departments')).map((d) => [d.id, d.name]));
    return (await this.list()).map((u) => ({
      id: u.id,
      name: u.name,
      username: u.username,
      role: u.role,
      department: u.department === null ? null : (names.get(u.department) ?? null),
      departmentId: u.department,
      managerId: u.managerId,
      active: u.disabledAt === null,
    }));
  }

  async list(): Promise<ListedUser[]> {
    const rows = await this.store.all<UserRow & { locked_at: number | null }>('SELECT u.*, s.locked_at FROM users u LEFT JOIN login_state s ON s.user_id = u.id ORDER BY u.username');
    return rows.map((r) => ({ ...toUser(r), lockedAt: r.locked_at === null ? null : Number(r.locked_at) }));
  }

  /**
   * Checks the password and registers a new device for the user; returns its token once. Every
   * attempt is audited. `lockAfter` wrong passwords in a row lock the account: from then on it is
   * refused before its password is checked (a locked account must not tell a right guess from a
   * wrong one), until an operator unlocks it. A successful sign-in starts the count again.
   */
  async login(username: string, password: string, deviceName: string, context: SignInContext = { address: null }): Promise<{ user: User; deviceId: string; token: string }> {
    const at = this.now();
    const audit = (outcome: AuthOutcome, userId: string | null = null, deviceId: string | null = null) =>
      this.audit.record({ at, username, userId, deviceId, deviceName, address: context.address, outcome });
    const row = await this.store.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    if (!row) {
      // The same answer (and about the same time) for an unknown user as for a wrong password.
      await hashPassword(password);
      await audit('unknown_user');
      throw new AuthError('AUTH_FAILED', 'wrong username or password');
    }
    if ((await this.loginState(row.id))?.locked_at != null) {
      await audit('locked', row.id);
      throw lockedError();
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      await this.countFailure(row, at, audit);
      throw new AuthError('AUTH_FAILED', 'wrong username or password');
    }
    if (row.disabled_at !== null) {
      await audit('disabled', row.id);
      throw new AuthError('USER_DISABLED', 'this user is disabled');
    }
    // The run of failures ends here, unless a concurrent attempt locked the account meanwhile.
    await this.store.run('DELETE FROM login_state WHERE user_id = ? AND locked_at IS NULL', [row.id]);
    if ((await this.loginState(row.id))?.locked_at != null) {
      await audit('locked', row.id);
      throw lockedError();
    }
    const device = await this.registerDevice(row.id, deviceName);
    await audit('ok', row.id, device.deviceId);
    return { user: toUser(row), ...device };
  }

  private loginState(userId: string): Promise<LoginStateRow | undefined> {
    return this.store.get<LoginStateRow>('SELECT failures, locked_at FROM login_state WHERE user_id = ?', [userId]);
  }

  /** One more wrong password in a row; the one that reaches `lockAfter` locks the account (once). */
  private async countFailure(row: UserRow, at: number, audit: (outcome: AuthOutcome, userId?: string | null) => Promise<void>): Promise<void> {
    // One statement, so concurrent wrong passwords each count.
    const counted = await this.store.get<{ failures: number }>(
      'INSERT INTO login_state (user_id, failures, locked_at) VALUES (?, 1, NULL) ON CONFLICT (user_id) DO UPDATE SET failures = login_state.failures + 1 RETURNING failures',
      [row.id],
    );
    await audit('bad_password', row.id);
    if (this.policy.lockAfter <= 0 || Number(counted?.failures ?? 0) < this.policy.lockAfter) return;
    const { changes } = await this.store.run('UPDATE login_state SET locked_at = ? WHERE user_id = ? AND locked_at IS NULL', [at, row.id]);
    if (changes > 0) await audit('lockout', row.id);
  }

  /**
   * An operator's unlock: the account may sign in again with a fresh count. False: it was not
   * locked. `by.address`: where the operator acted from, for the audit (`cli` for the command).
   */
  async unlock(username: string, by: SignInContext = { address: 'cli' }): Promise<{ user: User; wasLocked: boolean }> {
    const user = await this.byUsername(username);
    if (!user) throw new AuthError('INVALID', `no user "${username}"`);
    const { changes } = await this.store.run('DELETE FROM login_state WHERE user_id = ? AND locked_at IS NOT NULL', [user.id]);
    // A few failures without a lock are forgiven too: the operator has looked at this account.
    await this.store.run('DELETE FROM login_state WHERE user_id = ?', [user.id]);
    if (changes > 0) await this.audit.record({ at: this.now(), username: user.username, userId: user.id, deviceId: null, deviceName: null, address: by.address, outcome: 'unlock' });
    return { user, wasLocked: changes > 0 };
  }

  /** A new device of a user whose identity is already established; its token is returned once. */
  async registerDevice(userId: string, deviceName: string): Promise<{ deviceId: string; token: string }> {
    const token = newDeviceToken();
    const deviceId = uuidv7();
    const now = this.now();
    await this.store.run('INSERT INTO devices (id, user_id, token_hash, name, created_at, last_seen_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)', [
      deviceId,
      userId,
      hashToken(token),
      deviceName.slice(0, 100) || 'device',
      now,
      now,
    ]);
    return { deviceId, token };
  }

  /**
   * The user and device a token belongs to, or an AuthError saying why not. A token not used for
   * longer than the idle limit is refused (SESSION_EXPIRED) from then on, audited once; a token in
   * use has its last_seen_at kept fresh here.
   */
  async authenticate(token: string, context: SignInContext = { address: null }): Promise<{ user: User; deviceId: string }> {
    const row = await this.store.get<
      UserRow & { device_id: string; device_name: string; device_created_at: number; last_seen_at: number | null; revoked_at: number | null; expired_at: number | null }
    >(
      'SELECT u.*, d.id AS device_id, d.name AS device_name, d.created_at AS device_created_at, d.last_seen_at, d.revoked_at, d.expired_at FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ?',
      [hashToken(token)],
    );
    if (!row) throw new AuthError('AUTH_FAILED', 'unknown device token; sign in again');
    if (row.revoked_at !== null) throw new AuthError('DEVICE_REVOKED', 'this device was revoked by an administrator');
    if (row.disabled_at !== null) throw new AuthError('USER_DISABLED', 'this user is disabled');
    const now = this.now();
    const seen = Number(row.last_seen_at ?? row.device_created_at);
    if (row.expired_at !== null || sessionExpired(seen, now, this.policy.sessionIdleMs)) {
      if (row.expired_at === null) {
        const { changes } = await this.store.run('UPDATE devices SET expired_at = ? WHERE id = ? AND expired_at IS NULL', [now, row.device_id]);
        if (changes > 0) {
          await this.audit.record({ at: now, username: row.username, userId: row.id, deviceId: row.device_id, deviceName: row.device_name, address: context.address, outcome: 'expired' });
        }
      }
      throw new AuthError('SESSION_EXPIRED', 'this session has expired after a long time without use; sign in again');
    }
    if (now - seen >= touchInterval(this.policy.sessionIdleMs)) await this.touchDevice(row.device_id);
    return { user: toUser(row), deviceId: row.device_id };
  }

  async touchDevice(deviceId: string): Promise<void> {
    await this.store.run('UPDATE devices SET last_seen_at = ? WHERE id = ? AND expired_at IS NULL', [this.now(), deviceId]);
  }

  async devices(): Promise<Device[]> {
    const rows = await this.store.all<{
      id: string;
      user_id: string;
      username: string;
      name: string;
      created_at: number;
      last_seen_at: number | null;
      revoked_at: number | null;
      expired_at: number | null;
    }>('SELECT d.id, d.user_id, u.username, d.name, d.created_at, d.last_seen_at, d.revoked_at, d.expired_at FROM devices d JOIN users u ON u.id = d.user_id ORDER BY d.created_at');
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      username: r.username,
      name: r.name,
      createdAt: Number(r.created_at),
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
      expiredAt: r.expired_at === null ? null : Number(r.expired_at),
    }));
  }

  /**
   * An operator's revoke, audited (`by.address`: `cli` for the command). Returns false when no
   * such device exists; revoking a revoked device changes nothing and is not audited again.
   */
  async revokeDevice(id: string, by: SignInContext = { address: 'cli' }): Promise<boolean> {
    const at = this.now();
    const { changes } = await this.store.run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id]);
    const device = await this.store.get<{ name: string; user_id: string; username: string }>('SELECT d.name, d.user_id, u.username FROM devices d JOIN users u ON u.id = d.user_id WHERE d.id = ?', [id]);
    if (changes > 0 && device) {
      await this.audit.record({ at, username: device.username, userId: device.user_id, deviceId: id, deviceName: device.name, address: by.address, outcome: 'revoke' });
    }
    return device !== undefined;
  }

  /** Whether the device's session is over for idleness: refused already, or at its next request. */
  idleExpired(device: Device): boolean {
    return device.expiredAt !== null || sessionExpired(device.lastSeenAt ?? device.createdAt, this.now(), this.policy.sessionIdleMs);
  }

  /** Signing out ends the device: its token stops working. */
  async signOutDevice(deviceId: string): Promise<void> {
    await this.store.run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [this.now(), deviceId]);
  }
}

function lockedError(): AuthError {
  return new AuthError('ACCOUNT_LOCKED', 'this account is locked after too many wrong passwords; an administrator must unlock it');
}
