import { uuidv7 } from 'uuidv7';
import type { SqlStore } from '../store/sql-store';
import { hashPassword, hashToken, newDeviceToken, verifyPassword } from './password.util';

export const roles = ['admin', 'sales_manager', 'sales_rep', 'service_agent', 'service_manager', 'marketing'] as const;
export type Role = (typeof roles)[number];
export const isRole = (v: string): v is Role => (roles as readonly string[]).includes(v);

export interface User {
  id: string;
  username: string;
  name: string;
  role: Role;
  department: string | null;
  managerId: string | null;
  disabledAt: number | null;
}

export interface Device {
  id: string;
  userId: string;
  username: string;
  name: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

interface UserRow {
  id: string;
  username: string;
  name: string;
  role: string;
  department: string | null;
  manager_id: string | null;
  disabled_at: number | null;
  password_hash: string;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  name: r.name,
  role: isRole(r.role) ? r.role : 'sales_rep',
  department: r.department,
  managerId: r.manager_id,
  disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
});

/** Why an operator command or a login failed, in words for the operator or the user. */
export class AuthError extends Error {
  constructor(
    readonly code: 'AUTH_FAILED' | 'DEVICE_REVOKED' | 'USER_DISABLED' | 'INVALID',
    message: string,
  ) {
    super(message);
  }
}

/** Users, their password hashes and their devices. */
export class UserRepository {
  constructor(private readonly store: SqlStore) {}

  async count(): Promise<number> {
    return Number((await this.store.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n ?? 0);
  }

  async add(input: { username: string; password: string; role: string; name?: string | undefined; department?: string | undefined; manager?: string | undefined }): Promise<User> {
    const username = input.username.trim();
    if (!/^[A-Za-z0-9_.@-]{1,64}$/.test(username)) throw new AuthError('INVALID', `invalid username "${input.username}": use 1-64 letters, digits, _ . @ -`);
    if (input.password.length < 8) throw new AuthError('INVALID', 'the password must have at least 8 characters');
    if (!isRole(input.role)) throw new AuthError('INVALID', `unknown role "${input.role}"; roles: admin, sales_manager, sales_rep, service_agent, service_manager, marketing`);
    let managerId: string | null = null;
    if (input.manager) {
      const manager = await this.byUsername(input.manager);
      if (!manager) throw new AuthError('INVALID', `no user "${input.manager}" to be the manager`);
      managerId = manager.id;
    }
    if (await this.byUsername(username)) throw new AuthError('INVALID', `user "${username}" already exists`);
    const id = uuidv7();
    await this.store.run(
      'INSERT INTO users (id, username, name, password_hash, role, department, manager_id, disabled_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)',
      [id, username, input.name?.trim() || username, await hashPassword(input.password), input.role, input.department ?? null, managerId, Date.now()],
    );
    return (await this.byId(id)) as User;
  }

  async byUsername(username: string): Promise<User | undefined> {
    const row = await this.store.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    return row ? toUser(row) : undefined;
  }

  async byId(id: string): Promise<User | undefined> {
    const row = await this.store.get<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row ? toUser(row) : undefined;
  }

  /** What every signed-in user may know of the others: names and roles, for owners and pickers. */
  async directory(): Promise<{ id: string; name: string; username: string; role: string; department: string | null; active: boolean }[]> {
    return (await this.list()).map((u) => ({ id: u.id, name: u.name, username: u.username, role: u.role, department: u.department, active: u.disabledAt === null }));
  }

  async list(): Promise<User[]> {
    return (await this.store.all<UserRow>('SELECT * FROM users ORDER BY username')).map(toUser);
  }

  /** Checks the password and registers a new device for the user; returns its token once. */
  async login(username: string, password: string, deviceName: string): Promise<{ user: User; deviceId: string; token: string }> {
    const row = await this.store.get<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    // The same answer (and about the same time) for an unknown user as for a wrong password.
    const ok = row ? await verifyPassword(password, row.password_hash) : (await hashPassword(password), false);
    if (!row || !ok) throw new AuthError('AUTH_FAILED', 'wrong username or password');
    if (row.disabled_at !== null) throw new AuthError('USER_DISABLED', 'this user is disabled');
    return { user: toUser(row), ...(await this.registerDevice(row.id, deviceName)) };
  }

  /** A new device of a user whose identity is already established; its token is returned once. */
  async registerDevice(userId: string, deviceName: string): Promise<{ deviceId: string; token: string }> {
    const token = newDeviceToken();
    const deviceId = uuidv7();
    await this.store.run('INSERT INTO devices (id, user_id, token_hash, name, created_at, last_seen_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, NULL)', [
      deviceId,
      userId,
      hashToken(token),
      deviceName.slice(0, 100) || 'device',
      Date.now(),
      Date.now(),
    ]);
    return { deviceId, token };
  }

  /** The user and device a token belongs to, or an AuthError saying why not. */
  async authenticate(token: string): Promise<{ user: User; deviceId: string }> {
    const row = await this.store.get<UserRow & { device_id: string; revoked_at: number | null }>(
      'SELECT u.*, d.id AS device_id, d.revoked_at FROM devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ?',
      [hashToken(token)],
    );
    if (!row) throw new AuthError('AUTH_FAILED', 'unknown device token; sign in again');
    if (row.revoked_at !== null) throw new AuthError('DEVICE_REVOKED', 'this device was revoked by an administrator');
    if (row.disabled_at !== null) throw new AuthError('USER_DISABLED', 'this user is disabled');
    return { user: toUser(row), deviceId: row.device_id };
  }

  async touchDevice(deviceId: string): Promise<void> {
    await this.store.run('UPDATE devices SET last_seen_at = ? WHERE id = ?', [Date.now(), deviceId]);
  }

  async devices(): Promise<Device[]> {
    const rows = await this.store.all<{ id: string; user_id: string; username: string; name: string; created_at: number; last_seen_at: number | null; revoked_at: number | null }>(
      'SELECT d.id, d.user_id, u.username, d.name, d.created_at, d.last_seen_at, d.revoked_at FROM devices d JOIN users u ON u.id = d.user_id ORDER BY d.created_at',
    );
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      username: r.username,
      name: r.name,
      createdAt: Number(r.created_at),
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    }));
  }

  /** Returns false when no such device exists. */
  async revokeDevice(id: string): Promise<boolean> {
    const { changes } = await this.store.run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [Date.now(), id]);
    if (changes > 0) return true;
    return (await this.store.get('SELECT 1 AS x FROM devices WHERE id = ?', [id])) !== undefined;
  }

  /** Signing out ends the device: its token stops working. */
  async signOutDevice(deviceId: string): Promise<void> {
    await this.store.run('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [Date.now(), deviceId]);
  }
}
