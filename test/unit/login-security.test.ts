import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src-server/auth/rate-limit.util';
import { sessionExpired, touchInterval } from '../../src-server/auth/user.repository';
import { statusOf } from '../../src-server/http/protocol-error';
import { ApiError } from '../../src-shared/api/api-client';
import { en } from '../../src-shared/i18n/en';
import { zhCN } from '../../src-shared/i18n/zh-CN';
import { connectionErrorKey } from '../../src-shared/sync/protocol.contract';
import { loginErrorKey, signedOutReasonKey } from '../../src-renderer/sync/sync-text';

const DAY = 24 * 60 * 60_000;

describe('SlidingWindowLimiter', () => {
  it('allows `limit` attempts in any window and says when the next one may come', () => {
    const limiter = new SlidingWindowLimiter(3, 60_000);
    expect(limiter.hit('a', 0)).toEqual({ ok: true });
    expect(limiter.hit('a', 10_000)).toEqual({ ok: true });
    expect(limiter.hit('a', 20_000)).toEqual({ ok: true });
    expect(limiter.hit('a', 30_000)).toEqual({ ok: false, retryAfterMs: 30_000 });
    // Refused attempts are not counted: the first attempt leaving the window frees one place.
    expect(limiter.hit('a', 59_999)).toEqual({ ok: false, retryAfterMs: 1 });
    expect(limiter.hit('a', 60_000)).toEqual({ ok: true });
    expect(limiter.hit('a', 60_001)).toEqual({ ok: false, retryAfterMs: 9_999 });
  });

  it('counts each key on its own', () => {
    const limiter = new SlidingWindowLimiter(1, 1000);
    expect(limiter.hit('a', 0).ok).toBe(true);
    expect(limiter.hit('a', 1).ok).toBe(false);
    expect(limiter.hit('b', 1).ok).toBe(true);
    expect(limiter.check('c', 1)).toEqual({ ok: true });
    // check does not count.
    expect(limiter.check('c', 1)).toEqual({ ok: true });
    expect(limiter.size).toBe(2);
  });

  it('keeps at most maxKeys keys, dropping expired ones first, then the least recently used', () => {
    const limiter = new SlidingWindowLimiter(1, 1000, 3);
    limiter.hit('old', 0);
    limiter.hit('x', 1500);
    limiter.hit('y', 1600);
    limiter.hit('z', 1700);
    expect(limiter.size).toBe(3);
    // 'old' expired and went; 'x' is still held back.
    expect(limiter.hit('x', 1800).ok).toBe(false);
    limiter.hit('w', 1900);
    expect(limiter.size).toBe(3);
    // 'x' was the least recently counted, so it went to make room.
    expect(limiter.hit('x', 1950).ok).toBe(true);
  });

  it('a limit of 0 never refuses', () => {
    const limiter = new SlidingWindowLimiter(0, 1000);
    for (let i = 0; i < 5; i++) expect(limiter.hit('a', i).ok).toBe(true);
  });
});

describe('idle sessions', () => {
  it('expire strictly after the idle limit; 0 means never', () => {
    expect(sessionExpired(0, 30 * DAY, 30 * DAY)).toBe(false);
    expect(sessionExpired(0, 30 * DAY + 1, 30 * DAY)).toBe(true);
    expect(sessionExpired(0, 3650 * DAY, 0)).toBe(false);
  });

  it('write last_seen_at at most hourly, and often enough that a device in use never reaches the limit', () => {
    expect(touchInterval(30 * DAY)).toBe(60 * 60_000);
    expect(touchInterval(60_000)).toBe(6_000);
    expect(touchInterval(0)).toBe(60 * 60_000);
  });
});

describe('sign-in refusals in words', () => {
  it('locked accounts and expired sessions have their codes, statuses and texts in both languages', () => {
    expect(statusOf('ACCOUNT_LOCKED')).toBe(403);
    expect(statusOf('SESSION_EXPIRED')).toBe(401);
    expect(connectionErrorKey('ACCOUNT_LOCKED')).toBe('sync.error.accountLocked');
    expect(connectionErrorKey('SESSION_EXPIRED')).toBe('sync.error.sessionExpired');
    expect(zhCN['sync.error.accountLocked']).toContain('管理员解锁');
    expect(en['sync.error.accountLocked']).toContain('unlock');
    expect(zhCN['sync.error.sessionExpired']).toContain('重新登录');
    expect(en['sync.error.sessionExpired']).toContain('unsent changes are kept');
  });

  it('the sign-in form says the account is locked, or that there were too many attempts', () => {
    expect(loginErrorKey(new ApiError({ code: 'SYNC_REFUSED', message: 'ACCOUNT_LOCKED: this account is locked after too many wrong passwords' }))).toBe('sync.error.accountLocked');
    expect(loginErrorKey(new ApiError({ code: 'SYNC_REFUSED', message: 'RATE_LIMITED: too many sign-in attempts; try again later' }))).toBe('sync.error.rateLimited');
  });

  it('the sign-in screen after an expired session says why it is there', () => {
    expect(signedOutReasonKey({ state: 'signedOut', lastErrorKey: 'sync.error.sessionExpired' })).toBe('sync.error.sessionExpired');
    expect(signedOutReasonKey({ state: 'offline', lastErrorKey: 'sync.error.sessionExpired' })).toBeNull();
  });
});
