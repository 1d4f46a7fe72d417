import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { UserRepository, type AuthPolicy } from './auth/user.repository';
import { SignInService, type SignInLimits } from './auth/sign-in.service';
import { buildApp } from './http/app';
import { openStore, type StoreOptions } from './store/open-store';
import type { SqlStore } from './store/sql-store';
import { ensureDefaultStages } from './sales/default-stages';
import { SyncService } from './sync/sync.service';
import { RulesJob } from './rules/rules-job';

export interface ServerOptions extends StoreOptions {
  port: number;
  host?: string | undefined;
  version?: string | undefined;
  logLevel?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** How often the scheduled rules run (pool returns and warnings, overdue payments); 0: never. Default 10 minutes. */
  rulesEveryMs?: number | undefined;
  /** Wrong passwords in a row that lock an account, and the idle time after which a device must sign in again. */
  authPolicy?: Partial<AuthPolicy> | undefined;
  /** Sign-in attempts allowed per client address and per username in a window. */
  signInLimits?: Partial<SignInLimits> | undefined;
  /** Proxies trusted to name the client in X-Forwarded-For (addresses or CIDRs, comma-separated). */
  trustProxy?: string | undefined;
  /** The server's clock for sessions, sign-ins, changes and rules (tests move it). */
  now?: (() => number) | undefined;
}

export interface RunningServer {
  app: FastifyInstance;
  store: SqlStore;
  users: UserRepository;
  sync: SyncService;
  rules: RulesJob;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Opens the store, migrates it and listens. `close` stops accepting, finishes what is in flight, then closes the store. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = await openStore(options);
  const users = new UserRepository(store, { now: options.now, policy: options.authPolicy });
  const sync = new SyncService(store, options.now);
  try {
    await ensureDefaultStages(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const https = options.certFile && options.keyFile ? { cert: fs.readFileSync(options.certFile), key: fs.readFileSync(options.keyFile) } : undefined;
  let app: FastifyInstance;
  try {
    const signIn = new SignInService(users, { limits: options.signInLimits, now: options.now });
    app = await buildApp({ store, users, sync, signIn, trustProxy: options.trustProxy, version: options.version ?? '0.0.0', logLevel: options.logLevel ?? 'info', https });
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  const rules = new RulesJob(store, sync, options.now);
  const every = options.rulesEveryMs ?? 10 * 60_000;
  if (every > 0) rules.schedule(every, (error) => app.log.error({ err: error }, 'scheduled rules failed'));
  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    users,
    sync,
    rules,
    port,
    url: `${https ? 'https' : 'http'}://${host}:${port}`,
    close() {
      closing ??= (async () => {
        rules.stop();
        await rules.idle();
        await app.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** migrations/ beside the source tree or the bundle. */
export function defaultMigrationsRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'migrations');
    if (fs.existsSync(path.join(candidate, 'server-sqlite'))) return candidate;
  }
  throw new Error(`cannot find migrations/server-sqlite above ${from}`);
}
