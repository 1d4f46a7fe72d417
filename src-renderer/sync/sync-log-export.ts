import type { AppInfo, SyncLogEntry, SyncStatus } from '../../src-shared/api/client-api.contract';

export interface ExportFile {
  name: string;
  type: string;
  text: string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Local time in the file name, so a user can tell their exports apart in the Downloads folder. */
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/**
 * The sync log as support reads it: which app and schema, which server and account, the status at
 * the moment of export, then every entry with a readable UTC time beside its epoch. No password or
 * token is ever part of the status or the log.
 */
export function syncLogFile(entries: SyncLogEntry[], context: { info: AppInfo | null; status: SyncStatus | null }, now: number): ExportFile {
  const { info, status } = context;
  const body = {
    exportedAt: new Date(now).toISOString(),
    app: info ? { version: info.version, schemaVersion: info.schemaVersion, locale: info.locale } : null,
    account: info?.session ? { username: info.session.username, role: info.session.role } : null,
    status,
    entries: entries.map((e) => ({ time: new Date(e.at).toISOString(), ...e })),
  };
  return { name: `crm-sync-log-${stamp(now)}.json`, type: 'application/json', text: `${JSON.stringify(body, null, 2)}\n` };
}

/**
 * Saves a file the way both shells allow: a Blob behind a download link. Electron turns it into
 * its save dialog; a browser puts it in Downloads. The link never navigates the page.
 */
export function downloadFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: `${file.type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy by the next turn; revoking later only keeps memory a while longer.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
