import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CoreEvent, Transport } from '../../src-shared/api/client-api.contract';
// bridge.ts has no imports, so the sandboxed preload stays small (no zod).
import { BRIDGE_GLOBAL, IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, IPC_SHELL_CHANNEL, SHELL_GLOBAL } from '../../src-shared/api/bridge';
import type { PdfExportOutcome, ShellBridge } from '../../src-shared/api/shell.contract';
import { fail, type Result } from '../../src-shared/result';

/**
 * The renderer's only way out of its sandbox: exactly the Transport interface under
 * window.crm (and the window actions under window.crmShell, below). Fixed channels, no
 * ipcRenderer, no event objects (they carry `sender`) and no Node handed to the page.
 */
const bridge: Transport = {
  invoke(method, input) {
    // The main side always answers a Result; a rejection means the call never reached it
    // (the window is closing, or the handler is gone), which the UI treats like a lost socket.
    return (ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input) as Promise<Result<unknown>>).catch((error: unknown) =>
      fail('DISCONNECTED', `IPC call failed: ${(error as Error)?.message ?? String(error)}`),
    );
  },
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, coreEvent: CoreEvent) => listener(coreEvent);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

/** Window actions (PDF export), on their own channel; only a file name crosses, never a path. */
const shell: ShellBridge = {
  exportPdf(fileName) {
    return (ipcRenderer.invoke(IPC_SHELL_CHANNEL, { action: 'pdf.export', fileName }) as Promise<Result<PdfExportOutcome>>).catch((error: unknown) =>
      fail('DISCONNECTED', `IPC call failed: ${(error as Error)?.message ?? String(error)}`),
    );
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
contextBridge.exposeInMainWorld(SHELL_GLOBAL, shell);
