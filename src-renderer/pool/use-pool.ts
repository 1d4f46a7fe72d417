import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { api, onCoreEvent } from '../api/client';
import { reportError, useApp } from '../state/app.store';
import type { PoolStatus } from './pool-text';
import { isMessageKey } from '../../src-shared/i18n/index';
import { formatDateTime } from '../format/field-format';

/** pool.status for one account (or none), reloaded when accounts or pool rules change. */
export function usePoolStatus(accountId: string | undefined): PoolStatus | null {
  const [status, setStatus] = useState<PoolStatus | null>(null);
  const dataEpoch = useApp((s) => s.dataEpoch);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api['pool.status'](accountId ? { accountId } : {})
        .then((s) => !cancelled && setStatus(s))
        .catch((error: unknown) => {
          // The account left this device (claimed by someone else): nothing to show.
          if (!(error instanceof ApiError && error.code === 'NOT_FOUND')) reportError(error);
        });
    void load();
    const off = onCoreEvent((event) => {
      if (event.type === 'changed' && (event.entity === 'pool_rule' || event.entity === 'account')) void load();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [accountId, dataEpoch]);
  return status;
}

/** Claim and release with their toasts; `busy` holds the id being worked on. */
export function usePoolActions(): { busy: string | null; claim(account: RecordData): Promise<boolean>; release(account: RecordData): Promise<boolean> } {
  const [busy, setBusy] = useState<string | null>(null);
  const run = useCallback(async (account: RecordData, action: 'claim' | 'release') => {
    const { pushToast, sync } = useApp.getState();
    const name = String(account.name ?? '');
    setBusy(account.id);
    try {
      if (action === 'claim') await api['pool.claim']({ accountId: account.id });
      else await api['pool.release']({ accountId: account.id });
      pushToast({ kind: 'success', message: { key: action === 'claim' ? 'pool.claimed' : 'pool.released', params: { name } } });
      if (action === 'claim' && sync?.state === 'offline') pushToast({ kind: 'info', message: { key: 'pool.claimConfirmOffline' } });
      return true;
    } catch (error) {
      // A pool rule's refusal says which rule; anything else is reported as usual.
      const issue = error instanceof ApiError ? error.issues?.[0] : undefined;
      if (issue && isMessageKey(issue.key)) {
        const until = issue.params?.until;
        const message = issue.key === 'pool.reclaimBarred' && typeof until === 'number' ? { key: 'pool.reclaimBarredUntil' as const, params: { date: formatDateTime(until, useApp.getState().locale) } } : { key: issue.key };
        useApp.getState().pushToast({ kind: 'error', message });
      } else {
        reportError(error);
      }
      return false;
    } finally {
      setBusy(null);
    }
  }, []);
  return { busy, claim: (a) => run(a, 'claim'), release: (a) => run(a, 'release') };
}
