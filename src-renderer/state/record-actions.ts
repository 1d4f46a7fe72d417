import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName } from '../../src-shared/entities/index';
import { api } from '../api/client';
import { reportError, useApp } from './app.store';
import { entityText } from './entity-text';

/** How long the Undo of a delete stays on screen. */
const UNDO_MS = 8000;

/**
 * Deletes without asking first: the delete is a tombstone, and the toast offers Undo (record.restore,
 * which also brings back the children deleted with it). Resolves false if the delete failed.
 */
export async function deleteWithUndo(entity: EntityName, record: RecordData): Promise<boolean> {
  const { pushToast, dismissToast } = useApp.getState();
  const name = String(record[entities[entity].titleField] ?? '');
  const text = entityText[entity];
  let deleted: number;
  try {
    ({ deleted } = await api['record.delete']({ entity, id: record.id }));
  } catch (error) {
    reportError(error);
    return false;
  }
  const children = deleted - 1;
  const toastId = pushToast({
    kind: 'info',
    message: children > 0 ? { key: text.deletedWithChildren, params: { name, count: children } } : { key: text.deleted, params: { name } },
    timeoutMs: UNDO_MS,
    action: {
      label: 'common.undo',
      run: () => {
        dismissToast(toastId);
        api['record.restore']({ entity, id: record.id })
          .then(() => pushToast({ kind: 'success', message: { key: text.restored, params: { name } } }))
          .catch(reportError);
      },
    },
  });
  return true;
}
