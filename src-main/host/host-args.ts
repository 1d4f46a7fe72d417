import path from 'node:path';
import { parseArgs } from 'node:util';

export const HOST_USAGE =
  'usage: node dist/main/host.cjs [--port <n>] [--host <address>] [--data <dir>] [--no-demo] [--locale <locale>] [--allow-origin <origin>]... [--server <sync-server-url>] [--login <username>:<password>] [--key-file <file>]';

/** The port `npm start` and a bare host start try first, moving on to the next free one. */
export const DEFAULT_PORT = 5173;
/** How far past DEFAULT_PORT a host started without --port looks for a free one. */
export const DEFAULT_PORT_ATTEMPTS = 20;

export interface HostArgs {
  port: number;
  /** 1 when --port was given: an explicit port that is taken is an error, not a hint. */
  portAttempts: number;
  host: string;
  dataDir: string | null;
  seedDemo: boolean;
  locale: string | null;
  allowedOrigins: string[];
  /** The sync server of this installation (the sign-in screen offers it). */
  server: string | null;
  /** Sign in by itself when nobody is signed in (the embedded demo of `npm start`). */
  login: { username: string; password: string } | null;
  /** Where the replica's encryption key is kept (default: replica.key in the data folder). */
  keyFile: string | null;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseHostArgs(argv: readonly string[]): HostArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'key-file': { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'no-demo': { type: 'boolean', default: false },
        locale: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        server: { type: 'string' },
        login: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not ${values.port}`);
    port = Number(values.port);
  }
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  const allowedOrigins = values['allow-origin'] ?? [];
  for (const origin of allowedOrigins) {
    if (!/^https?:\/\/[^/\s]+$/i.test(origin)) throw new UsageError(`--allow-origin takes an origin such as http://localhost:5174, not ${origin}`);
  }
  const server = values.server?.trim() || null;
  if (server !== null && !/^https?:\/\/[^\s]+$/i.test(server)) throw new UsageError(`--server takes a URL such as http://127.0.0.1:8787, not ${server}`);
  let login: HostArgs['login'] = null;
  if (values.login !== undefined) {
    const at = values.login.indexOf(':');
    if (at <= 0 || at === values.login.length - 1) throw new UsageError('--login takes <username>:<password>');
    if (server === null) throw new UsageError('--login needs --server');
    login = { username: values.login.slice(0, at), password: values.login.slice(at + 1) };
  }
  return {
    server,
    login,
    port,
    portAttempts: values.port === undefined ? DEFAULT_PORT_ATTEMPTS : 1,
    host,
    dataDir: values.data ? path.resolve(values.data) : null,
    seedDemo: !values['no-demo'],
    locale: values.locale ?? null,
    allowedOrigins,
    keyFile: values['key-file'] ? path.resolve(values['key-file']) : null,
    help: values.help ?? false,
  };
}

/**
 * The OS locale when --locale is not given: ICU's default (which follows LANG / LC_ALL), else the
 * POSIX variables themselves (`zh_CN.UTF-8` → `zh-CN`), else English.
 */
export function osLocale(env: NodeJS.ProcessEnv = process.env): string {
  const icu = Intl.DateTimeFormat().resolvedOptions().locale;
  if (icu && icu !== 'und') return icu;
  const posix = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  const tag = posix?.split(/[.@]/, 1)[0]?.replace(/_/g, '-');
  return tag && tag !== 'C' && tag !== 'POSIX' ? tag : 'en';
}
