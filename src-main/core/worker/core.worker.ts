import { parentPort, workerData } from 'node:worker_threads';
import { CrmError } from '../../../src-shared/result';
import { CoreService } from '../core.service';
import { dispatch } from '../dispatch';
import type { CoreOptions, WorkerMessage, WorkerRequest } from './worker-protocol';

/**
 * Worker-thread entry of the data core. Requests are handled one at a time in arrival order:
 * better-sqlite3 is synchronous, and one writer per replica is the rule.
 */
const port = parentPort;
if (!port) throw new Error('core.worker must run as a worker thread');

const post = (message: WorkerMessage) => port.postMessage(message);

let core: CoreService;
try {
  core = new CoreService(workerData as CoreOptions);
} catch (error) {
  const code = error instanceof CrmError ? error.code : 'DB_OPEN_FAILED';
  post({ kind: 'fatal', error: { code, message: (error as Error).message } });
  process.exit(1);
}

core.onEvent((event) => post({ kind: 'event', event }));

let queue = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'close') {
    queue = queue.then(() => {
      core.close();
      process.exit(0);
    });
    return;
  }
  queue = queue.then(async () => {
    const reply = await dispatch(core.handlers, request.method, request.input);
    post({ kind: 'reply', id: request.id, reply });
  });
});

post({ kind: 'ready' });
// Sync starts after the window has what it needs to draw: the replica is already usable offline.
void core.start();
