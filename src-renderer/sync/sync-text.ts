/** Words for what the core reports at run time about sync: error codes and keys, server roles. */
import { ApiError } from '../../src-shared/api/api-client';
import type { SyncStatus } from '../../src-shared/api/client-api.contract';
import { isMessageKey, type MessageKey } from '../../src-shared/i18n/index';
import type { Translator } from '../i18n/use-t';
import { errorMessageKey, type ErrorCode } from '../../src-shared/result';
import { connectionErrorCodes, connectionErrorKey } from '../../src-shared/sync/protocol.contract';

/** A key that came from the core at run time, checked against the resources. */
export function asMessageKey(key: string | null | undefined, fallback: MessageKey): MessageKey {
  return key && isMessageKey(key) ? key : fallback;
}

/** The reason shown for the last sync failure, or null when the last attempt went through. */
export function syncErrorKey(status: Pick<SyncStatus, 'lastError' | 'lastErrorKey'>): MessageKey | null {
  if (status.lastErrorKey) return asMessageKey(status.lastErrorKey, 'sync.error.unknown');
  return status.lastError ? 'sync.error.unknown' : null;
}

/**
 * Reasons the core signs a device out by itself (revoked, disabled, no longer known, too old to
 * sync): the sign-in screen says why it is there. Other leftovers of the last session (offline)
 * are no reason for a notice.
 */
const signedOutReasons: ReadonlySet<string> = new Set([
  'sync.error.deviceRevoked',
  'sync.error.authFailed',
  'sync.error.userDisabled',
  'sync.error.sessionExpired',
  'sync.error.appTooOld',
  'sync.error.serverTooOld',
]);

export function signedOutReasonKey(status: Pick<SyncStatus, 'state' | 'lastErrorKey'> | null): MessageKey | null {
  if (!status || status.state !== 'signedOut' || !status.lastErrorKey || !signedOutReasons.has(status.lastErrorKey)) return null;
  return asMessageKey(status.lastErrorKey, 'sync.error.unknown');
}

/**
 * What the server said when it refused (SYNC_REFUSED): the core passes the server's code
 * (PROTOCOL_TOO_OLD, SCHEMA_TOO_NEW, USER_DISABLED, …) or its sync.error.* key in the message, and
 * the version codes are the ones a user can act on ("update the app" / "ask IT").
 */
export function refusalKey(message: string): MessageKey | null {
  const key = /\bsync\.error\.[A-Za-z]+\b/.exec(message)?.[0];
  if (key && isMessageKey(key)) return key;
  for (const code of connectionErrorCodes) {
    if (new RegExp(`\\b${code}\\b`).test(message)) return asMessageKey(connectionErrorKey(code), 'error.syncRefused');
  }
  return null;
}

function keyForCode(code: ErrorCode): MessageKey {
  return asMessageKey(errorMessageKey(code), 'error.internal');
}

/** The sentence under the sign-in form for a failed sync.login. */
export function loginErrorKey(error: unknown): MessageKey {
  if (!(error instanceof ApiError)) return 'error.internal';
  switch (error.code) {
    case 'AUTH_FAILED':
      return 'sync.error.authFailed';
    case 'SERVER_UNREACHABLE':
      return 'error.serverUnreachable';
    case 'SYNC_REFUSED':
      return refusalKey(error.message) ?? 'error.syncRefused';
    case 'VALIDATION':
      return 'login.error.validation';
    default:
      return keyForCode(error.code);
  }
}

/** Login fields the core's validation named, so the form can mark them. */
export function loginIssueFields(error: unknown): ('server' | 'username' | 'password')[] {
  if (!(error instanceof ApiError) || error.code !== 'VALIDATION') return [];
  return (error.issues ?? []).map((i) => i.field).filter((f): f is 'server' | 'username' | 'password' => f === 'server' || f === 'username' || f === 'password');
}

/**
 * Whether a failed plain sign-out is the core refusing to clear a replica whose unsent changes it
 * could not push (SYNC_REFUSED), or the push itself failing (unreachable, refused credentials):
 * then signing out anyway would drop them, and the user is asked. Other failures are just errors.
 */
export function isSignOutBlocked(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'SYNC_REFUSED' || error.code === 'SERVER_UNREACHABLE' || error.code === 'AUTH_FAILED');
}

/**
 * Why the unsent changes could not go: the push's own failure from the status when the core
 * recorded one (its message for SYNC_REFUSED only says that changes are left), else the error's.
 */
export function signOutBlockedKey(error: unknown, status: Pick<SyncStatus, 'lastError' | 'lastErrorKey'> | null): MessageKey {
  const recorded = status ? syncErrorKey(status) : null;
  // The offline text reassures that changes are kept, which is the opposite of this question.
  if (recorded === 'sync.error.offline') return 'error.serverUnreachable';
  return recorded ?? (error instanceof ApiError && error.code === 'SYNC_REFUSED' ? (refusalKey(error.message) ?? 'error.serverUnreachable') : loginErrorKey(error));
}

/** A server role in words; a role this version does not know shows as the server names it. */
export function roleLabel(t: Translator, role: string): string {
  const key = `role.${role}`;
  return isMessageKey(key) ? t(key) : role;
}

/** How far the search index built after a first sync has got, in whole percent (never 100 while building). */
export function searchPercent(progress: { indexed: number; total: number }): number {
  if (progress.total <= 0) return 0;
  return Math.min(99, Math.floor((progress.indexed / progress.total) * 100));
}
