import type { ReactNode } from 'react';
import type { EntityName } from '../../src-shared/entities/index';
import { Icon } from '../components/icons';
import { useT } from '../i18n/use-t';
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

/** Edit and Delete, the same on every record page. */
export function DetailActions({ onEdit, onDelete }: { onEdit: () => void; onDelete: () => void }) {
  const t = useT();
  return (
    <div className="detail-actions">
      <button type="button" className="btn" onClick={onEdit} data-testid="edit-record">
        <Icon name="edit" />
        {t('common.edit')}
      </button>
      <button type="button" className="btn btn-danger-outline" onClick={onDelete} data-testid="delete-record">
        <Icon name="trash" />
        {t('common.delete')}
      </button>
    </div>
  );
}
