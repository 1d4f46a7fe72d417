import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { CoreEvent } from '../../src-shared/api/client-api.contract';
import { IPC_SHELL_CHANNEL } from '../../src-shared/api/bridge';
import { shellRequest } from '../../src-shared/api/shell.contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-shared/api/wire-protocol';
import { fail, ok, type Result } from '../../src-shared/result';
import type { CoreClient } from '../core/worker/core-client';
import { invokeChecked } from '../host/wire-request';
import { isAppUrl } from './app-protocol';
import { exportWindowPdf } from './pdf-export';

export interface IpcRouterOptions {
  core: CoreClient;
  /** The one window whose top frame may call the core (null while there is none). */
  window(): BrowserWindow | null;
  /** Told after every call the core answered with ok, e.g. to follow a changed setting. */
  afterCall?(method: string, input: unknown): void;
}

/**
 * Routes the renderer's calls to the core and the core's events to the renderer, on the two
 * channels of the wire protocol. A call is answered only for our window's top frame showing our
 * own page: an iframe or a page navigated elsewhere gets BAD_REQUEST, never the core. Window
 * actions (PDF export) have a channel of their own, with the same check.
 */
export function routeIpc(options: IpcRouterOptions): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const window = options.window();
    if (!window || window.isDestroyed()) return false;
    const frame = event.senderFrame;
    return event.sender === window.webContents && frame !== null && frame === window.webContents.mainFrame && isAppUrl(frame.url);
  };

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!trusted(event)) return fail('BAD_REQUEST', 'call from a frame that is not the app window');
    const reply = await invokeChecked((m, i) => options.core.invoke(m, i), method, input);
    if (reply.ok && typeof method === 'string') options.afterCall?.(method, input);
    return reply;
  });

  // Window actions: the same sender check, then only the actions shell.contract.ts names.
  ipcMain.handle(IPC_SHELL_CHANNEL, async (event, request: unknown): Promise<Result<unknown>> => {
    const window = options.window();
    if (!window || !trusted(event)) return fail('BAD_REQUEST', 'call from a frame that is not the app window');
    const parsed = shellRequest.safeParse(request);
    if (!parsed.success) return fail('BAD_REQUEST', 'unknown or malformed shell action');
    try {
      switch (parsed.data.action) {
        case 'pdf.export':
          return ok(await exportWindowPdf(window, parsed.data.fileName));
        default: {
          const exhaustive: never = parsed.data.action;
          return fail('BAD_REQUEST', `unknown shell action ${String(exhaustive)}`);
        }
      }
    } catch (error) {
      // Printing or writing the file failed (disk full, folder not writable): the user is told.
      return fail('INTERNAL', `shell action failed: ${(error as Error)?.message ?? String(error)}`);
    }
  });

  const stopEvents = options.core.onEvent((event: CoreEvent) => {
    const window = options.window();
    if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event);
  });

  return () => {
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    ipcMain.removeHandler(IPC_SHELL_CHANNEL);
    stopEvents();
  };
}
