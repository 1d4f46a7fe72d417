import { adminAuditValue, type AdminAuditPage, type AdminAuditValue } from '../../src-shared/sync/protocol.contract';
import type { SqlRunner } from '../store/sql-store';

/** One administrator's change, as the audit keeps it. */
export interface AdminAuditEntry {
  at: number;
  userId: string;
  deviceId: string | null;
  address: string | null;
  /** What was done: department.create, role.update, user.update, user.unlock, device.revoke, … */
  action: string;
  /** The department id, role code, user id or device id acted on. */
  target: string;
  /** The thing before and after, as the admin screens show it; null where it did not exist. */
  before: AdminAuditValue;
  after: AdminAuditValue;
}

/**
 * The audit of administrators' changes: who changed the organisation (and unlocked or revoked),
 * from where, when, with the old and the new value. Written after the change succeeded.
 */
export class AdminAuditRepository {
  constructor(private readonly db: SqlRunner) {}

  async record(entry: AdminAuditEntry): Promise<void> {
    await this.db.run('INSERT INTO admin_audit (at, user_id, device_id, address, action, target, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      entry.at,
      entry.userId,
      entry.deviceId,
      entry.address?.slice(0, 100) ?? null,
      entry.action,
      entry.target,
      entry.before === null ? null : JSON.stringify(entry.before),
      entry.after === null ? null : JSON.stringify(entry.after),
    ]);
  }

  /** Newest first; `before`: the `nextBefore` of the previous page. */
  async page(before: number | undefined, limit: number): Promise<AdminAuditPage> {
    // Stored values are checked on the way out, so what the route answers is what the type says.
    const rows = await this.db.all<{ id: number; at: number; user_id: string; name: string | null; device_id: string | null; address: string | null; action: string; target: string; old_value: string | null; new_value: string | null }>(
      `SELECT a.id, a.at, a.user_id, u.name, a.device_id, a.address, a.action, a.target, a.old_value, a.new_value FROM admin_audit a LEFT JOIN users u ON u.id = a.user_id${before !== undefined ? ' WHERE a.id < ?' : ''} ORDER BY a.id DESC LIMIT ?`,
      before !== undefined ? [before, limit + 1] : [limit + 1],
    );
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    return {
      entries: page.map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        user: { id: r.user_id, name: r.name },
        deviceId: r.device_id,
        address: r.address,
        action: r.action,
        target: r.target,
        before: r.old_value === null ? null : adminAuditValue.parse(JSON.parse(r.old_value)),
        after: r.new_value === null ? null : adminAuditValue.parse(JSON.parse(r.new_value)),
      })),
      nextBefore: more ? Number(page[page.length - 1]!.id) : null,
    };
  }
}
