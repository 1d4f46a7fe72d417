import { useState } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Icon } from '../components/icons';
import { UserName } from '../components/UserName';
import { formatDateTime } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/app.store';
import { useNow } from '../state/use-now';
import { claimIssueText, returnText } from './pool-text';
import { usePoolActions, usePoolStatus } from './use-pool';

/**
 * The account's place in the customer pool, beside its owner: in the pool, who had it, and claim
 * (with the rule that forbids it, if one does); owned, when it returns without follow-up, and
 * release for its owner or a manager.
 */
export function PoolCard({ account }: { account: RecordData }) {
  const t = useT();
  const me = useApp((s) => s.info?.session ?? null);
  const status = usePoolStatus(account.id);
  const { busy, claim, release } = usePoolActions();
  const [confirming, setConfirming] = useState(false);
  const now = useNow(60_000);
  const inPool = account.poolState === 'pool';
  const name = String(account.name ?? '');
  const manager = me !== null && (me.role === 'admin' || me.role === 'sales_manager');
  const mayRelease = !inPool && (account.ownerId === me?.id || manager || me === null);
  const issue = claimIssueText(t, status?.claimIssue ?? null);
  const returns = inPool ? null : returnText(t, status?.returnAt ?? null, now);

  return (
    <section className={`card pool-card${inPool ? ' is-pool' : ''}`} data-testid="pool-card">
      <header className="card-header">
        <h2 className="card-title">
          <Icon name="pool" size={16} />
          {t('pool.card')}
        </h2>
        {inPool && <span className="badge badge-poolState-pool">{t('pool.inPool')}</span>}
      </header>
      {inPool ? (
        <>
          <ul className="pool-facts">
            {typeof account.pooledAt === 'number' && <li>{t('pool.since', { date: formatDateTime(account.pooledAt, t.locale) })}</li>}
            {typeof account.poolReason === 'string' && <li>{t.enumLabel('poolReason', account.poolReason)}</li>}
            {typeof account.previousOwnerId === 'string' && (
              <li>
                {t('field.account.previousOwnerId')} <UserName id={account.previousOwnerId} />
              </li>
            )}
          </ul>
          {issue && (
            <p className="pool-issue" data-testid="pool-claim-issue">
              {issue}
            </p>
          )}
          <button type="button" className="btn btn-primary" disabled={busy !== null || issue !== null} onClick={() => void claim(account)} data-testid="pool-claim">
            <Icon name="plus" />
            {busy ? t('pool.claiming') : t('pool.claim')}
          </button>
        </>
      ) : (
        <>
          {returns && (
            <p className="pool-return" data-testid="pool-returns">
              {returns}
            </p>
          )}
          {mayRelease && (
            <>
              <p className="pool-hint">{t('pool.ownedHint')}</p>
              <button type="button" className="btn" disabled={busy !== null} onClick={() => setConfirming(true)} data-testid="pool-release">
                {t('pool.release')}
              </button>
            </>
          )}
        </>
      )}
      {confirming && (
        <ConfirmDialog
          title={t('pool.releaseTitle', { name })}
          confirmLabel={t('pool.release')}
          busy={busy !== null}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void release(account).then(() => setConfirming(false))}
          testId="pool-release-confirm"
        >
          <p>{t('pool.releaseBody')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
