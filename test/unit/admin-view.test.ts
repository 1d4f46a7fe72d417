import { describe, expect, it } from 'vitest';
import { canRevoke, deviceGroups, deviceStatus, outcomeTone, userStatuses } from '../../src-renderer/admin/admin-view';
import { authOutcomes, type AdminDevice } from '../../src-shared/sync/protocol.contract';

const device = (over: Partial<AdminDevice>): AdminDevice => ({
  id: 'd',
  userId: 'u',
  username: 'u',
  userName: 'U',
  name: 'laptop',
  createdAt: 1000,
  lastSeenAt: null,
  revokedAt: null,
  expired: false,
  current: false,
  ...over,
});

describe('admin screens: statuses, grouping and tones', () => {
  it('a device reads revoked over expired, expired over in use; only a device in use and not this one can be revoked', () => {
    expect(deviceStatus(device({}))).toBe('active');
    expect(deviceStatus(device({ expired: true }))).toBe('expired');
    expect(deviceStatus(device({ expired: true, revokedAt: 5 }))).toBe('revoked');
    expect(canRevoke(device({}))).toBe(true);
    expect(canRevoke(device({ expired: true }))).toBe(true);
    expect(canRevoke(device({ revokedAt: 5 }))).toBe(false);
    expect(canRevoke(device({ current: true }))).toBe(false);
  });

  it('a user is active unless disabled or locked, and can be both', () => {
    expect(userStatuses({ disabledAt: null, lockedAt: null })).toEqual(['active']);
    expect(userStatuses({ disabledAt: null, lockedAt: 1 })).toEqual(['locked']);
    expect(userStatuses({ disabledAt: 1, lockedAt: 1 })).toEqual(['disabled', 'locked']);
  });

  it('groups devices by user in the locale’s name order, most recently used first, or lists them all by last use', () => {
    const devices = [
      device({ id: 'w1', userId: 'wang', userName: '王芳', lastSeenAt: 100 }),
      device({ id: 'l1', userId: 'li', userName: '李军', lastSeenAt: 300 }),
      device({ id: 'w2', userId: 'wang', userName: '王芳', lastSeenAt: null, createdAt: 200 }),
    ];
    const byUser = deviceGroups(devices, 'user', 'zh-CN');
    expect(byUser.map((g) => [g.user?.name, g.devices.map((d) => d.id)])).toEqual([
      ['李军', ['l1']],
      ['王芳', ['w2', 'w1']],
    ]);
    const byLastSeen = deviceGroups(devices, 'lastSeen', 'zh-CN');
    expect(byLastSeen).toHaveLength(1);
    expect(byLastSeen[0]?.user).toBeNull();
    expect(byLastSeen[0]?.devices.map((d) => d.id)).toEqual(['l1', 'w2', 'w1']);
    expect(deviceGroups([], 'lastSeen', 'en')).toEqual([]);
  });

  it('colours every sign-in outcome: success, refusals as warnings, locks as danger, operators’ actions as info', () => {
    const tones = Object.fromEntries(authOutcomes.map((o) => [o, outcomeTone(o)]));
    expect(tones).toMatchObject({ ok: 'success', bad_password: 'warning', locked: 'danger', lockout: 'danger', unlock: 'info', revoke: 'info' });
  });
});
