/**
 * Names shared by the Electron preload and the main process. Kept free of imports: the sandboxed
 * preload bundles this file, and pulling zod in with it would add a large library to every window.
 */
/** The name under which the Electron preload exposes the Transport to the renderer. */
export const BRIDGE_GLOBAL = 'crm';
/** The one IPC channel for calls and the one for pushed events; the main side checks both. */
export const IPC_INVOKE_CHANNEL = 'crm:invoke';
export const IPC_EVENT_CHANNEL = 'crm:event';
/**
 * Window actions (PDF export) go to the Electron shell, not the core: their own global and their
 * own channel, checked on the main side like the invoke channel (see shell.contract.ts).
 */
export const SHELL_GLOBAL = 'crmShell';
export const IPC_SHELL_CHANNEL = 'crm:shell';
