import { useEffect, useState, type ReactNode } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { loadRefTitles, refTitle } from '../api/ref-titles';
import { formatFieldValue, formatPhoneForReading } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { formSections } from '../forms/form-values';
import { formatDateTime } from '../format/field-format';
import { interpolate } from '../state/directory';
import { UserName } from './UserName';

/** A field's value as read on a record page: links for mail, phone and web, names for references. */
function FieldValue({ name, def, record }: { name: string; def: FieldDef; record: RecordData }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const value = record[name];
  const [, setLoaded] = useState(0);
  const target = def.kind === 'ref' && isEntityName(def.entity) ? def.entity : null;

  useEffect(() => {
    if (!target || typeof value !== 'string') return;
    loadRefTitles(target, [value])
      .then(() => setLoaded((n) => n + 1))
      .catch(reportError);
  }, [target, value]);

  if (target && typeof value === 'string') {
    const title = refTitle(target, value);
    return (
      <button type="button" className="link" onClick={() => navigate({ view: 'detail', entity: target, id: value })}>
        {title ?? '…'}
      </button>
    );
  }
  const text = formatFieldValue(def, value, t, { record });
  if (text === '') return <span className="value-empty">—</span>;
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

/** Every field of a record, grouped by the definition's sections, read-only. */
export function RecordSections({ entity, record, omit = [] }: { entity: EntityName; record: RecordData; omit?: string[] }) {
  const t = useT();
  const sections = formSections(entity, { includeSystem: true });
  return (
    <>
      {sections.map(({ section, fields }) => {
        const shown = fields.filter((f) => !omit.includes(f.name));
        if (shown.length === 0) return null;
        return (
          <section key={section} className="card" data-testid={`section-${section}`}>
            <h2 className="card-title">{t.dyn(`section.${section}`)}</h2>
            <dl className="field-list">
              {shown.map(({ name, def }) => (
                <div key={name} className={`field-item${def.kind === 'longtext' || def.kind === 'tags' || name === 'street' ? ' is-wide' : ''}`} data-testid={`value-${name}`}>
                  <dt>{t.field(entity, name)}</dt>
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

export function titleOf(entity: EntityName, record: RecordData): string {
  return String(record[entities[entity].titleField] ?? '');
}
