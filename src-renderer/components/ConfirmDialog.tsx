import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n/use-t';
import { Icon } from './icons';
import { useEscape } from '../state/use-escape';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  /** The confirm button loses data: it is drawn as such, and the safe choice has the focus. */
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

/** A question that must be answered before something that cannot be undone. Escape says no. */
export function ConfirmDialog({ title, children, confirmLabel, cancelLabel, danger, busy, onConfirm, onCancel, testId }: ConfirmDialogProps) {
  const t = useT();
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancelRef.current?.focus();
  }, []);

  useEscape(onCancel, busy);

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}>
      <div className="modal modal-small" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body" data-testid={testId ?? 'confirm-dialog'}>
        <header className="modal-header">
          <h2 id="confirm-title" className={danger ? 'confirm-title-danger' : undefined}>
            {danger && <Icon name="alert" size={18} />}
            {title}
          </h2>
        </header>
        <div className="modal-body confirm-body" id="confirm-body">
          {children}
        </div>
        <footer className="modal-footer">
          <button ref={cancelRef} type="button" className="btn" onClick={onCancel} disabled={busy} data-testid="confirm-cancel">
            {cancelLabel ?? t('common.cancel')}
          </button>
          <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} onClick={onConfirm} disabled={busy} data-testid="confirm-ok">
            {busy && <span className="spinner spinner-small" aria-hidden="true" />}
            {confirmLabel}
          </button>
        </footer>
      </div>
    </div>
  );
}
