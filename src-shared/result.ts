/**
 * Replies across every boundary (worker, IPC, WebSocket) have this shape; the caller rebuilds an
 * Error from it. `message` is for logs and support; what the user reads comes from i18n keys.
 */
export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'DB_TOO_NEW',
  'DB_OPEN_FAILED',
  /** The replica is encrypted and the key given is missing or not the one it was encrypted with. */
  'DB_KEY',
  'DISCONNECTED',
  'NOT_SIGNED_IN',
  'AUTH_FAILED',
  'SERVER_UNREACHABLE',
  'SYNC_REFUSED',
  /** What was asked only the sync server can answer (a record's history), and it is not reachable or nobody is signed in. */
  'SERVER_REQUIRED',
  /** The signed-in user's role does not allow it (the admin screens for anyone but an admin). */
  'FORBIDDEN',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** One field's problem: an i18n key under `validation.` and the values it interpolates. */
export interface FieldIssue {
  field: string;
  key: string;
  params?: Record<string, string | number>;
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  issues?: FieldIssue[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, issues?: FieldIssue[]): Result<never> => ({
  ok: false,
  error: issues ? { code, message, issues } : { code, message },
});

/** An expected failure (bad input, missing record, too-new database), as opposed to a bug. */
export class CrmError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'CrmError';
  }
  toInfo(): ErrorInfo {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

/** i18n key shown to the user for each error code. Exhaustive: a new code fails to compile here. */
export function errorMessageKey(code: ErrorCode): string {
  switch (code) {
    case 'VALIDATION':
      return 'error.validation';
    case 'NOT_FOUND':
      return 'error.notFound';
    case 'BAD_REQUEST':
      return 'error.badRequest';
    case 'UNKNOWN_METHOD':
      return 'error.badRequest';
    case 'DB_TOO_NEW':
      return 'error.dbTooNew';
    case 'DB_OPEN_FAILED':
      return 'error.dbOpenFailed';
    case 'DB_KEY':
      return 'error.dbKey';
    case 'DISCONNECTED':
      return 'error.disconnected';
    case 'NOT_SIGNED_IN':
      return 'error.notSignedIn';
    case 'AUTH_FAILED':
      return 'sync.error.authFailed';
    case 'SERVER_UNREACHABLE':
      return 'error.serverUnreachable';
    case 'SYNC_REFUSED':
      return 'error.syncRefused';
    case 'SERVER_REQUIRED':
      return 'error.serverRequired';
    case 'FORBIDDEN':
      return 'error.forbidden';
    case 'INTERNAL':
      return 'error.internal';
    default: {
      const exhaustive: never = code;
      return exhaustive;
    }
  }
}
