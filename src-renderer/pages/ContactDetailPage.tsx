import type { RecordData } from '../../src-shared/api/client-api.contract';
import { ActivityTimeline } from '../components/ActivityTimeline';
import { Icon } from '../components/icons';
import { RecordAudit, RecordSections, titleOf } from '../components/RecordSections';
import { RecordHistory } from '../components/RecordHistory';
import { formatPhoneForReading } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/app.store';
import { deleteWithUndo } from '../state/record-actions';
import { useRecord } from '../state/use-record';
import { BackLink, DetailActions, DetailFrame, DetailTabs } from './detail-common';

/** 联系人 page: name, job title and account in the header, fields by section, the account beside. */
export function ContactDetailPage({ id }: { id: string }) {
  const state = useRecord('contact', id);
  return <DetailFrame entity="contact" state={state}>{(contact) => <ContactDetail contact={contact} />}</DetailFrame>;
}

function ContactDetail({ contact }: { contact: RecordData }) {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const navigate = useApp((s) => s.navigate);
  const accountId = typeof contact.accountId === 'string' ? contact.accountId : null;
  const name = titleOf('contact', contact);

  const remove = async () => {
    if (await deleteWithUndo('contact', contact)) {
      navigate(accountId ? { view: 'detail', entity: 'account', id: accountId } : { view: 'list', entity: 'contact' }, { replace: true });
    }
  };

  return (
    <section className="page detail-page" data-testid="contact-detail">
      <BackLink entity="contact" />
      <header className="detail-header">
        <div className="detail-heading">
          <div className="avatar avatar-large" aria-hidden="true">
            {Array.from(name)[0] ?? '?'}
          </div>
          <div>
            <h1 data-testid="detail-title">{name}</h1>
            <div className="detail-badges">
              {typeof contact.title === 'string' && contact.title !== '' && <span className="detail-subtitle" data-testid="detail-job-title">{contact.title}</span>}
              {contact.isPrimary === true && <span className="badge badge-primary">{t('field.contact.isPrimary')}</span>}
              {typeof contact.decisionRole === 'string' && <span className="chip">{t.enumLabel('decisionRole', contact.decisionRole)}</span>}
              {typeof contact.mobile === 'string' && contact.mobile !== '' && (
                <span className="detail-subtitle">
                  <Icon name="phone" size={13} />
                  {formatPhoneForReading(contact.mobile)}
                </span>
              )}
            </div>
          </div>
        </div>
        <DetailActions entity="contact" onEdit={() => openForm({ entity: 'contact', record: contact })} onDelete={() => void remove()} />
      </header>
      <div className="detail-body">
        <div className="detail-main">
          <DetailTabs
            entity="contact"
            tabs={[
              {
                id: 'details',
                label: t('detail.tab.details'),
                render: () => (
                  <>
                    <RecordSections entity="contact" record={contact} />
                    {accountId ? <ContactAudit contact={contact} accountId={accountId} /> : <RecordAudit record={contact} />}
                  </>
                ),
              },
              { id: 'activities', label: t('timeline.title'), render: () => <ActivityTimeline parentEntity="contact" parent={contact} /> },
              { id: 'history', label: t('history.title'), render: () => <RecordHistory entity="contact" record={contact} /> },
            ]}
          />
        </div>
        <aside className="detail-side">{accountId && <ContactAccountCard accountId={accountId} />}</aside>
      </div>
    </section>
  );
}

/**
 * A contact goes with its account: whoever owns the account is responsible for it. (A reassignment
 * moves the contacts into the new owner's scope but leaves their own ownerId as it was.)
 */
function ContactAudit({ contact, accountId }: { contact: RecordData; accountId: string }) {
  const account = useRecordOrNull(accountId);
  return <RecordAudit record={contact} ownerId={account ? account.ownerId : contact.ownerId} />;
}

function ContactAccountCard({ accountId }: { accountId: string }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const account = useRecordOrNull(accountId);
  if (!account) return null;
  return (
    <section className="card related-card" data-testid="contact-account">
      <header className="card-header">
        <h2 className="card-title">{t('field.contact.accountId')}</h2>
      </header>
      <div className="account-summary">
        <button type="button" className="link related-title" onClick={() => navigate({ view: 'detail', entity: 'account', id: accountId })}>
          {titleOf('account', account)}
        </button>
        <div className="detail-badges">
          {typeof account.level === 'string' && <span className={`badge badge-accountLevel-${account.level}`}>{t.enumLabel('accountLevel', account.level)}</span>}
          {typeof account.industry === 'string' && <span className="chip chip-small">{t.enumLabel('industry', account.industry)}</span>}
        </div>
        {typeof account.phone === 'string' && account.phone !== '' && (
          <div className="related-sub">
            <span className="related-contact">
              <Icon name="phone" size={12} />
              {formatPhoneForReading(account.phone)}
            </span>
          </div>
        )}
      </div>
    </section>
  );
}

function useRecordOrNull(accountId: string): RecordData | null {
  const state = useRecord('account', accountId);
  return state.status === 'ready' ? state.value : null;
}
