import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CoreEvent, Method, Transport } from '../../../src-shared/api/client-api.contract';
import { CrmError, fail, type ErrorCode, type Result } from '../../../src-shared/result';
import type { CoreOptions, WorkerMessage, WorkerRequest } from './worker-protocol';

/**
 * The core as the Electron main process and the browser host see it: a worker thread holding the
 * replica, so a long query or a large sync never blocks the window or the host's event loop.
 */
export interface CoreClient extends Transport {
  /** Resolves once the replica is open and migrated; rejects with a CrmError (DB_TOO_NEW, ...). */
  ready: Promise<void>;
  /** Called if the worker dies without close() (a crash): the shell should tell the user and quit. */
  onExit(listener: (code: number) => void): () => void;
  close(): Promise<void>;
}

/** The bundled worker sits next to the bundle that starts it (dist/main). */
export function defaultWorkerFile(): string {
  return path.join(__dirname, 'core-worker.cjs');
}

export function startCoreWorker(options: CoreOptions, workerFile = defaultWorkerFile()): CoreClient {
  const worker = new Worker(workerFile, { workerData: options });
  const pending = new Map<number, (reply: Result<unknown>) => void>();
  const listeners = new Set<(event: CoreEvent) => void>();
  let nextId = 1;
  let closed = false;
  let exited = false;
  const exitListeners = new Set<(code: number) => void>();

  let markReady!: () => void;
  let markFailed!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  // Callers that only invoke() should not crash the process on an unobserved rejection.
  ready.catch(() => undefined);

  const failAll = (code: ErrorCode, message: string) => {
    for (const resolve of pending.values()) resolve(fail(code, message));
    pending.clear();
  };

  worker.on('message', (msg: WorkerMessage) => {
    switch (msg.kind) {
      case 'ready':
        markReady();
        break;
      case 'fatal':
        markFailed(new CrmError(msg.error.code === 'DB_TOO_NEW' ? 'DB_TOO_NEW' : 'DB_OPEN_FAILED', msg.error.message));
        break;
      case 'reply': {
        const resolve = pending.get(msg.id);
        pending.delete(msg.id);
        resolve?.(msg.reply);
        break;
      }
      case 'event':
        for (const listener of listeners) listener(msg.event);
        break;
      default: {
        const exhaustive: never = msg;
        throw new Error(`unexpected worker message ${JSON.stringify(exhaustive)}`);
      }
    }
  });
  worker.on('error', (error) => {
    markFailed(error);
    failAll('INTERNAL', `core worker crashed: ${error.message}`);
  });
  worker.on('exit', (code) => {
    exited = true;
    if (!closed) markFailed(new Error(`core worker exited with code ${code}`));
    failAll('DISCONNECTED', 'core worker stopped');
    if (!closed) for (const listener of exitListeners) listener(code);
  });

  return {
    ready,
    invoke(method: Method, input: unknown): Promise<Result<unknown>> {
      if (closed) return Promise.resolve(fail('DISCONNECTED', 'core is closed'));
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        const request: WorkerRequest = { kind: 'call', id, method, input };
        worker.postMessage(request);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onExit(listener) {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      // After a start-up failure or a crash there is no worker left to ask, and no exit to await.
      if (exited) return;
      const stopped = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      const request: WorkerRequest = { kind: 'close' };
      worker.postMessage(request);
      // A core stuck in a long query still has to let the app quit.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await stopped;
      clearTimeout(timer);
    },
  };
}
