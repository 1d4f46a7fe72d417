import type { SyncStatus } from '../../src-shared/api/client-api.contract';
import { api } from '../api/client';
import { reportError, useApp } from '../state/app.store';
import { downloadFile, syncLogFile } from './sync-log-export';

/** Who is signed in and how sync stands; asked again after sign-in, sign-out and a replaced replica. */
export async function refreshSession(): Promise<void> {
  const [info, sync] = await Promise.all([api['app.info']({}), api['sync.status']({})]);
  // The language stays as the user has it in this window: a replaced replica must not flip it.
  useApp.getState().setInfo(info);
  useApp.getState().setSync(sync);
}

/** One sync cycle now; resolves with the status it ended in (its failure, if any, is in the status). */
export async function syncNow(): Promise<SyncStatus | null> {
  try {
    const status = await api['sync.now']({});
    useApp.getState().setSync(status);
    return status;
  } catch (error) {
    reportError(error);
    return null;
  }
}

/** Saves the sync log for support as a JSON file. */
export async function exportSyncLog(): Promise<void> {
  const { pushToast } = useApp.getState();
  try {
    const { entries } = await api['sync.log']({ limit: 5000 });
    const { info, sync } = useApp.getState();
    downloadFile(syncLogFile(entries, { info, status: sync }, Date.now()));
    pushToast({ kind: 'success', message: { key: 'sync.exportLog.done', params: { count: entries.length } } });
  } catch (error) {
    reportError(error);
  }
}
