import { useEffect, useState, type ReactNode } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { isEntityName, type EntityName, type FieldDef, type LineItem } from '../../src-shared/entities/index';
import { onCoreEvent } from '../api/client';
import { forgetRefTitles, loadRefTitles, refTitle } from '../api/ref-titles';
import { recordTitle } from '../format/record-title';
import { badgeClass, isBadgeEnum } from '../format/status-tone';
import { formatFieldValue, formatPhoneForReading } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { useHiddenFields } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import { formSections } from '../forms/form-values';
import { formatDateTime } from '../format/field-format';
import { interpolate } from '../state/directory';
import { LinesTable } from './LinesTable';
import { UserName } from './UserName';

/** A field's value as read on a record page: links for mail, phone and web, names for references, the lines table. */
export function FieldValue({ name, def, record }: { name: string; def: FieldDef; record: RecordData }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const value = record[name];
  const [, setLoaded] = useState(0);
  const target = (def.kind === 'ref' || def.kind === 'refs') && isEntityName(def.entity) ? def.entity : null;
  const ids = typeof value === 'string' ? value : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').join(',') : '';

  useEffect(() => {
    if (!target || ids === '') return;
    const wanted = ids.split(',');
    const load = () =>
      loadRefTitles(target, wanted)
        .then(() => setLoaded((n) => n + 1))
        .catch(reportError);
    void load();
    // A referenced record that changes (renamed, or numbered by the server) drops its cached name
    // (App.tsx): ask for it again, or the link would show "…" until the page is opened anew.
    return onCoreEvent((event) => {
      if (event.type !== 'changed' || event.entity !== target || !event.ids.some((id) => wanted.includes(id))) return;
      forgetRefTitles(target, event.ids);
      void load();
    });
  }, [target, ids]);

  if (target && typeof value === 'string') {
    const title = refTitle(target, value);
    return (
      <button type="button" className="link" onClick={() => navigate({ view: 'detail', entity: target, id: value })}>
        {title ?? '…'}
      </button>
    );
  }
  if (def.kind === 'lines') {
    const currency = record[def.currencyField];
    return <LinesTable lines={Array.isArray(value) ? (value as LineItem[]) : []} currency={typeof currency === 'string' ? currency : 'CNY'} />;
  }
  if (target && def.kind === 'refs') {
    if (ids === '') return <span className="value-empty">—</span>;
    return (
      <span className="tags">
        {ids.split(',').map((id) => (
          <button key={id} type="button" className="link tag tag-link" onClick={() => navigate({ view: 'detail', entity: target, id })}>
            {refTitle(target, id) || '…'}
          </button>
        ))}
      </span>
    );
  }
  const text = formatFieldValue(def, value, t, { record });
  if (text === '') return <span className="value-empty">—</span>;
  if (def.kind === 'enum' && isBadgeEnum(def.enumName) && typeof value === 'string') return <span className={badgeClass(def.enumName, value)}>{text}</span>;
  switch (def.kind) {
    case 'email':
      return <a href={`mailto:${text}`}>{text}</a>;
    case 'phone':
    case 'mobile':
      return <a href={`tel:${text}`}>{formatPhoneForReading(text)}</a>;
    case 'url':
      return (
        <a href={text} target="_blank" rel="noreferrer noopener">
          {text.replace(/^https?:\/\//, '')}
        </a>
      );
    case 'tags':
      return (
        <span className="tags">
          {(Array.isArray(value) ? value : [text]).map((tag) => (
            <span key={String(tag)} className="tag">
              {String(tag)}
            </span>
          ))}
        </span>
      );
    case 'longtext':
      return <span className="value-longtext">{text}</span>;
    default:
      return <span>{text}</span>;
  }
}

/** Every field of a record the user may see, grouped by the definition's sections, read-only. */
export function RecordSections({ entity, record, omit = [] }: { entity: EntityName; record: RecordData; omit?: string[] }) {
  const t = useT();
  const hidden = useHiddenFields(entity);
  const sections = formSections(entity, { includeSystem: true });
  return (
    <>
      {sections.map(({ section, fields }) => {
        const shown = fields.filter((f) => !omit.includes(f.name) && !hidden.has(f.name));
        if (shown.length === 0) return null;
        return (
          <section key={section} className="card" data-testid={`section-${section}`}>
            <h2 className="card-title">{t.dyn(`section.${section}`)}</h2>
            <dl className="field-list">
              {shown.map(({ name, def }) => (
                <div key={name} className={`field-item${def.kind === 'longtext' || def.kind === 'tags' || def.kind === 'refs' || def.kind === 'lines' || name === 'street' ? ' is-wide' : ''}`} data-testid={`value-${name}`}>
                  {/* A section that is only its lines (a deal's products) is titled already. */}
                  <dt className={shown.length === 1 && def.kind === 'lines' ? 'sr-only' : undefined}>{t.field(entity, name)}</dt>
                  <dd>
                    <FieldValue name={name} def={def} record={record} />
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        );
      })}
    </>
  );
}

/**
 * Who owns the record, who created and last changed it and when; names from the directory.
 * `ownerId`: the owner to name when it is not the record's own (a contact goes with its account).
 */
export function RecordAudit({ record, ownerId = record.ownerId }: { record: RecordData; ownerId?: unknown }) {
  const t = useT();
  const parts = interpolate<ReactNode>(t('record.audit'), {
    owner: <UserName key="owner" id={ownerId} testId="audit-owner" />,
    createdBy: <UserName key="createdBy" id={record.createdBy} testId="audit-created-by" />,
    updatedBy: <UserName key="updatedBy" id={record.updatedBy} testId="audit-updated-by" />,
    created: typeof record.createdAt === 'number' ? formatDateTime(record.createdAt, t.locale) : '',
    updated: formatDateTime(record.updatedAt, t.locale),
  });
  return (
    <p className="record-audit" data-testid="record-audit">
      {parts}
    </p>
  );
}

/** What names the record on its page and in messages (a built-in stage in the user's language). */
export function titleOf(entity: EntityName, record: RecordData): string {
  return recordTitle(entity, record, useApp.getState().locale);
}
