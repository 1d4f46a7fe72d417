import type { SqlRunner } from '../store/sql-store';
import { authOutcomes, type AuthOutcome } from '../../src-shared/sync/protocol.contract';

// What happened at a sign-in or to a session: the list lives in the protocol, where the admin
// route's answers are typed, so the server and the admin screens name the same outcomes.
export { authOutcomes, type AuthOutcome };

export interface AuthAuditEntry {
  id: number;
  at: number;
  /** As typed at the sign-in (capped), or the account's name for session and operator events. */
  username: string;
  userId: string | null;
  deviceId: string | null;
  deviceName: string | null;
  /** The client's address as the server saw it; `cli` for an operator's command. */
  address: string | null;
  outcome: AuthOutcome;
}

/** Names and addresses come from anonymous requests: stored capped, never grown without bound. */
export const AUDIT_TEXT_MAX = 100;

const cap = (v: string | null | undefined): string | null => (v === null || v === undefined ? null : v.slice(0, AUDIT_TEXT_MAX));

interface AuditRow {
  id: number;
  at: number;
  username: string;
  user_id: string | null;
  device_id: string | null;
  device_name: string | null;
  address: string | null;
  outcome: string;
}

/** The sign-in audit (table auth_audit). Passwords never reach it. */
export class AuthAuditRepository {
  constructor(private readonly db: SqlRunner) {}

  async record(entry: Omit<AuthAuditEntry, 'id'>, q: SqlRunner = this.db): Promise<void> {
    await q.run('INSERT INTO auth_audit (at, username, user_id, device_id, device_name, address, outcome) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      entry.at,
      cap(entry.username) ?? '',
      entry.userId,
      entry.deviceId,
      cap(entry.deviceName),
      cap(entry.address),
      entry.outcome,
    ]);
  }

  /**
   * Newest first; `username` matches exactly (as typed, or the account's name for its events);
   * `before`: only entries with a smaller id (the last id of the previous page).
   */
  async list(options: { username?: string | undefined; limit?: number | undefined; before?: number | undefined } = {}): Promise<AuthAuditEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 100_000));
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (options.username !== undefined) {
      where.push('username = ?');
      params.push(options.username);
    }
    if (options.before !== undefined) {
      where.push('id < ?');
      params.push(options.before);
    }
    const rows = await this.db.all<AuditRow>(`SELECT * FROM auth_audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`, [...params, limit]);
    return rows.map((r) => ({
      id: Number(r.id),
      at: Number(r.at),
      username: r.username,
      userId: r.user_id,
      deviceId: r.device_id,
      deviceName: r.device_name,
      address: r.address,
      outcome: r.outcome as AuthOutcome,
    }));
  }

  /**
   * Each user's latest successful sign-in. One grouped scan of the audit: the admin screen asks
   * for it now and then, and the audit grows by sign-ins, not by edits.
   */
  async lastSignIns(): Promise<Map<string, number>> {
    const rows = await this.db.all<{ user_id: string; at: number }>("SELECT user_id, MAX(at) AS at FROM auth_audit WHERE outcome = 'ok' AND user_id IS NOT NULL GROUP BY user_id");
    return new Map(rows.map((r) => [r.user_id, Number(r.at)]));
  }
}
