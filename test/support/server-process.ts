import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { UserRepository, type Role } from '../../src-server/auth/user.repository';
import { openStore } from '../../src-server/store/open-store';
import { tempDir } from './core-fixture';
import { MIGRATIONS_ROOT, PG_URL, dropSchema, freshSchema, type StoreKind } from './sync-fixture';

/**
 * The sync server as operators run it: `crm-server` commands through npm, and `crm-server serve`
 * as one Node process (npm does not pass SIGTERM on to its script, so signals go to the server
 * itself), with its JSON log lines parsed as they arrive.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'src-server/cli/crm-server.ts');

/** Where one test's server data lives, and the CLI flags that name it. */
export interface StoreTarget {
  kind: StoreKind;
  dir: string;
  schema: string | undefined;
  args: string[];
  cleanup(): Promise<void>;
}

export function newStoreTarget(kind: StoreKind): StoreTarget {
  const dir = tempDir('crm-srvproc-');
  const schema = kind === 'pg' ? freshSchema() : undefined;
  return {
    kind,
    dir,
    schema,
    args: kind === 'pg' ? ['--pg', PG_URL, '--pg-schema', schema as string] : ['--data', dir],
    async cleanup() {
      if (schema) await dropSchema(schema);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates the target's database (migrated) with one user, as `user add` would, without a process. */
export async function seedUser(target: StoreTarget, user: { username: string; password: string; role: Role; name?: string }): Promise<void> {
  const store = await openStore({ dataDir: target.dir, pgUrl: target.kind === 'pg' ? PG_URL : undefined, pgSchema: target.schema, migrationsRoot: MIGRATIONS_ROOT });
  try {
    await new UserRepository(store).add(user);
  } finally {
    await store.close();
  }
}

/** Direct SQL on a target's database, outside the server (`?` placeholders on both stores). */
export interface RawDb {
  all<T = Record<string, unknown>>(sql: string, params?: (string | number)[]): Promise<T[]>;
  run(sql: string, params?: (string | number)[]): Promise<void>;
  close(): Promise<void>;
}

export async function openRawDb(target: StoreTarget): Promise<RawDb> {
  if (target.kind === 'sqlite') {
    const db = new Database(path.join(target.dir, 'server.db'));
    db.pragma('busy_timeout = 5000');
    return {
      all: async <T>(sql: string, params: (string | number)[] = []) => db.prepare(sql).all(...params) as T[],
      run: async (sql, params = []) => {
        db.prepare(sql).run(...params);
      },
      close: async () => {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${target.schema}` });
  await client.connect();
  const toPg = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  return {
    all: async <T>(sql: string, params: (string | number)[] = []) => (await client.query(toPg(sql), params)).rows as T[],
    run: async (sql, params = []) => {
      await client.query(toPg(sql), params);
    },
    close: () => client.end(),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run --silent crm-server -- <args>`, as the README tells operators. */
export function runCli(args: string[]): Promise<CliResult> {
  const child = spawn('npm', ['run', '--silent', 'crm-server', '--', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface LogLine {
  level: number;
  time: number;
  msg: string;
  [key: string]: unknown;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

/** A running `crm-server serve`: its parsed log, its exit, and waits on both. */
export class ServeProcess {
  readonly logs: LogLine[] = [];
  /** stdout lines that are not JSON log lines (there should be none). */
  readonly strayLines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private pending = '';
  private readonly watchers: { test: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  constructor(readonly child: Child) {
    child.stdout.setEncoding('utf8').on('data', (s: string) => this.take(s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (this.stderr += s));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  private take(chunk: string): void {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        this.strayLines.push(line);
        continue;
      }
      const entry = parsed as LogLine;
      this.logs.push(entry);
      for (const w of [...this.watchers]) {
        if (w.test(entry)) {
          this.watchers.splice(this.watchers.indexOf(w), 1);
          w.resolve(entry);
        }
      }
    }
  }

  /** The first log line (already seen or still to come) that passes `test`; rejects if the process exits first. */
  waitForLog(test: (l: LogLine) => boolean, what: string): Promise<LogLine> {
    const seen = this.logs.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      this.watchers.push({ test, resolve });
      void this.exited.then(({ code, signal }) => reject(new Error(`crm-server exited (${code ?? signal}) before logging ${what}; stderr: ${this.stderr}`)));
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

const running = new Set<ServeProcess>();

/** `crm-server serve <args>` on a free port; the environment leaves out npm's package variables. */
export function spawnServe(args: string[]): ServeProcess {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = new ServeProcess(child);
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

/** Starts `serve` and waits for its listening line; returns the URL it logged. */
export async function startServe(args: string[]): Promise<{ proc: ServeProcess; url: string }> {
  const proc = spawnServe(args);
  const line = await proc.waitForLog((l) => l.msg === 'sync server listening', 'that it listens');
  return { proc, url: String(line.url) };
}

/** For afterEach: servers a failed test left running are killed, by their own pid. */
export async function killServes(): Promise<void> {
  for (const proc of [...running]) {
    proc.signal('SIGKILL');
    await proc.exited;
  }
}
