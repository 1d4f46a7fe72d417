import { SHELL_GLOBAL } from '../../src-shared/api/bridge';
import type { ShellBridge } from '../../src-shared/api/shell.contract';

/**
 * The Electron shell's window actions (PDF export), or null in a plain browser: the preload
 * exposes them beside the Transport, so their presence says which host the renderer runs in,
 * as window.crm does for the transport (client.ts).
 */
export function shellBridge(): ShellBridge | null {
  const candidate = (window as unknown as Record<string, unknown>)[SHELL_GLOBAL] as Partial<ShellBridge> | undefined;
  return candidate && typeof candidate.exportPdf === 'function' ? (candidate as ShellBridge) : null;
}
