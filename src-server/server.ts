import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { UserRepository } from './auth/user.repository';
import { buildApp } from './http/app';
import { openStore, type StoreOptions } from './store/open-store';
import type { SqlStore } from './store/sql-store';
import { ensureDefaultStages } from './sales/default-stages';
import { SyncService } from './sync/sync.service';

export interface ServerOptions extends StoreOptions {
  port: number;
  host?: string | undefined;
  version?: string | undefined;
  logLevel?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

export interface RunningServer {
  app: FastifyInstance;
  store: SqlStore;
  users: UserRepository;
  sync: SyncService;
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
  let closing: Promise<void> | null = null;
  return {
    app,
    store,
    users,
    sync,
    port,
    url: `${https ? 'https' : 'http'}://${host}:${port}`,
    close() {
      closing ??= (async () => {
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
