import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { UserRepository } from './auth/user.repository';
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
  const users = new UserRepository(store);
  const sync = new SyncService(store);
  try {
    await ensureDefaultStages(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const https = options.certFile && options.keyFile ? { cert: fs.readFileSync(options.certFile), key: fs.readFileSync(options.keyFile) } : undefined;
  let app: FastifyInstance;
  try {
    app = await buildApp({ store, users, sync, version: options.version ?? '0.0.0', logLevel: options.logLevel ?? 'info', https });
    await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  const rules = new RulesJob(store, sync);
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
