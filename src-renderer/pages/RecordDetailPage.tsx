import { useMemo } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { isProvisionalNumber } from '../../src-shared/entities/numbering.util';
import { ActivityTimeline } from '../components/ActivityTimeline';
import { Icon, entityIcon } from '../components/icons';
import { OwnerCard } from '../components/OwnerCard';
import { FieldValue, RecordAudit, RecordSections, titleOf } from '../components/RecordSections';
import { RecordHistory } from '../components/RecordHistory';
import { RelatedList } from '../components/RelatedList';
import { formatMoney } from '../format/field-format';
import { badgeClass, isBadgeEnum } from '../format/status-tone';
import { useT } from '../i18n/use-t';
import { useCan, useHiddenFields } from '../state/access';
import { useApp } from '../state/app.store';
import { deleteWithUndo } from '../state/record-actions';
import { useRecord, useRecordList } from '../state/use-record';
import { BackLink, DetailActions, DetailFrame, DetailTabs } from './detail-common';
import { LeadConversion } from './LeadConversion';
import { hasOwner, headerSpec, omitFromSections, owningParent, relatedLists } from './detail-config';
import { planStatus, receivedByPlan } from '../../src-shared/sales/payment-plan.util';

/**
 * The page of any record that has no page of its own (leads, deals, activities, tasks, products,
 * quotes, orders, contracts, payment plans, payments, competitors, stages): title, status badges
 * and key facts, the fields by section (with the lines table), the owner, and the child records.
 */
export function RecordDetailPage({ entity, id }: { entity: EntityName; id: string }) {
  const state = useRecord(entity, id);
  return <DetailFrame entity={entity} state={state}>{(record) => <RecordDetail entity={entity} record={record} />}</DetailFrame>;
}

function RecordDetail({ entity, record }: { entity: EntityName; record: RecordData }) {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const navigate = useApp((s) => s.navigate);
  const fields = entities[entity].fields as Record<string, FieldDef>;
  const header = headerSpec[entity];
  const title = titleOf(entity, record);
  const parent = owningParent(entity, record);
  // The owner that answers for a child record is its parent's (loaded alongside; itself when it has none).
  const parentState = useRecord(parent?.entity ?? entity, parent?.id ?? record.id);
  const parentRecord = parent && parentState.status === 'ready' ? parentState.value : null;
  const numbers = Object.entries(fields).filter(([name, def]) => def.serverAssigned && isProvisionalNumber(record[name]));
  // Badges and facts of fields the user's roles hide are left out like the fields themselves.
  const hidden = useHiddenFields(entity);
  const badges = header.badges.filter((name) => !hidden.has(name));
  const facts = header.facts.filter((name) => !hidden.has(name));
  const canPrint = useCan('quote', 'export');

  const remove = async () => {
    if (await deleteWithUndo(entity, record)) navigate(parent ? { view: 'detail', entity: parent.entity, id: parent.id } : { view: 'list', entity }, { replace: true });
  };

  return (
    <section className="page detail-page" data-testid={`${entity}-detail`}>
      <BackLink entity={entity} />
      <header className="detail-header">
        <div className="detail-heading">
          <div className={`avatar avatar-large avatar-entity avatar-${entity}`} aria-hidden="true">
            <Icon name={entityIcon[entity]} size={22} />
          </div>
          <div>
            <h1 data-testid="detail-title">{title || t('record.noTitle')}</h1>
            <div className="detail-badges">
              <span className="detail-kind">{t.dyn(`entity.${entity}`)}</span>
              {badges.map((name) => {
                const def = fields[name];
                const value = record[name];
                if (def?.kind !== 'enum' || typeof value !== 'string') return null;
                return (
                  <span key={name} className={isBadgeEnum(def.enumName) ? badgeClass(def.enumName, value) : 'chip'} data-testid={`detail-${name}`}>
                    {t.enumLabel(def.enumName, value)}
                  </span>
                );
              })}
              {numbers.length > 0 && (
                <span className="chip chip-warning" title={t('record.provisional.hint')} data-testid="detail-provisional">
                  {t('record.provisional')}
                </span>
              )}
            </div>
          </div>
        </div>
        <div className="detail-header-actions">
          {entity === 'lead' && <LeadConversion lead={record} />}
          {entity === 'quote' && canPrint && (
            <button type="button" className="btn" onClick={() => navigate({ view: 'print', entity, id: record.id })} data-testid="print-quote">
              <Icon name="download" />
              {t('quotePrint.open')}
            </button>
          )}
          <DetailActions entity={entity} onEdit={() => openForm({ entity, record })} onDelete={() => void remove()} />
        </div>
      </header>
      {facts.length > 0 && (
        <dl className="detail-facts" data-testid="detail-facts">
          {facts.map((name) => {
            const def = fields[name];
            if (!def) return null;
            return (
              <div key={name} className="detail-fact" data-testid={`fact-${name}`}>
                <dt>{t.field(entity, name)}</dt>
                <dd>
                  <FieldValue name={name} def={def} record={record} />
                </dd>
              </div>
            );
          })}
        </dl>
      )}
      <div className="detail-body">
        <div className="detail-main">
          <DetailTabs
            entity={entity}
            tabs={[
              {
                id: 'details',
                label: t('detail.tab.details'),
                render: () => (
                  <>
                    <RecordSections entity={entity} record={record} omit={omitFromSections[entity]} />
                    <RecordAudit record={record} ownerId={parentRecord ? parentRecord.ownerId : record.ownerId} />
                  </>
                ),
              },
              ...(entity === 'lead' || entity === 'opportunity'
                ? [{ id: 'activities' as const, label: t('timeline.title'), render: () => <ActivityTimeline parentEntity={entity} parent={record} /> }]
                : []),
              { id: 'history', label: t('history.title'), render: () => <RecordHistory entity={entity} record={record} /> },
            ]}
          />
        </div>
        <aside className="detail-side">
          {hasOwner(entity) && (parent ? parentRecord && <OwnerCard record={parentRecord} entity={parent.entity} followsParent /> : <OwnerCard record={record} entity={entity} />)}
          {entity === 'contract' ? <ContractLists contract={record} /> : (relatedLists[entity] ?? []).map((spec) => <RelatedList key={`${spec.entity}.${spec.field}`} parentEntity={entity} parent={record} spec={spec} />)}
        </aside>
      </div>
    </section>
  );
}

/** 今天 as the calendar day payment plans are due on, in the user's time zone. */
function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * A contract's money: received (the sum of its payments) against the contract amount and what is
 * outstanding, then its payment plans (each with its status from the payments against it) and
 * payments. Summed when shown, never stored, so payments recorded offline by two people add up.
 */
function ContractLists({ contract }: { contract: RecordData }) {
  const t = useT();
  const payments = useRecordList({ entity: 'payment', filters: [{ field: 'contractId', op: 'eq', value: contract.id }], limit: 1000 });
  const rows = payments.status === 'ready' ? payments.value.rows : null;
  const byPlan = useMemo(() => (rows ? receivedByPlan(rows) : null), [rows]);
  const currency = typeof contract.currency === 'string' ? contract.currency : 'CNY';
  const amount = typeof contract.amount === 'number' ? contract.amount : 0;
  const received = byPlan?.total ?? null;
  const share = received !== null && amount > 0 ? Math.min(100, Math.round((received / amount) * 100)) : 0;
  const specs = relatedLists.contract ?? [];
  const day = today();
  return (
    <>
      <section className="card related-card" data-testid="contract-money">
        <header className="card-header">
          <h2 className="card-title">{t('section.money')}</h2>
        </header>
        <dl className="money-summary">
          <div>
            <dt>{t('field.contract.amount')}</dt>
            <dd>{formatMoney(amount, currency, t.locale)}</dd>
          </div>
          <div>
            <dt>{t('contract.received')}</dt>
            <dd className="money-received" data-testid="contract-received">
              {received === null ? '…' : formatMoney(received, currency, t.locale)}
            </dd>
          </div>
          <div>
            <dt>{t('contract.outstanding')}</dt>
            <dd className={received !== null && amount - received <= 0 ? 'money-settled' : 'money-outstanding'} data-testid="contract-outstanding">
              {received === null ? '…' : formatMoney(Math.max(0, amount - received), currency, t.locale)}
            </dd>
          </div>
        </dl>
        <div className="progress" aria-hidden="true">
          <div className="progress-bar" style={{ width: `${share}%` }} />
        </div>
      </section>
      {specs.map((spec) => (
        <RelatedList
          key={`${spec.entity}.${spec.field}`}
          parentEntity="contract"
          parent={contract}
          spec={spec}
          extraBadge={
            spec.entity === 'payment_plan' && byPlan
              ? (plan) => {
                  const status = planStatus(plan, byPlan.byPlan.get(plan.id) ?? 0, day);
                  return <span className={`${badgeClass('paymentPlanStatus', status)} chip-small`}>{t.enumLabel('paymentPlanStatus', status)}</span>;
                }
              : undefined
          }
        />
      ))}
    </>
  );
}
