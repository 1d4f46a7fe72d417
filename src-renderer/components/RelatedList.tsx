import { useEffect, useState, type ReactNode } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { loadRefTitles, refTitle } from '../api/ref-titles';
import { formatFieldValue } from '../format/field-format';
import { badgeClass, isBadgeEnum } from '../format/status-tone';
import { useT } from '../i18n/use-t';
import { childCanBeAdded, childDefaults, itemSpec, relatedFilter, type RelatedSpec } from '../pages/detail-config';
import { useCan, useHiddenFields } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import { entityText } from '../state/entity-text';
import { deleteWithUndo } from '../state/record-actions';
import { useRecordList } from '../state/use-record';
import { Icon } from './icons';
import { titleOf } from './RecordSections';

/** Children listed on a page; more are a click away in the module's list. */
const LIMIT = 50;

interface RelatedListProps {
  parentEntity: EntityName;
  parent: RecordData;
  spec: RelatedSpec;
  /** Something about a child the page knows better (a payment plan's status from its payments). */
  extraBadge?(row: RecordData): ReactNode;
}

/**
 * The child records of one kind on a parent's page (an account's opportunities, a contract's
 * payments), newest or soonest first as their module sorts them, with add, edit and delete (undo)
 * in place, like the account page's contacts.
 */
export function RelatedList({ parentEntity, parent, spec, extraBadge }: RelatedListProps) {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const navigate = useApp((s) => s.navigate);
  const def = entities[spec.entity];
  const text = entityText[spec.entity];
  const item = itemSpec[spec.entity];
  const fields = def.fields as Record<string, FieldDef>;
  const list = useRecordList({ entity: spec.entity, filters: [relatedFilter(spec, parent.id)], sort: [def.defaultSort], limit: LIMIT });
  const [, setTitlesLoaded] = useState(0);
  const rows = list.status === 'ready' ? list.value.rows : null;
  const canRead = useCan(spec.entity, 'read');
  const canCreate = useCan(spec.entity, 'create');
  const canEdit = useCan(spec.entity, 'update');
  const canDelete = useCan(spec.entity, 'delete');
  const hidden = useHiddenFields(spec.entity);

  // Names of the records the items mention (an opportunity's stage).
  useEffect(() => {
    if (!rows) return;
    const waits = item.fields.flatMap((name) => {
      const f = fields[name];
      return f?.kind === 'ref' && isEntityName(f.entity) ? [loadRefTitles(f.entity, rows.map((r) => r[name]))] : [];
    });
    if (waits.length === 0) return;
    Promise.all(waits)
      .then(() => setTitlesLoaded((n) => n + 1))
      .catch(reportError);
  }, [rows, item, fields]);

  const add = () => {
    const { defaults, refTitles } = childDefaults(parentEntity, parent, spec, refTitle, titleOf(parentEntity, parent));
    openForm({ entity: spec.entity, defaults, refTitles });
  };

  const valueText = (row: RecordData, name: string): string => {
    const f = fields[name];
    if (!f || hidden.has(name)) return '';
    if (f.kind === 'ref') return isEntityName(f.entity) ? (refTitle(f.entity, row[name]) ?? '') : '';
    return formatFieldValue(f, row[name], t, { record: row });
  };

  // Children the user's roles cannot read are not on the device: no card for them.
  if (!canRead) return null;

  return (
    <section className="card related-card" data-testid={`related-${spec.entity}`}>
      <header className="card-header">
        <h2 className="card-title">
          {t(text.nav)}
          {list.status === 'ready' && <span className="count-pill">{list.value.total}</span>}
        </h2>
        {childCanBeAdded(spec) && canCreate && (
          <button type="button" className="btn btn-small btn-primary" onClick={add} data-testid={`add-${spec.entity}`}>
            <Icon name="plus" />
            {t(text.add)}
          </button>
        )}
      </header>
      {list.status === 'loading' && <div className="card-message">{t('common.loading')}</div>}
      {rows && rows.length === 0 && (
        <div className="card-message" data-testid={`no-${spec.entity}`}>
          {t(text.none)}
        </div>
      )}
      {rows && rows.length > 0 && (
        <ul className="related-list">
          {rows.map((row) => {
            const title = titleOf(spec.entity, row) || t('record.noTitle');
            const values = item.fields.map((name) => valueText(row, name)).filter((v) => v !== '');
            return (
              <li key={row.id} className="related-item" data-testid="related-item">
                <div className="related-main">
                  <button type="button" className="link related-title" onClick={() => navigate({ view: 'detail', entity: spec.entity, id: row.id })} data-testid="related-link">
                    {title}
                  </button>
                  {item.badges.map((name) => {
                    const f = fields[name];
                    const v = row[name];
                    if (f?.kind !== 'enum' || typeof v !== 'string' || hidden.has(name)) return null;
                    const label = t.enumLabel(f.enumName, v);
                    return (
                      <span key={name} className={isBadgeEnum(f.enumName) ? `${badgeClass(f.enumName, v)} chip-small` : 'chip chip-small'}>
                        {label}
                      </span>
                    );
                  })}
                  {extraBadge?.(row)}
                  {values.length > 0 && (
                    <div className="related-sub">
                      {values.map((v, i) => (
                        <span key={i}>{v}</span>
                      ))}
                    </div>
                  )}
                </div>
                <div className="related-actions">
                  {canEdit && (
                    <button type="button" className="icon-button" title={t('common.edit')} aria-label={t('common.edit')} onClick={() => openForm({ entity: spec.entity, record: row })} data-testid="related-edit">
                      <Icon name="edit" />
                    </button>
                  )}
                  {canDelete && (
                    <button
                      type="button"
                      className="icon-button icon-button-danger"
                      title={t('common.delete')}
                      aria-label={t('common.delete')}
                      onClick={() => void deleteWithUndo(spec.entity, row)}
                      data-testid="related-delete"
                    >
                      <Icon name="trash" />
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {list.status === 'ready' && list.value.total > list.value.rows.length && <div className="card-message">{t('related.more', { count: list.value.total - list.value.rows.length })}</div>}
    </section>
  );
}
