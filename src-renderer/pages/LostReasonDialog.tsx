import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import { errorMessageKey } from '../../src-shared/result';
import { Icon } from '../components/icons';
import { useT } from '../i18n/use-t';
import { useEscape } from '../state/use-escape';

interface LostReasonDialogProps {
  dealName: string;
  stageLabel: string;
  onCancel(): void;
  /** Stores the move with the reason; a refusal shows in the dialog, which stays open. */
  onConfirm(reason: string): Promise<void>;
}

/** The record rules refuse a lost deal without a reason, so moving one into 输单 asks for it first. */
export function LostReasonDialog({ dealName, stageLabel, onCancel, onConfirm }: LostReasonDialogProps) {
  const t = useT();
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  useEscape(onCancel, busy);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (busy) return;
    const text = reason.trim();
    if (text === '') {
      setError(t('pipeline.lost.required'));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    onConfirm(text).catch((failure: unknown) => {
      setBusy(false);
      if (failure instanceof ApiError && failure.issues?.some((issue) => issue.field === 'lostReason')) setError(t('pipeline.lost.required'));
      else if (failure instanceof ApiError) setError(t.dyn(errorMessageKey(failure.code)));
      else {
        console.error(failure);
        setError(t('error.internal'));
      }
    });
  };

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}>
      <div className="modal modal-small" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} data-testid="lost-reason-dialog">
        <form onSubmit={submit} noValidate>
          <header className="modal-header">
            <h2 id={`${id}-title`}>{t('pipeline.lost.title')}</h2>
            <button type="button" className="icon-button" onClick={onCancel} aria-label={t('common.close')} disabled={busy}>
              <Icon name="close" size={18} />
            </button>
          </header>
          <div className="modal-body lost-reason-body">
            <p>{t('pipeline.lost.body', { name: dealName, stage: stageLabel })}</p>
            <label className="form-label" htmlFor={`${id}-reason`}>
              {t('pipeline.lost.reason')}
              <span className="required">*</span>
            </label>
            <textarea
              ref={inputRef}
              id={`${id}-reason`}
              className={`input${error ? ' is-invalid' : ''}`}
              rows={3}
              maxLength={500}
              value={reason}
              placeholder={t('pipeline.lost.placeholder')}
              aria-invalid={error !== null}
              aria-describedby={error ? `${id}-error` : undefined}
              onChange={(e) => {
                setReason(e.target.value);
                if (error) setError(null);
              }}
              onKeyDown={(e) => {
                // Ctrl+Enter saves; Enter alone is a new line in a longer reason.
                if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
              }}
              disabled={busy}
              data-testid="lost-reason-input"
            />
            {error && (
              <div className="field-error" id={`${id}-error`} role="alert" data-testid="lost-reason-error">
                {error}
              </div>
            )}
          </div>
          <footer className="modal-footer">
            <button type="button" className="btn" onClick={onCancel} disabled={busy} data-testid="lost-reason-cancel">
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-danger" disabled={busy} data-testid="lost-reason-confirm">
              {busy && <span className="spinner spinner-small" aria-hidden="true" />}
              {t('pipeline.lost.confirm')}
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}
