import { useEffect, useRef, useState } from 'react';
import type { SyncStatus } from '../../src-shared/api/client-api.contract';
import type { MessageKey } from '../../src-shared/i18n/index';
import { formatDateTime } from '../format/field-format';
import { formatTimeAgo, formatTimeUntil } from '../format/relative-time';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/app.store';
import { useNow } from '../state/use-now';
import { exportSyncLog, syncNow } from '../sync/sync-actions';
import { searchPercent, syncErrorKey } from '../sync/sync-text';
import { Icon, type IconName } from './icons';

const stateText: Record<SyncStatus['state'], MessageKey> = {
  local: 'sync.local',
  signedOut: 'sync.signedOut',
  online: 'sync.online',
  offline: 'sync.offline',
  syncing: 'sync.syncing',
};

const stateIcon: Record<SyncStatus['state'], IconName> = {
  local: 'database',
  signedOut: 'cloudOff',
  online: 'cloud',
  offline: 'cloudOff',
  syncing: 'refresh',
};

/** Signed in to a server: the states where sync runs and can fail. */
function isSyncing(state: SyncStatus['state']): boolean {
  return state === 'online' || state === 'offline' || state === 'syncing';
}

/** "Retry now" and "sync now" share one busy flag: a second cycle would only queue behind the first. */
function useSyncNow(): [boolean, () => void] {
  const [busy, setBusy] = useState(false);
  const run = () => {
    if (busy) return;
    setBusy(true);
    void syncNow().finally(() => setBusy(false));
  };
  return [busy, run];
}

/**
 * The sync area of the top bar: state with its icon, changes waiting, last successful sync, and
 * the open conflicts (a click opens the inbox). The status opens details with "sync now" and the
 * sync log export for support.
 */
export function SyncStatusArea() {
  const t = useT();
  const sync = useApp((s) => s.sync);
  const navigate = useApp((s) => s.navigate);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const now = useNow(15_000, sync?.lastSyncAt != null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  if (!sync) return null;
  const errorKey = isSyncing(sync.state) ? syncErrorKey(sync) : null;
  const details = [
    t(sync.state === 'local' ? 'sync.local.hint' : 'sync.pending.hint', { count: sync.pending }),
    sync.lastSyncAt ? t('sync.lastSyncAt', { time: formatDateTime(sync.lastSyncAt, t.locale) }) : null,
    errorKey ? t('sync.failed', { reason: t(errorKey) }) : null,
  ]
    .filter(Boolean)
    .join('\n');

  return (
    <div className="popover-anchor sync-area" ref={box}>
      <button
        type="button"
        className={`sync-status sync-${sync.state}${errorKey ? ' has-error' : ''}`}
        title={details}
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="dialog"
        aria-expanded={open}
        data-testid="sync-status"
        data-state={sync.state}
      >
        <span className="sync-icon">
          <Icon name={errorKey ? 'alert' : stateIcon[sync.state]} size={15} />
        </span>
        <span>{t(stateText[sync.state])}</span>
        {sync.pending > 0 && (
          <span className="sync-pending" data-testid="sync-pending">
            {t('sync.pending', { count: sync.pending })}
          </span>
        )}
        {sync.searchIndex && (
          <span className="sync-pending" data-testid="sync-search-index" title={t('sync.searchIndex.hint')}>
            {t('sync.searchIndex', { percent: searchPercent(sync.searchIndex) })}
          </span>
        )}
        {isSyncing(sync.state) && (
          <span className="sync-last" data-testid="sync-last">
            {sync.lastSyncAt ? t('sync.lastSyncShort', { time: formatTimeAgo(sync.lastSyncAt, now, t) }) : t('sync.never')}
          </span>
        )}
      </button>
      {sync.conflicts > 0 && (
        <button type="button" className="sync-conflicts" onClick={() => navigate({ view: 'conflicts' })} title={t('sync.conflicts.hint')} data-testid="sync-conflicts">
          <Icon name="merge" size={14} />
          {t('sync.conflicts', { count: sync.conflicts })}
        </button>
      )}
      {open && <SyncDetails sync={sync} errorKey={errorKey} now={now} onClose={() => setOpen(false)} />}
    </div>
  );
}

function SyncDetails({ sync, errorKey, now, onClose }: { sync: SyncStatus; errorKey: MessageKey | null; now: number; onClose(): void }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const [busy, runSync] = useSyncNow();
  const signedIn = isSyncing(sync.state);

  return (
    <div className="popover popover-right sync-popover" role="dialog" aria-label={t('sync.details.state')} data-testid="sync-details">
      {sync.state === 'local' ? (
        <p className="sync-popover-note">{t('sync.details.local')}</p>
      ) : (
        <dl className="sync-details">
          <div>
            <dt>{t('sync.details.state')}</dt>
            <dd>{t(stateText[sync.state])}</dd>
          </div>
          {sync.server && (
            <div>
              <dt>{t('sync.details.server')}</dt>
              <dd className="sync-server" title={sync.server}>
                {sync.server}
              </dd>
            </div>
          )}
          <div>
            <dt>{t('sync.details.lastSync')}</dt>
            <dd title={sync.lastSyncAt ? formatDateTime(sync.lastSyncAt, t.locale) : undefined}>{sync.lastSyncAt ? formatTimeAgo(sync.lastSyncAt, now, t) : t('sync.never')}</dd>
          </div>
        </dl>
      )}
      <dl className="sync-details">
        {sync.searchIndex && (
          <div>
            <dt>{t('sync.details.searchIndex')}</dt>
            <dd data-testid="sync-details-search-index">
              {t('sync.details.searchIndexCount', { indexed: sync.searchIndex.indexed, total: sync.searchIndex.total })}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('sync.details.pending')}</dt>
          <dd>{t('sync.details.pendingCount', { count: sync.pending })}</dd>
        </div>
        {(signedIn || sync.conflicts > 0) && (
          <div>
            <dt>{t('sync.details.conflicts')}</dt>
            <dd>
              {sync.conflicts > 0 ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    onClose();
                    navigate({ view: 'conflicts' });
                  }}
                >
                  {t('sync.conflicts', { count: sync.conflicts })}
                </button>
              ) : (
                '0'
              )}
            </dd>
          </div>
        )}
      </dl>
      {errorKey && (
        <div className="sync-popover-error" data-testid="sync-details-error">
          <div className="sync-popover-error-title">{t('sync.details.error')}</div>
          <div>{t(errorKey)}</div>
          {sync.lastError && <div className="sync-technical">{t('sync.details.technical', { message: sync.lastError })}</div>}
        </div>
      )}
      <div className="sync-popover-actions">
        {signedIn && (
          <button type="button" className="menu-item" onClick={runSync} disabled={busy || sync.state === 'syncing'} data-testid="sync-now">
            <Icon name="refresh" size={14} className={busy || sync.state === 'syncing' ? 'spin' : undefined} />
            {busy || sync.state === 'syncing' ? t('sync.syncing') : t('sync.now')}
          </button>
        )}
        <button type="button" className="menu-item" onClick={() => void exportSyncLog()} title={t('sync.exportLog.hint')} data-testid="export-sync-log">
          <Icon name="download" size={14} />
          {t('sync.exportLog')}
        </button>
      </div>
    </div>
  );
}

/**
 * The last sync failure, under the top bar while it lasts: the reason in words, when the engine
 * tries again, and a button to try now. Work goes on meanwhile; nothing here blocks the page.
 */
export function SyncAlert() {
  const t = useT();
  const sync = useApp((s) => s.sync);
  const [busy, runSync] = useSyncNow();
  const errorKey = sync && isSyncing(sync.state) ? syncErrorKey(sync) : null;
  const now = useNow(1000, errorKey !== null && sync?.retryAt != null);
  if (!sync || !errorKey) return null;
  const retrying = busy || sync.state === 'syncing';
  return (
    <div className="banner banner-warning sync-alert" role="alert" data-testid="sync-alert">
      <Icon name="alert" size={15} />
      <span className="sync-alert-text" data-testid="sync-alert-reason">
        {t('sync.failed', { reason: t(errorKey) })}
      </span>
      {sync.retryAt !== null && !retrying && (
        <span className="sync-alert-retry" data-testid="sync-alert-retry">
          {t('sync.retryWhen', { when: formatTimeUntil(sync.retryAt, now, t.locale) })}
        </span>
      )}
      <button type="button" className="btn btn-small" onClick={runSync} disabled={retrying} data-testid="sync-retry">
        {retrying && <span className="spinner spinner-small" aria-hidden="true" />}
        {retrying ? t('sync.retrying') : t('sync.retryNow')}
      </button>
    </div>
  );
}
