import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api/api-client';
import type { AppInfo, SyncStatus } from '../../src-shared/api/client-api.contract';
import { isMessageKey } from '../../src-shared/i18n/index';
import { en } from '../../src-shared/i18n/en';
import { errorCodes, errorMessageKey } from '../../src-shared/result';
import { connectionErrorCodes, connectionErrorKey } from '../../src-shared/sync/protocol.contract';
import { formatTimeAgo, formatTimeUntil } from '../../src-renderer/format/relative-time';
import { makeTranslator } from '../../src-renderer/i18n/use-t';
import { syncLogFile } from '../../src-renderer/sync/sync-log-export';
import { isSignOutBlocked, loginErrorKey, loginIssueFields, refusalKey, roleLabel, searchPercent, signOutBlockedKey, signedOutReasonKey, syncErrorKey } from '../../src-renderer/sync/sync-text';

const zh = makeTranslator('zh-CN');
const english = makeTranslator('en');
const NOW = Date.UTC(2026, 4, 3, 6, 30, 0);
const status = (over: Partial<SyncStatus>): SyncStatus => ({
  state: 'online',
  pending: 0,
  conflicts: 0,
  lastSyncAt: null,
  lastError: null,
  lastErrorKey: null,
  retryAt: null,
  server: 'https://crm.example.com',
  initial: null,
  ...over,
});

describe('relative sync times', () => {
  it('reads the last sync as people say it, in both languages', () => {
    expect(formatTimeAgo(NOW - 10_000, NOW, zh)).toBe('刚刚');
    expect(formatTimeAgo(NOW - 10_000, NOW, english)).toBe('just now');
    expect(formatTimeAgo(NOW - 3 * 60_000, NOW, zh)).toBe('3分钟前');
    expect(formatTimeAgo(NOW - 3 * 60_000, NOW, english)).toBe('3 minutes ago');
    expect(formatTimeAgo(NOW - 60_000, NOW, english)).toBe('1 minute ago');
    expect(formatTimeAgo(NOW - 2 * 3_600_000, NOW, zh)).toBe('2小时前');
    expect(formatTimeAgo(NOW - 5 * 3_600_000, NOW, english)).toBe('5 hours ago');
  });

  it('gives the date and time for anything older than most of a day', () => {
    const old = NOW - 3 * 86_400_000;
    const text = formatTimeAgo(old, NOW, zh);
    expect(text).toMatch(/2026/);
    expect(text).not.toMatch(/前/);
  });

  it('treats a time slightly in the future (another clock) as just now', () => {
    expect(formatTimeAgo(NOW + 5000, NOW, english)).toBe('just now');
  });

  it('counts down to the next retry, rounding up so it never says now too early', () => {
    expect(formatTimeUntil(NOW + 29_200, NOW, 'en')).toBe('in 30 seconds');
    expect(formatTimeUntil(NOW + 90_000, NOW, 'en')).toBe('in 2 minutes');
    expect(formatTimeUntil(NOW + 500, NOW, 'en')).toBe('now');
    expect(formatTimeUntil(NOW - 5000, NOW, 'zh-CN')).toBe('现在');
    expect(zh('sync.retryWhen', { when: formatTimeUntil(NOW + 4 * 60_000, NOW, 'zh-CN') })).toBe('4分钟后自动重试');
    expect(english('sync.retryWhen', { when: formatTimeUntil(NOW + 4 * 60_000, NOW, 'en') })).toBe('Retrying in 4 minutes');
  });
});

describe('sync errors in words', () => {
  it('has a text for every error code and every connection-level code, in both languages', () => {
    for (const code of errorCodes) {
      const key = errorMessageKey(code);
      expect(isMessageKey(key), key).toBe(true);
      expect(en).toHaveProperty([key]);
    }
    for (const code of connectionErrorCodes) expect(isMessageKey(connectionErrorKey(code)), code).toBe(true);
  });

  it('explains a failed sign-in by its code', () => {
    expect(loginErrorKey(new ApiError({ code: 'AUTH_FAILED', message: 'bad password' }))).toBe('sync.error.authFailed');
    expect(loginErrorKey(new ApiError({ code: 'SERVER_UNREACHABLE', message: 'ECONNREFUSED 127.0.0.1:8787' }))).toBe('error.serverUnreachable');
    expect(loginErrorKey(new ApiError({ code: 'VALIDATION', message: 'server: required' }))).toBe('login.error.validation');
    expect(loginErrorKey(new ApiError({ code: 'DISCONNECTED', message: 'socket closed' }))).toBe('error.disconnected');
    expect(loginErrorKey(new Error('boom'))).toBe('error.internal');
  });

  it('tells version problems apart when the server refuses, from the code the core passes on', () => {
    expect(loginErrorKey(new ApiError({ code: 'SYNC_REFUSED', message: 'SCHEMA_TOO_OLD: client schema 1, server serves 3 and 2' }))).toBe('sync.error.appTooOld');
    expect(loginErrorKey(new ApiError({ code: 'SYNC_REFUSED', message: 'PROTOCOL_TOO_NEW: protocol 2' }))).toBe('sync.error.serverTooOld');
    expect(loginErrorKey(new ApiError({ code: 'SYNC_REFUSED', message: 'USER_DISABLED: account disabled' }))).toBe('sync.error.userDisabled');
    expect(refusalKey('refused: sync.error.rateLimited')).toBe('sync.error.rateLimited');
    expect(loginErrorKey(new ApiError({ code: 'SYNC_REFUSED', message: 'something else' }))).toBe('error.syncRefused');
    expect(zh(loginErrorKey(new ApiError({ code: 'SYNC_REFUSED', message: 'SCHEMA_TOO_OLD: …' })))).toContain('请升级应用');
  });

  it('marks the login fields the core named', () => {
    expect(loginIssueFields(new ApiError({ code: 'VALIDATION', message: '', issues: [{ field: 'server', key: 'validation.required' }, { field: 'other', key: 'x' }] }))).toEqual(['server']);
    expect(loginIssueFields(new ApiError({ code: 'AUTH_FAILED', message: '' }))).toEqual([]);
  });

  it('shows the last failure by its key, and a plain text for a key this version lacks', () => {
    expect(syncErrorKey(status({}))).toBeNull();
    expect(syncErrorKey(status({ lastError: 'ECONNREFUSED', lastErrorKey: 'sync.error.offline' }))).toBe('sync.error.offline');
    expect(syncErrorKey(status({ lastError: 'x', lastErrorKey: 'sync.error.fromTheFuture' }))).toBe('sync.error.unknown');
    expect(syncErrorKey(status({ lastError: 'x', lastErrorKey: null }))).toBe('sync.error.unknown');
  });

  it('explains on the sign-in screen why the device was signed out, but not a leftover offline error', () => {
    expect(signedOutReasonKey(status({ state: 'signedOut', lastErrorKey: 'sync.error.deviceRevoked' }))).toBe('sync.error.deviceRevoked');
    expect(signedOutReasonKey(status({ state: 'signedOut', lastErrorKey: 'sync.error.offline' }))).toBeNull();
    expect(signedOutReasonKey(status({ state: 'online', lastErrorKey: 'sync.error.authFailed' }))).toBeNull();
  });

  it('asks before a sign-out that would drop unsent changes, giving the push failure as the reason', () => {
    const refused = new ApiError({ code: 'SYNC_REFUSED', message: '3 changes are not on the server yet; sign out anyway to discard them' });
    expect(isSignOutBlocked(refused)).toBe(true);
    expect(isSignOutBlocked(new ApiError({ code: 'INTERNAL', message: '' }))).toBe(false);
    expect(signOutBlockedKey(refused, status({ state: 'offline', lastError: 'ECONNREFUSED', lastErrorKey: 'sync.error.offline' }))).toBe('error.serverUnreachable');
    expect(signOutBlockedKey(refused, status({ state: 'offline', lastError: 'SCHEMA_TOO_OLD', lastErrorKey: 'sync.error.appTooOld' }))).toBe('sync.error.appTooOld');
    expect(signOutBlockedKey(refused, null)).toBe('error.serverUnreachable');
    expect(signOutBlockedKey(new ApiError({ code: 'SERVER_UNREACHABLE', message: '' }), status({}))).toBe('error.serverUnreachable');
  });

  it('names server roles, and shows an unknown one as it is', () => {
    expect(roleLabel(zh, 'sales_rep')).toBe('销售代表');
    expect(roleLabel(english, 'sales_manager')).toBe('Sales manager');
    expect(roleLabel(zh, 'auditor')).toBe('auditor');
  });
});

describe('sync log export', () => {
  it('writes the app, account, status and every entry with a readable time, and never a secret', () => {
    const info: AppInfo = {
      version: '0.1.0',
      schemaVersion: 3,
      locale: 'zh-CN',
      user: { id: 'u1', name: '张伟' },
      dataDir: '/home/zw/.config/offline-crm',
      session: { id: 'u1', name: '张伟', username: 'zhangwei', role: 'sales_rep' },
    };
    const file = syncLogFile(
      [{ at: NOW - 1000, kind: 'push', ok: true, detail: '3 mutations', ms: 120, bytes: 640 }],
      { info, status: status({ lastError: 'ECONNRESET', lastErrorKey: 'sync.error.offline' }) },
      NOW,
    );
    expect(file.type).toBe('application/json');
    expect(file.name).toMatch(/^crm-sync-log-\d{8}-\d{6}\.json$/);
    const body = JSON.parse(file.text) as { exportedAt: string; app: { version: string }; account: { username: string }; status: SyncStatus; entries: { time: string; kind: string }[] };
    expect(body.exportedAt).toBe('2026-05-03T06:30:00.000Z');
    expect(body.app.version).toBe('0.1.0');
    expect(body.account.username).toBe('zhangwei');
    expect(body.status.lastErrorKey).toBe('sync.error.offline');
    expect(body.entries).toEqual([expect.objectContaining({ time: '2026-05-03T06:29:59.000Z', kind: 'push', bytes: 640 })]);
    expect(file.text).not.toMatch(/token|password/i);
  });
});

describe('search index progress after a first sync', () => {
  it('shows whole percent, never 100 while entries are still owed, 0 for an empty total', () => {
    expect(searchPercent({ indexed: 0, total: 300_000 })).toBe(0);
    expect(searchPercent({ indexed: 150_000, total: 300_000 })).toBe(50);
    expect(searchPercent({ indexed: 299_999, total: 300_000 })).toBe(99);
    expect(searchPercent({ indexed: 5, total: 0 })).toBe(0);
  });
  it('has its labels in both languages', () => {
    const zh = makeTranslator('zh-CN');
    expect(zh('sync.searchIndex', { percent: 42 })).toBe('搜索索引 42%');
    expect(makeTranslator('en')('sync.details.searchIndexCount', { indexed: 1000, total: 300000 })).toBe('1000 of 300000 records indexed');
  });
});
