import { parseArgs } from 'node:util';
import { entityNames, isEntityName, type EntityName } from '../../src-shared/entities/index';

export const USAGE = `crm: the offline CRM's command line; drives the same data core as the app

usage: crm --profile <dir> <command> [options]

  login --server <url> --username <u> --password <p>   sign this profile in to a sync server
  sync [--json]                                        push local changes, then pull the server's
  status [--json]                                      online state, pending changes, last sync
  create <entity> --set field=value ... [--json]       make a record; prints its id ({"id": ...})
  update <entity> <id> --set field=value ... [--json]  change fields (--set ownerId=<user id> reassigns)
  delete <entity> <id>                                 delete a record and its children
  get <entity> <id> [--json]                           one record
  list <entity> [--json]                               every record of the entity on this profile
  conflicts [--json]                                   open entries of the conflict inbox

options:
  --profile <dir>   folder holding this profile's replica and credentials (created when missing)
  --set f=v         a field by its camelCase name; an empty value clears the field
  --json            machine-readable output on stdout
  --key-file <file> the replica's encryption key (default: replica.key in the profile folder, made
                    on first use); or give a passphrase in CRM_REPLICA_PASSPHRASE
  --verbose         also show the data core's diagnostic log on stderr
  -h, --help        this text

entities: ${entityNames.join(', ')}

exit codes:
  0  done
  1  the record does not exist on this profile (never made, deleted, or not visible to you)
  2  usage error (unknown command, entity or option, missing argument)
  3  the values were refused (the message names each field and why)
  4  sign-in refused: wrong username or password, user disabled, device revoked or unknown, or
     not signed in yet
  5  the sync server cannot be reached
  6  the sync server refused the request (app and server versions do not match, server error)
  7  the profile's replica cannot be opened (written by a newer app, or unreadable)
  8  internal error (a bug; run again with --verbose for details)`;

/** A command line that cannot be run as given: exit code 2 with this message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type Command =
  | { kind: 'help' }
  | { kind: 'login'; server: string; username: string; password: string; json: boolean }
  | { kind: 'sync'; json: boolean }
  | { kind: 'status'; json: boolean }
  | { kind: 'create'; entity: EntityName; values: Record<string, string>; json: boolean }
  | { kind: 'update'; entity: EntityName; id: string; values: Record<string, string>; json: boolean }
  | { kind: 'delete'; entity: EntityName; id: string; json: boolean }
  | { kind: 'get'; entity: EntityName; id: string; json: boolean }
  | { kind: 'list'; entity: EntityName; json: boolean }
  | { kind: 'conflicts'; json: boolean };

export interface Invocation {
  profile: string | null;
  keyFile?: string | null;
  verbose: boolean;
  command: Command;
}

const commandNames = ['login', 'sync', 'status', 'create', 'update', 'delete', 'get', 'list', 'conflicts'] as const;
type CommandName = (typeof commandNames)[number];

/** Options each command accepts besides --profile, --verbose and --help; anything else is a usage error. */
const allowed: Record<CommandName, readonly string[]> = {
  login: ['server', 'username', 'password', 'json'],
  sync: ['json'],
  status: ['json'],
  create: ['set', 'json'],
  update: ['set', 'json'],
  delete: ['json'],
  get: ['json'],
  list: ['json'],
  conflicts: ['json'],
};

/** Positional arguments after the command name, by name, for the messages. */
const positionalsOf: Record<CommandName, readonly ('entity' | 'id')[]> = {
  login: [],
  sync: [],
  status: [],
  create: ['entity'],
  update: ['entity', 'id'],
  delete: ['entity', 'id'],
  get: ['entity', 'id'],
  list: ['entity'],
  conflicts: [],
};

function isCommandName(name: string): name is CommandName {
  return (commandNames as readonly string[]).includes(name);
}

function parseSets(sets: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const item of sets) {
    const at = item.indexOf('=');
    const field = at < 0 ? '' : item.slice(0, at).trim();
    if (at < 0 || field === '') throw new UsageError(`--set takes field=value, not "${item}"`);
    if (Object.hasOwn(values, field)) throw new UsageError(`--set ${field} is given twice`);
    values[field] = item.slice(at + 1);
  }
  return values;
}

function entityArg(name: string | undefined, command: CommandName): EntityName {
  if (name === undefined) throw new UsageError(`${command} needs an entity: one of ${entityNames.join(', ')}`);
  if (!isEntityName(name)) throw new UsageError(`unknown entity "${name}": use one of ${entityNames.join(', ')}`);
  return name;
}

export function parseCommandLine(argv: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        profile: { type: 'string' },
        'key-file': { type: 'string' },
        server: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        set: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // node:util names the problem well ("Unknown option '--foo'"); keep its words.
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const verbose = values.verbose ?? false;
  const profile = values.profile ?? null;
  const [name, ...rest] = positionals;
  if (values.help || name === undefined || name === 'help') return { profile, verbose, command: { kind: 'help' } };
  if (!isCommandName(name)) throw new UsageError(`unknown command "${name}"; see crm --help`);

  if (profile === null || profile.trim() === '') throw new UsageError('say which profile: crm --profile <dir> <command>');
  const given = Object.keys(values).filter((k) => !['profile', 'verbose', 'help', 'key-file'].includes(k));
  for (const option of given) {
    if (!allowed[name].includes(option)) throw new UsageError(`${name} does not take --${option}; see crm --help`);
  }
  const expected = positionalsOf[name];
  if (rest.length > expected.length) throw new UsageError(`${name} takes ${expected.length === 0 ? 'no arguments' : expected.map((p) => `<${p}>`).join(' ')}; unexpected "${rest[expected.length]}"`);
  const entity = () => entityArg(rest[0], name);
  const id = () => {
    const value = rest[1];
    if (value === undefined || value.trim() === '') throw new UsageError(`${name} needs the record's id: crm ${name} <entity> <id>`);
    return value;
  };
  const json = values.json ?? false;
  const sets = values.set ?? [];

  let command: Command;
  switch (name) {
    case 'login': {
      const need = (option: 'server' | 'username' | 'password'): string => {
        const v = values[option];
        if (v === undefined || v === '') throw new UsageError(`login needs --${option}`);
        return v;
      };
      command = { kind: 'login', server: need('server'), username: need('username'), password: need('password'), json };
      break;
    }
    case 'sync':
    case 'status':
    case 'conflicts':
      command = { kind: name, json };
      break;
    case 'create':
      command = { kind: 'create', entity: entity(), values: parseSets(sets), json };
      break;
    case 'update': {
      const target = { entity: entity(), id: id() };
      if (sets.length === 0) throw new UsageError('update needs at least one --set field=value');
      command = { kind: 'update', ...target, values: parseSets(sets), json };
      break;
    }
    case 'delete':
    case 'get':
      command = { kind: name, entity: entity(), id: id(), json };
      break;
    case 'list':
      command = { kind: 'list', entity: entity(), json };
      break;
    default: {
      const exhaustive: never = name;
      return exhaustive;
    }
  }
  return { profile, verbose, command, keyFile: values['key-file'] ?? null };
}
