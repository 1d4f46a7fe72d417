import { useEffect, useState } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { formatPhoneForReading } from '../format/field-format';
import { Icon } from '../components/icons';
import { ActivityTimeline } from '../components/ActivityTimeline';
import { OwnerCard, type Reassigned } from '../components/OwnerCard';
import { PoolCard } from '../pool/PoolCard';
import { RecordAudit, RecordSections, titleOf } from '../components/RecordSections';
import { RecordHistory } from '../components/RecordHistory';
import { RelatedList } from '../components/RelatedList';
import { useT } from '../i18n/use-t';
import { useCan } from '../state/access';
import { useApp } from '../state/app.store';
import { deleteWithUndo } from '../state/record-actions';
import { useRecord, useRecordList } from '../state/use-record';
import { BackLink, DetailActions, DetailFrame, DetailTabs } from './detail-common';
import { relatedLists } from './detail-config';

const POOL_FIELDS = ['poolState', 'previousOwnerId', 'pooledAt', 'poolReason', 'ownedSince'];

/** 客户 page: header with name, level and industry, the fields by section, and the account's contacts. */
export function AccountDetailPage({ id }: { id: string }) {
  const state = useRecord('account', id);
  const navigate = useApp((s) => s.navigate);
  const pushToast = useApp((s) => s.pushToast);
  const dismissToast = useApp((s) => s.dismissToast);
  // Handed to someone else by a rep: the next sync takes it off this device, and the page goes back to the list.
  const [handedOver, setHandedOver] = useState<{ name: string; owner: string; toastId: number } | null>(null);
  const gone = state.status === 'missing';

  useEffect(() => {
    if (!gone || !handedOver) return;
    const { name, owner, toastId } = handedOver;
    dismissToast(toastId);
    pushToast({ kind: 'info', message: { key: 'owner.reassigned.gone', params: { name, owner } } });
    navigate({ view: 'list', entity: 'account' }, { replace: true });
  }, [gone, handedOver, navigate, pushToast, dismissToast]);

  const onReassigned = (account: RecordData, result: Reassigned) => {
    setHandedOver(result.leaves ? { name: titleOf('account', account), owner: result.ownerName, toastId: result.toastId } : null);
  };

  return <DetailFrame entity="account" state={state}>{(account) => <AccountDetail account={account} onReassigned={(r) => onReassigned(account, r)} />}</DetailFrame>;
}

function AccountDetail({ account, onReassigned }: { account: RecordData; onReassigned(result: Reassigned): void }) {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const navigate = useApp((s) => s.navigate);
  const name = titleOf('account', account);
  const level = typeof account.level === 'string' ? account.level : null;
  const industry = typeof account.industry === 'string' ? account.industry : null;

  const remove = async () => {
    if (await deleteWithUndo('account', account)) navigate({ view: 'list', entity: 'account' }, { replace: true });
  };

  return (
    <section className="page detail-page" data-testid="account-detail">
      <BackLink entity="account" />
      <header className="detail-header">
        <div className="detail-heading">
          <div className="avatar avatar-large avatar-account" aria-hidden="true">
            <Icon name="accounts" size={22} />
          </div>
          <div>
            <h1 data-testid="detail-title">{name}</h1>
            <div className="detail-badges">
              {level && (
                <span className={`badge badge-accountLevel-${level}`} data-testid="detail-level">
                  {t.enumLabel('accountLevel', level)}
                </span>
              )}
              {industry && (
                <span className="chip" data-testid="detail-industry">
                  {t.enumLabel('industry', industry)}
                </span>
              )}
              {typeof account.type === 'string' && <span className="chip">{t.enumLabel('accountType', account.type)}</span>}
              {account.status === 'locked' && <span className="badge badge-accountStatus-locked">{t.enumLabel('accountStatus', 'locked')}</span>}
            </div>
          </div>
        </div>
        <DetailActions entity="account" onEdit={() => openForm({ entity: 'account', record: account })} onDelete={() => void remove()} />
      </header>
      <div className="detail-body">
        <div className="detail-main">
          <DetailTabs
            entity="account"
            tabs={[
              {
                id: 'details',
                label: t('detail.tab.details'),
                // The pool card beside the owner shows the pool state and its dates.
                render: () => (
                  <>
                    <RecordSections entity="account" record={account} omit={POOL_FIELDS} />
                    <RecordAudit record={account} />
                  </>
                ),
              },
              { id: 'activities', label: t('timeline.title'), render: () => <ActivityTimeline parentEntity="account" parent={account} /> },
              { id: 'history', label: t('history.title'), render: () => <RecordHistory entity="account" record={account} /> },
            ]}
          />
        </div>
        <aside className="detail-side">
          <OwnerCard record={account} onReassigned={onReassigned} />
          <PoolCard account={account} />
          <AccountContacts account={account} />
          {(relatedLists.account ?? []).map((spec) => (
            <RelatedList key={`${spec.entity}.${spec.field}`} parentEntity="account" parent={account} spec={spec} />
          ))}
        </aside>
      </div>
    </section>
  );
}

/** The account's contacts, with add, edit and delete (undo) in place. */
function AccountContacts({ account }: { account: RecordData }) {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const navigate = useApp((s) => s.navigate);
  const contacts = useRecordList({
    entity: 'contact',
    filters: [{ field: 'accountId', op: 'eq', value: account.id }],
    sort: [
      { field: 'isPrimary', dir: 'desc' },
      { field: 'name', dir: 'asc' },
    ],
    limit: 500,
  });
  const name = titleOf('account', account);
  const add = () => openForm({ entity: 'contact', defaults: { accountId: account.id }, refTitles: { accountId: name } });
  const canCreate = useCan('contact', 'create');
  const canEdit = useCan('contact', 'update');
  const canDelete = useCan('contact', 'delete');

  return (
    <section className="card related-card" data-testid="account-contacts">
      <header className="card-header">
        <h2 className="card-title">
          {t('nav.contacts')}
          {contacts.status === 'ready' && <span className="count-pill">{contacts.value.total}</span>}
        </h2>
        {canCreate && (
          <button type="button" className="btn btn-small btn-primary" onClick={add} data-testid="add-contact">
            <Icon name="plus" />
            {t('contact.add')}
          </button>
        )}
      </header>
      {contacts.status === 'loading' && <div className="card-message">{t('common.loading')}</div>}
      {contacts.status === 'ready' && contacts.value.rows.length === 0 && (
        <div className="card-message" data-testid="no-contacts">
          {t('contact.noneForAccount')}
        </div>
      )}
      {contacts.status === 'ready' && contacts.value.rows.length > 0 && (
        <ul className="related-list">
          {contacts.value.rows.map((c) => (
            <li key={c.id} className="related-item" data-testid="contact-item">
              <div className="related-main">
                <button type="button" className="link related-title" onClick={() => navigate({ view: 'detail', entity: 'contact', id: c.id })} data-testid="contact-link">
                  {String(c.name ?? '')}
                </button>
                {c.isPrimary === true && <span className="badge badge-primary">{t('field.contact.isPrimary')}</span>}
                {typeof c.decisionRole === 'string' && <span className="chip chip-small">{t.enumLabel('decisionRole', c.decisionRole)}</span>}
                <div className="related-sub">
                  {typeof c.title === 'string' && c.title !== '' && <span>{c.title}</span>}
                  {typeof c.mobile === 'string' && c.mobile !== '' && (
                    <span className="related-contact">
                      <Icon name="phone" size={12} />
                      {formatPhoneForReading(c.mobile)}
                    </span>
                  )}
                  {typeof c.email === 'string' && c.email !== '' && (
                    <span className="related-contact">
                      <Icon name="mail" size={12} />
                      {c.email}
                    </span>
                  )}
                </div>
              </div>
              <div className="related-actions">
                {canEdit && (
                  <button type="button" className="icon-button" title={t('common.edit')} aria-label={t('common.edit')} onClick={() => openForm({ entity: 'contact', record: c })} data-testid="contact-edit">
                    <Icon name="edit" />
                  </button>
                )}
                {canDelete && (
                  <button type="button" className="icon-button icon-button-danger" title={t('common.delete')} aria-label={t('common.delete')} onClick={() => void deleteWithUndo('contact', c)} data-testid="contact-delete">
                    <Icon name="trash" />
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
