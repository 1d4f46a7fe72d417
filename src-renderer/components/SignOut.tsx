import { useState, type ReactNode } from 'react';
import type { MessageKey } from '../../src-shared/i18n/index';
import { api } from '../api/client';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { refreshSession } from '../sync/sync-actions';
import { isSignOutBlocked, signOutBlockedKey } from '../sync/sync-text';
import { ConfirmDialog } from './ConfirmDialog';

export interface SignOut {
  start(): void;
  busy: boolean;
  /** The confirmation, when a plain sign-out was refused; render it wherever the trigger lives. */
  dialog: ReactNode;
}

/**
 * Sign-out in two steps: first the plain one, which pushes what is pending; only if the core says
 * unsent changes cannot reach the server does the user get asked whether to drop them and sign
 * out anyway (force). Nothing typed is dropped without that answer.
 */
export function useSignOut(): SignOut {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [blocked, setBlocked] = useState<{ reason: MessageKey; pending: number } | null>(null);

  const run = async (force: boolean) => {
    setBusy(true);
    try {
      await api['sync.logout']({ force });
      setBlocked(null);
      useApp.getState().pushToast({ kind: 'info', message: { key: 'user.signedOut' } });
      await refreshSession();
    } catch (error) {
      if (force || !isSignOutBlocked(error)) {
        setBlocked(null);
        reportError(error);
        return;
      }
      // The failed push has just been recorded in the status: it says why, and how much is left.
      const status = await api['sync.status']({}).catch(() => null);
      if (status) useApp.getState().setSync(status);
      setBlocked({ reason: signOutBlockedKey(error, status), pending: status?.pending ?? useApp.getState().sync?.pending ?? 0 });
    } finally {
      setBusy(false);
    }
  };

  const dialog = blocked ? (
    <ConfirmDialog
      title={t('signOut.confirm.title')}
      confirmLabel={t('signOut.confirm.force')}
      cancelLabel={t('signOut.confirm.keep')}
      danger
      busy={busy}
      onConfirm={() => void run(true)}
      onCancel={() => setBlocked(null)}
      testId="sign-out-confirm"
    >
      <p data-testid="sign-out-reason">
        {blocked.pending > 0 ? t('signOut.confirm.body', { count: blocked.pending, reason: t(blocked.reason) }) : t('signOut.confirm.bodyNoCount', { reason: t(blocked.reason) })}
      </p>
      <p className="confirm-warning">{t('signOut.confirm.loss')}</p>
    </ConfirmDialog>
  ) : null;

  return { start: () => void run(false), busy, dialog };
}
