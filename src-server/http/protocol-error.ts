import type { ConnectionErrorCode } from '../../src-shared/sync/protocol.contract';
import { CLIENT_SCHEMA_VERSION, OLDEST_CLIENT_SCHEMA, PROTOCOL_VERSION } from '../../src-shared/sync/protocol.contract';

/** An expected refusal of a whole request: the code the client switches on, and an HTTP status. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export function statusOf(code: ConnectionErrorCode): number {
  switch (code) {
    case 'AUTH_FAILED':
    case 'SESSION_EXPIRED':
      return 401;
    case 'DEVICE_REVOKED':
    case 'USER_DISABLED':
    case 'ACCOUNT_LOCKED':
    case 'FORBIDDEN':
      return 403;
    case 'PROTOCOL_TOO_OLD':
    case 'PROTOCOL_TOO_NEW':
    case 'SCHEMA_TOO_OLD':
    case 'SCHEMA_TOO_NEW':
      return 426;
    case 'BAD_REQUEST':
      return 400;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'RATE_LIMITED':
      return 429;
    case 'INTERNAL':
      return 500;
    default: {
      const exhaustive: never = code;
      return exhaustive;
    }
  }
}

/** Refuses a protocol or client schema this server does not serve, saying which side to update. */
export function checkVersions(protocol: unknown, schema: unknown): number {
  const p = versionNumber(protocol);
  const s = versionNumber(schema);
  if (p === null || s === null) throw new ProtocolError('BAD_REQUEST', 'the request must name its protocol and schema versions (X-CRM-Protocol, X-CRM-Schema)');
  if (p < PROTOCOL_VERSION) throw new ProtocolError('PROTOCOL_TOO_OLD', `protocol ${p} is no longer served (this server speaks ${PROTOCOL_VERSION}); update the app`);
  if (p > PROTOCOL_VERSION) throw new ProtocolError('PROTOCOL_TOO_NEW', `protocol ${p} is newer than this server (${PROTOCOL_VERSION}); update the server`);
  if (s < OLDEST_CLIENT_SCHEMA) throw new ProtocolError('SCHEMA_TOO_OLD', `client schema ${s} is too old (this server serves ${OLDEST_CLIENT_SCHEMA}-${CLIENT_SCHEMA_VERSION}); update the app`);
  if (s > CLIENT_SCHEMA_VERSION) throw new ProtocolError('SCHEMA_TOO_NEW', `client schema ${s} is newer than this server (${CLIENT_SCHEMA_VERSION}); update the server`);
  return s;
}

/**
 * A version as a header (decimal digits) or a JSON number (an integer). `Number()` alone would
 * read an empty header as 0 ("too old") and `0x1` or `1e0` as 1.
 */
function versionNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v === 'string' && /^\s*[0-9]{1,15}\s*$/.test(v)) return Number(v);
  return null;
}
