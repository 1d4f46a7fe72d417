import { useEffect } from 'react';

/**
 * Escape closes a dialog, unless it is busy (saving): the handler sits on the document, so it
 * works wherever focus is inside or outside the dialog.
 */
export function useEscape(onEscape: () => void, busy: boolean | undefined): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) {
        e.preventDefault();
        onEscape();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onEscape, busy]);
}
