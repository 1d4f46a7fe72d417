import type { AdminDevice, AdminLoginsPage, AdminUser } from '../../src-shared/sync/protocol.contract';
import type { SignInContext, UserRepository } from './user.repository';

/**
 * The admin screens' questions and actions (GET/POST /v1/admin/…), on the same repository
 * functions as the `crm-server` user, device and audit commands, so both audit alike. Who may
 * ask (admins only) is the route's check.
 */
export class AdminService {
  constructor(private readonly repo: UserRepository) {}

  /** Every user with their roles, department, the lock, the manager's name and the latest successful sign-in. */
  async users(): Promise<AdminUser[]> {
    const [list, lastSignIns, departments] = await Promise.all([this.repo.list(), this.repo.audit.lastSignIns(), this.repo.departmentNames()]);
    const names = new Map(list.map((u) => [u.id, u.name]));
    return list.map((u) => ({
      id: u.id,
      username: u.username,
      name: u.name,
      role: u.role,
      roles: u.roles,
      departmentId: u.department,
      department: u.department === null ? null : (departments.get(u.department) ?? null),
      managerId: u.managerId,
      managerName: u.managerId === null ? null : (names.get(u.managerId) ?? null),
      disabledAt: u.disabledAt,
      lockedAt: u.lockedAt,
      lastSignInAt: lastSignIns.get(u.id) ?? null,
    }));
  }

  /** Null: no such user. `unlocked` false: it was not locked (a few failures are forgiven anyway). */
  async unlock(userId: string, by: SignInContext): Promise<{ id: string; username: string; unlocked: boolean } | null> {
    const user = await this.repo.byId(userId);
    if (!user) return null;
    const { wasLocked } = await this.repo.unlock(user.username, by);
    return { id: user.id, username: user.username, unlocked: wasLocked };
  }

  /** Every device that has signed in, oldest first; `currentDeviceId` is the one asking. */
  async devices(currentDeviceId: string): Promise<AdminDevice[]> {
    const [devices, users] = await Promise.all([this.repo.devices(), this.repo.list()]);
    const names = new Map(users.map((u) => [u.id, u.name]));
    return devices.map((d) => ({
      id: d.id,
      userId: d.userId,
      username: d.username,
      userName: names.get(d.userId) ?? d.username,
      name: d.name,
      createdAt: d.createdAt,
      lastSeenAt: d.lastSeenAt,
      revokedAt: d.revokedAt,
      expired: this.repo.idleExpired(d),
      current: d.id === currentDeviceId,
    }));
  }

  /**
   * `self`: the device asking, refused (revoking it would cut off the admin mid-request, and
   * signing out does that properly); `missing`: no such device; `revoked`: done (or already so).
   */
  async revoke(deviceId: string, currentDeviceId: string, by: SignInContext): Promise<'self' | 'missing' | 'revoked'> {
    if (deviceId === currentDeviceId) return 'self';
    return (await this.repo.revokeDevice(deviceId, by)) ? 'revoked' : 'missing';
  }

  /** The sign-in audit, newest first, a page at a time (one more row read tells whether more exist). */
  async logins(before: number | undefined, limit: number): Promise<AdminLoginsPage> {
    const rows = await this.repo.audit.list({ before, limit: limit + 1 });
    const entries = rows.slice(0, limit);
    return { entries, nextBefore: rows.length > limit ? (entries[entries.length - 1]?.id ?? null) : null };
  }
}
