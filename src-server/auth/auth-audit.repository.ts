import type { SqlRunner } from '../store/sql-store';

/**
 * What happened at a sign-in or to a session. Refusals: bad_password, unknown_user, locked (the
 * account is locked), rate_limited, disabled, expired (a device token idle too long). Events:
 * lockout (failed passwords locked the account), unlock (an operator unlocked it).
 */
export const authOutcomes = ['ok', 'bad_password', 'unknown_user', 'locked', 'rate_limited', 'disabled', 'expired', 'lockout', 'unlock'] as const;
export type AuthOutcome = (typeof authOutcomes)[number];

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

  /** Newest first; `username` matches exactly (as typed, or the account's name for its events). */
  async list(options: { username?: string | undefined; limit?: number | undefined } = {}): Promise<AuthAuditEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 100_000));
    const rows =
      options.username === undefined
        ? await this.db.all<AuditRow>('SELECT * FROM auth_audit ORDER BY id DESC LIMIT ?', [limit])
        : await this.db.all<AuditRow>('SELECT * FROM auth_audit WHERE username = ? ORDER BY id DESC LIMIT ?', [options.username, limit]);
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
}
