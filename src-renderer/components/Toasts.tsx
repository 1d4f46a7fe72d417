import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/use-t';
import { useApp, type Toast } from '../state/app.store';
import { Icon } from './icons';

function ToastItem({ toast }: { toast: Toast }) {
  const t = useT();
  const dismiss = useApp((s) => s.dismissToast);
  const [paused, setPaused] = useState(false);
  const remaining = useRef(toast.timeoutMs);

  // The countdown pauses while the pointer is on the toast, so Undo is never pulled away mid-reach.
  useEffect(() => {
    if (paused) return;
    const started = Date.now();
    const timer = window.setTimeout(() => dismiss(toast.id), remaining.current);
    return () => {
      window.clearTimeout(timer);
      remaining.current -= Date.now() - started;
    };
  }, [paused, dismiss, toast.id]);

  return (
    <div
      className={`toast toast-${toast.kind}`}
      role={toast.kind === 'error' ? 'alert' : 'status'}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      data-testid="toast"
      data-kind={toast.kind}
    >
      <span className="toast-text">{t(toast.message.key, toast.message.params)}</span>
      {toast.action && (
        <button type="button" className="toast-action" onClick={toast.action.run} data-testid="toast-action">
          {t(toast.action.label)}
        </button>
      )}
      <button type="button" className="toast-close" onClick={() => dismiss(toast.id)} aria-label={t('common.close')} data-testid="toast-close">
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useApp((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
