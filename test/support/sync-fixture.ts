import type { CoreEvent } from '../../src-shared/api/client-api.contract';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startServer, type RunningServer, type ServerOptions } from '../../src-server/server';
import type { Role } from '../../src-server/auth/user.repository';
import { CoreService } from '../../src-main/core/core.service';
import type { ReplicaKey } from '../../src-main/core/db/replica-key';
import type { SyncConnector } from '../../src-main/core/sync/sync-connection';
import { WsConnector } from '../../src-main/core/sync/ws-connector';
import type { Method, MethodInput, MethodOutput } from '../../src-shared/api/client-api.contract';
import { MIGRATIONS_DIR, callThrough, tempDir } from './core-fixture';

export const MIGRATIONS_ROOT = fileURLToPath(new URL('../../migrations', import.meta.url));
export const PG_URL = process.env.CRM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type StoreKind = 'sqlite' | 'pg';

/** A fresh, uniquely named PostgreSQL schema per server, dropped when the server is closed. */
export function freshSchema(): string {
  return `t_${Date.now().toString(36)}_${crypto.randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export interface TestServer {
  server: RunningServer;
  url: string;
  kind: StoreKind;
  /** The `crm-server` flags that name this server's store (`--data <dir>` or `--pg <url> --pg-schema <s>`). */
  cliArgs: string[];
  users: Record<string, { id: string; username: string; password: string; role: Role }>;
  addUser(username: string, role: Role, name?: string): Promise<{ id: string; username: string; password: string; role: Role }>;
  close(): Promise<void>;
}

export async function startTestServer(
  kind: StoreKind,
  options: { port?: number } & Pick<ServerOptions, 'now' | 'authPolicy' | 'signInLimits'> = {},
): Promise<TestServer> {
  const dir = tempDir('crm-srv-');
  const schema = kind === 'pg' ? freshSchema() : undefined;
  const server = await startServer({
    dataDir: kind === 'sqlite' ? dir : undefined,
    pgUrl: kind === 'pg' ? PG_URL : undefined,
    pgSchema: schema,
    migrationsRoot: MIGRATIONS_ROOT,
    port: options.port ?? 0,
    logLevel: 'warn',
    // Tests run the scheduled rules themselves, with the clock they need.
    rulesEveryMs: 0,
    now: options.now,
    authPolicy: options.authPolicy,
    signInLimits: options.signInLimits,
  });
  const users: TestServer['users'] = {};
  return {
    server,
    url: server.url,
    kind,
    cliArgs: kind === 'pg' ? ['--pg', PG_URL, '--pg-schema', schema as string] : ['--data', dir],
    users,
    async addUser(username, role, name) {
      const password = 'password-1';
      const user = await server.users.add({ username, password, role, name: name ?? username });
      users[username] = { id: user.id, username, password, role };
      return users[username];
    },
    async close() {
      await server.close();
      if (schema) await dropSchema(schema);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestClient {
  core: CoreService;
  dir: string;
  call<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  close(): void;
}

let template: string | null = null;

/** A replica with every migration applied, copied for each client instead of migrating it again. */
function templateReplica(): string {
  if (template) return template;
  const dir = tempDir('crm-template-');
  new CoreService({ dataDir: dir, migrationsDir: MIGRATIONS_DIR, seedDemo: false, osLocale: 'zh-CN', appVersion: '0.0.0-test' }, new WsConnector(), { live: false }).close();
  template = path.join(dir, 'replica.db');
  return template;
}

/** A client core on its own replica; `live: false` syncs only when told (tests drive the cycles). */
export function openTestClient(
  options: { connector?: SyncConnector; dir?: string; live?: boolean; syncServer?: string; now?: () => number; snapshotPage?: number; replicaKey?: ReplicaKey } = {},
): TestClient {
  const dir = options.dir ?? tempDir('crm-cli-');
  if (!fs.existsSync(path.join(dir, 'replica.db'))) fs.copyFileSync(templateReplica(), path.join(dir, 'replica.db'));
  const core = new CoreService(
    { dataDir: dir, migrationsDir: MIGRATIONS_DIR, seedDemo: false, osLocale: 'zh-CN', appVersion: '0.0.0-test', syncServer: options.syncServer, deviceName: 'test', replicaKey: options.replicaKey ?? null },
    options.connector ?? new WsConnector(),
    { live: options.live ?? false, ...(options.now ? { now: options.now } : {}), ...(options.snapshotPage ? { snapshotPage: options.snapshotPage } : {}) },
  );
  return {
    core,
    dir,
    call: callThrough(core),
    close() {
      core.close();
      if (!options.dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether the PostgreSQL of this machine answers; server tests on it are required where it does. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the first core event that `match` accepts, or fails after `ms`. */
export function nextEvent(c: TestClient, match: (e: CoreEvent) => boolean, ms = 5000): Promise<CoreEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${ms} ms`));
    }, ms);
    const off = c.core.onEvent((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}
