import { useState, type ReactNode } from 'react';
import type { EntityName } from '../../src-shared/entities/index';
import { Icon } from '../components/icons';
import { useT } from '../i18n/use-t';
import { useCan } from '../state/access';
import { useApp } from '../state/app.store';
import { entityText } from '../state/entity-text';
import type { Loadable } from '../state/use-record';

export function BackLink({ entity }: { entity: EntityName }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  return (
    <button type="button" className="back-link" onClick={() => navigate({ view: 'list', entity })} data-testid="back-to-list">
      <Icon name="back" />
      {t(entityText[entity].back)}
    </button>
  );
}

/** Loading, missing and failed states of a record page; renders children once the record is there. */
export function DetailFrame<T>({ entity, state, children }: { entity: EntityName; state: Loadable<T>; children: (value: T) => ReactNode }) {
  const t = useT();
  if (state.status === 'ready') return <>{children(state.value)}</>;
  return (
    <section className="page detail-page">
      <BackLink entity={entity} />
      {state.status === 'loading' && (
        <div className="page-message" data-testid="detail-loading">
          <span className="spinner" aria-hidden="true" />
          {t('common.loading')}
        </div>
      )}
      {state.status === 'missing' && (
        <div className="page-message" data-testid="detail-missing">
          {t('error.notFound')}
        </div>
      )}
      {state.status === 'error' && <div className="page-message">{t('error.internal')}</div>}
    </section>
  );
}

/** Edit and Delete, the same on every record page; each only where the user's roles allow it. */
export function DetailActions({ entity, onEdit, onDelete }: { entity: EntityName; onEdit: () => void; onDelete: () => void }) {
  const t = useT();
  const canEdit = useCan(entity, 'update');
  const canDelete = useCan(entity, 'delete');
  if (!canEdit && !canDelete) return null;
  return (
    <div className="detail-actions">
      {canEdit && (
        <button type="button" className="btn" onClick={onEdit} data-testid="edit-record">
          <Icon name="edit" />
          {t('common.edit')}
        </button>
      )}
      {canDelete && (
        <button type="button" className="btn btn-danger-outline" onClick={onDelete} data-testid="delete-record">
          <Icon name="trash" />
          {t('common.delete')}
        </button>
      )}
    </div>
  );
}

export interface DetailTab {
  id: 'details' | 'activities' | 'history';
  label: string;
  render(): ReactNode;
}

/** The tab each kind of record page last showed: a rep who reads timelines keeps seeing them. */
const lastTab = new Map<EntityName, DetailTab['id']>();

/**
 * The main column of a record page as tabs (详情 / 跟进记录 / 变更历史), so the timeline and the
 * history do not sit below every field section; only the chosen tab is drawn (history asks the
 * server when it is opened).
 */
export function DetailTabs({ entity, tabs }: { entity: EntityName; tabs: DetailTab[] }) {
  const [active, setActive] = useState<DetailTab['id']>(() => {
    const remembered = lastTab.get(entity);
    return tabs.some((tab) => tab.id === remembered) ? remembered! : 'details';
  });
  const choose = (id: DetailTab['id']) => {
    lastTab.set(entity, id);
    setActive(id);
  };
  const current = tabs.find((tab) => tab.id === active) ?? tabs[0];
  return (
    <>
      <div className="detail-tabs" role="tablist">
        {tabs.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            aria-selected={tab.id === current?.id}
            className={`detail-tab${tab.id === current?.id ? ' is-active' : ''}`}
            onClick={() => choose(tab.id)}
            data-testid={`tab-${tab.id}`}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="detail-tabpanel">
        {current?.render()}
      </div>
    </>
  );
}
