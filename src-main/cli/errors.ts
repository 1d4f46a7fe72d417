import { entities, fieldDef, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { translate } from '../../src-shared/i18n/index';
import type { ErrorInfo, FieldIssue } from '../../src-shared/result';

/** The process's exit codes; README.md and `crm --help` list the same. */
export const EXIT = {
  ok: 0,
  notFound: 1,
  usage: 2,
  invalid: 3,
  auth: 4,
  unreachable: 5,
  refused: 6,
  replica: 7,
  internal: 8,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure as the command line reports it: one line on stderr and an exit code. */
export class CliFailure extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

function issueText(entity: EntityName | null, issue: FieldIssue): string {
  let text = translate('en', issue.key, issue.params);
  const def = entity ? fieldDef(entity, issue.field) : undefined;
  // "Choose a value from the list" says nothing on a terminal: name the values.
  if (issue.key === 'validation.enum' && def?.kind === 'enum') text = `use one of ${def.values.join(', ')}`;
  if (issue.key === 'validation.unknownField' && entity) {
    const editable = Object.entries(entities[entity].fields as Record<string, FieldDef>).filter(([, d]) => !d.system);
    text = `unknown field; ${entity} has ${editable.map(([name]) => name).join(', ')}, ownerId`;
  }
  return `${issue.field}: ${text}`;
}

/**
 * The sign-in refusals that surface as SYNC_REFUSED carry the protocol code at the start of the
 * message (see toCrmError in sync-engine.ts); they need a person to act, like a wrong password.
 */
const CREDENTIAL_REFUSALS = /^(DEVICE_REVOKED|USER_DISABLED|ACCOUNT_LOCKED):/;

/** Maps the core's error (what dispatch answered or the engine threw) to a line and an exit code. */
export function failureFromCore(error: ErrorInfo, entity: EntityName | null = null): CliFailure {
  switch (error.code) {
    case 'NOT_FOUND':
      return new CliFailure(EXIT.notFound, `${error.message} on this profile (never made, deleted, or not visible to you)`);
    case 'VALIDATION': {
      const issues = error.issues ?? [];
      const detail = issues.length > 0 ? issues.map((i) => issueText(entity, i)).join('; ') : error.message;
      return new CliFailure(EXIT.invalid, `${error.message}: ${detail}`);
    }
    case 'BAD_REQUEST':
    case 'UNKNOWN_METHOD':
      return new CliFailure(EXIT.usage, error.message);
    case 'NOT_SIGNED_IN':
      return new CliFailure(EXIT.auth, 'not signed in: run crm --profile <dir> login --server <url> --username <u> --password <p> first');
    case 'AUTH_FAILED':
      return new CliFailure(EXIT.auth, `sign-in refused: ${error.message}`);
    case 'SERVER_UNREACHABLE':
      return new CliFailure(EXIT.unreachable, `the sync server cannot be reached: ${error.message}`);
    case 'SERVER_REQUIRED':
      return new CliFailure(EXIT.unreachable, `only the sync server can answer this, and it is not reachable: ${error.message}`);
    case 'FORBIDDEN':
      return new CliFailure(EXIT.refused, `not allowed for this user: ${error.message}`);
    case 'SYNC_REFUSED':
      if (CREDENTIAL_REFUSALS.test(error.message)) return new CliFailure(EXIT.auth, `sign-in refused: ${error.message}`);
      return new CliFailure(EXIT.refused, `the sync server refused: ${error.message}`);
    case 'DB_TOO_NEW':
    case 'DB_OPEN_FAILED':
    case 'DB_KEY':
      return new CliFailure(EXIT.replica, error.message);
    case 'DISCONNECTED':
    case 'INTERNAL':
      return new CliFailure(EXIT.internal, `internal error: ${error.message} (run again with --verbose for details)`);
    default: {
      const exhaustive: never = error.code;
      return exhaustive;
    }
  }
}
