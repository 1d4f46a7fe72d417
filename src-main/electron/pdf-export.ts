import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import type { PdfExportOutcome } from '../../src-shared/api/shell.contract';
import { safeFileName } from '../../src-shared/sales/quote-print.util';

/**
 * Saves what the window shows as an A4 PDF: printed first (the window is on the print view at the
 * moment of the click, and the dialog is modal), then written where the user chooses. Page size
 * and margins come from the page's own @page rules, so the PDF matches the browser's print.
 */
export async function exportWindowPdf(window: BrowserWindow, fileName: string): Promise<PdfExportOutcome> {
  const data = await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true, preferCSSPageSize: true });
  // The renderer only suggests a name: never a path, and nothing a file system would refuse.
  const suggested = safeFileName(path.basename(fileName).replace(/\.pdf$/i, ''), 'document');
  const choice = await dialog.showSaveDialog(window, {
    defaultPath: path.join(app.getPath('documents'), `${suggested}.pdf`),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (choice.canceled || !choice.filePath) return { saved: false };
  await writeFile(choice.filePath, data);
  return { saved: true };
}
