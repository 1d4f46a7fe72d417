import { z } from 'zod';
import type { Result } from '../result';

/**
 * Window actions the renderer asks of the Electron shell itself rather than of the data core:
 * saving the window as a PDF. They travel on their own channel (IPC_SHELL_CHANNEL in bridge.ts),
 * which the main side checks like the core's, and exist only in Electron: the browser host has
 * no window.crmShell, and the renderer falls back to the browser's own print dialog there.
 */
export const shellRequest = z.discriminatedUnion('action', [
  /** Print the window to an A4 PDF and save it where the user chooses; `fileName` is the suggestion. */
  z.object({ action: z.literal('pdf.export'), fileName: z.string().trim().min(1).max(200) }),
]);
export type ShellRequest = z.infer<typeof shellRequest>;

export interface PdfExportOutcome {
  /** False when the user closed the save dialog without choosing a file. */
  saved: boolean;
}

/** What the preload exposes under SHELL_GLOBAL. Replies are Results, as on every boundary. */
export interface ShellBridge {
  exportPdf(fileName: string): Promise<Result<PdfExportOutcome>>;
}
