import type { AdminDevice, AdminUser, AuthOutcome } from '../../src-shared/sync/protocol.contract';
import type { Tone } from '../format/status-tone';

/** What a device's status badge says: a revoke outranks an expiry (it cannot sign in again either way). */
export type DeviceStatus = 'active' | 'revoked' | 'expired';

export function deviceStatus(device: Pick<AdminDevice, 'revokedAt' | 'expired'>): DeviceStatus {
  if (device.revokedAt !== null) return 'revoked';
  return device.expired ? 'expired' : 'active';
}

export const deviceStatusTone: Record<DeviceStatus, Tone> = { active: 'success', revoked: 'danger', expired: 'muted' };

/** Whether the admin screen offers 吊销: a device still in use, and not the one asking (sign out instead). */
export function canRevoke(device: Pick<AdminDevice, 'revokedAt' | 'expired' | 'current'>): boolean {
  return !device.current && deviceStatus(device) !== 'revoked';
}

/** A user's status badges: disabled and locked can both hold; neither reads as active. */
export function userStatuses(user: Pick<AdminUser, 'disabledAt' | 'lockedAt'>): ('active' | 'disabled' | 'locked')[] {
  const out: ('disabled' | 'locked')[] = [];
  if (user.disabledAt !== null) out.push('disabled');
  if (user.lockedAt !== null) out.push('locked');
  return out.length > 0 ? out : ['active'];
}

export type DeviceSort = 'user' | 'lastSeen';

export interface DeviceGroup {
  /** The user the group belongs to; null for the one flat group of the last-seen order. */
  user: { id: string; name: string; username: string } | null;
  devices: AdminDevice[];
}

/** When a device was last in use: never used since signing in counts from its sign-in. */
const seen = (d: AdminDevice): number => d.lastSeenAt ?? d.createdAt;

/**
 * The devices as the screen lists them. By user: one group per user in name order (the locale's
 * collation, so 王芳 and 李军 sort as a Chinese reader expects), each device most recently used
 * first. By last seen: one flat list, most recently used first.
 */
export function deviceGroups(devices: readonly AdminDevice[], sort: DeviceSort, locale: string): DeviceGroup[] {
  const byRecent = [...devices].sort((a, b) => seen(b) - seen(a) || a.id.localeCompare(b.id));
  if (sort === 'lastSeen') return byRecent.length > 0 ? [{ user: null, devices: byRecent }] : [];
  const groups = new Map<string, DeviceGroup>();
  for (const d of byRecent) {
    let group = groups.get(d.userId);
    if (!group) {
      group = { user: { id: d.userId, name: d.userName, username: d.username }, devices: [] };
      groups.set(d.userId, group);
    }
    group.devices.push(d);
  }
  const collator = new Intl.Collator(locale);
  return [...groups.values()].sort((a, b) => collator.compare(a.user?.name ?? '', b.user?.name ?? '') || (a.user?.username ?? '').localeCompare(b.user?.username ?? ''));
}

/** The colour of a sign-in audit outcome: success, a refusal worth a look, or an operator's action. */
export function outcomeTone(outcome: AuthOutcome): Tone {
  switch (outcome) {
    case 'ok':
      return 'success';
    case 'bad_password':
    case 'unknown_user':
    case 'rate_limited':
    case 'expired':
    case 'disabled':
      return 'warning';
    case 'locked':
    case 'lockout':
      return 'danger';
    case 'unlock':
    case 'revoke':
      return 'info';
    default: {
      const exhaustive: never = outcome;
      return exhaustive;
    }
  }
}
