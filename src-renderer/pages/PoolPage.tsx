import { useEffect, useState } from 'react';
import type { ListFilter } from '../../src-shared/api/client-api.contract';
import { Icon } from '../components/icons';
import { UserName } from '../components/UserName';
import { formatDateTime } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { claimIssueText, ruleLines } from '../pool/pool-text';
import { usePoolActions, usePoolStatus } from '../pool/use-pool';
import { useApp } from '../state/app.store';
import { useRecordList } from '../state/use-record';

const PAGE = 50;
const QUICK_DEBOUNCE_MS = 250;

/**
 * 公海: the accounts nobody owns, newest in the pool first, each with what a rep needs to decide
 * (level, industry, city, why it is here, who had it, its last follow-up) and a claim button. The
 * rules and how many accounts the user owns are beside it, so a refused claim is no surprise.
 */
export function PoolPage() {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const [limit, setLimit] = useState(PAGE);
  const [quickText, setQuickText] = useState('');
  const [quick, setQuick] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQuick(quickText.trim()), QUICK_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [quickText]);
  const filters: ListFilter[] = [{ field: 'poolState', op: 'eq', value: 'pool' }];
  const list = useRecordList({ entity: 'account', filters, sort: [{ field: 'pooledAt', dir: 'desc' }], limit, ...(quick ? { quick } : {}) });
  const status = usePoolStatus(undefined);
  const { busy, claim } = usePoolActions();
  const rules = status ? ruleLines(t, status.rules) : [];

  return (
    <section className="page pool-page" data-testid="pool-page">
      <header className="page-header">
        <div className="page-title">
          <h1>{t('pool.title')}</h1>
          <span className="page-count" data-testid="pool-count">
            {list.status === 'ready' ? t(quick ? 'pool.countFiltered' : 'pool.count', { count: list.value.total.toLocaleString(t.locale) }) : t('common.loading')}
          </span>
        </div>
        <div className="toolbar">
          <div className="search-input">
            <Icon name="search" />
            <input type="search" value={quickText} placeholder={t('pool.quickPlaceholder')} aria-label={t('pool.quickPlaceholder')} onChange={(e) => setQuickText(e.target.value)} data-testid="pool-quick" />
          </div>
        </div>
      </header>
      <div className="pool-layout">
        <div className="pool-main">
          {list.status === 'loading' && <div className="card card-message">{t('common.loading')}</div>}
          {list.status === 'ready' && list.value.total === 0 && !quick && (
            <div className="empty-state" data-testid="pool-empty">
              <div className="empty-illustration" aria-hidden="true">
                <Icon name="pool" size={40} />
              </div>
              <h2>{t('pool.empty.title')}</h2>
              <p>{t('pool.empty.body')}</p>
            </div>
          )}
          {list.status === 'ready' && list.value.rows.length > 0 && (
            <ul className="pool-list card">
              {list.value.rows.map((a) => (
                <li key={a.id} className="pool-row" data-testid="pool-row">
                  <div className="pool-row-main">
                    <button type="button" className="link pool-name" onClick={() => navigate({ view: 'detail', entity: 'account', id: a.id })} data-testid="pool-open">
                      {String(a.name ?? '')}
                    </button>
                    <span className="pool-tags">
                      {typeof a.level === 'string' && <span className={`badge badge-accountLevel-${a.level}`}>{t.enumLabel('accountLevel', a.level)}</span>}
                      {typeof a.industry === 'string' && <span className="chip chip-small">{t.enumLabel('industry', a.industry)}</span>}
                      {typeof a.city === 'string' && a.city !== '' && <span className="chip chip-small">{a.city}</span>}
                    </span>
                    <div className="pool-row-sub">
                      {typeof a.pooledAt === 'number' && <span>{t('pool.since', { date: formatDateTime(a.pooledAt, t.locale) })}</span>}
                      {typeof a.poolReason === 'string' && <span>{t.enumLabel('poolReason', a.poolReason)}</span>}
                      {typeof a.previousOwnerId === 'string' && (
                        <span>
                          {t('field.account.previousOwnerId')} <UserName id={a.previousOwnerId} />
                        </span>
                      )}
                      <span>{typeof a.lastFollowUpAt === 'number' ? t('pool.lastFollowUp', { date: formatDateTime(a.lastFollowUpAt, t.locale) }) : t('pool.noFollowUp')}</span>
                    </div>
                  </div>
                  <button type="button" className="btn btn-small btn-primary" disabled={busy !== null} onClick={() => void claim(a)} data-testid="pool-row-claim">
                    {busy === a.id ? t('pool.claiming') : t('pool.claim')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {list.status === 'ready' && list.value.total > list.value.rows.length && (
            <button type="button" className="btn pool-more" onClick={() => setLimit((n) => n + PAGE)} data-testid="pool-more">
              {t('pool.loadMore')}
            </button>
          )}
        </div>
        <aside className="pool-side">
          <section className="card" data-testid="pool-rules">
            <h2 className="card-title">{t('pool.rules')}</h2>
            {status && rules.length === 0 && <p className="pool-hint">{t('pool.rulesNone')}</p>}
            {rules.length > 0 && (
              <ul className="pool-facts">
                {rules.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
            {status && <p className="pool-owned" data-testid="pool-owned">{t('pool.mine', { count: status.owned })}</p>}
            {status?.claimIssue && <p className="pool-issue">{claimIssueText(t, status.claimIssue)}</p>}
          </section>
        </aside>
      </div>
    </section>
  );
}
