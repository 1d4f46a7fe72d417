import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { errorMessageKey, type FieldIssue } from '../../src-shared/result';
import { api } from '../api/client';
import { loadRefTitles, refTitle, rememberRefTitle } from '../api/ref-titles';
import { formatFieldValue } from '../format/field-format';
import { useT, type Translator } from '../i18n/use-t';
import { reportError, useApp, type FormRequest } from '../state/app.store';
import { entityText } from '../state/entity-text';
import { checkForm, formSections, initialFormState, type FormState } from './form-values';
import { RefPicker } from './RefPicker';
import { Icon } from '../components/icons';

/** Fields that need the whole width of the form. */
function isWide(def: FieldDef, name: string): boolean {
  return def.kind === 'longtext' || def.kind === 'tags' || name === 'street';
}

function issueText(t: Translator, issue: FieldIssue): string {
  return t.dyn(issue.key, issue.params);
}

/**
 * The create / edit dialog, generated from the entity definition: one input per field kind,
 * grouped by section. Validation is the shared validateValues (the core runs it again); messages
 * show once a field has been left or a save attempted, and the core's own issues map onto fields.
 */
export function RecordFormDialog({ request }: { request: FormRequest }) {
  const t = useT();
  const closeForm = useApp((s) => s.closeForm);
  const navigate = useApp((s) => s.navigate);
  const pushToast = useApp((s) => s.pushToast);
  const { entity, record } = request;
  const sections = useMemo(() => formSections(entity, { includeSystem: record !== undefined }), [entity, record]);
  const [state, setState] = useState<FormState>(() => initialFormState(entity, record, request.defaults));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [titles, setTitles] = useState<Record<string, string>>(request.refTitles ?? {});
  const formRef = useRef<HTMLFormElement>(null);
  const check = useMemo(() => checkForm(entity, state, record), [entity, state, record]);

  // Names of referenced records of an existing record (the contact's account).
  useEffect(() => {
    if (!record) return;
    const fields = Object.entries(entities[entity].fields as Record<string, FieldDef>);
    for (const [name, def] of fields) {
      const id = record[name];
      if (def.kind !== 'ref' || typeof id !== 'string' || !isEntityName(def.entity) || titles[name]) continue;
      const target = def.entity;
      loadRefTitles(target, [id])
        .then(() => setTitles((prev) => ({ ...prev, [name]: refTitle(target, id) ?? '' })))
        .catch(reportError);
    }
  }, [entity, record, titles]);

  useEffect(() => {
    const first = formRef.current?.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea:not([disabled])');
    first?.focus();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !saving) {
        e.preventDefault();
        closeForm();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [closeForm, saving]);

  const issueFor = (name: string): FieldIssue | undefined => {
    const server = serverIssues.find((i) => i.field === name);
    if (server) return server;
    if (!touched.has(name) && !submitted) return undefined;
    return check.issues.find((i) => i.field === name);
  };

  const change = (name: string, value: string | boolean) => {
    setState((s) => ({ ...s, [name]: value }));
    setServerIssues((issues) => issues.filter((i) => i.field !== name));
    setFormError(null);
  };
  const touch = (name: string) => setTouched((s) => (s.has(name) ? s : new Set(s).add(name)));

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    if (check.issues.length > 0) {
      const first = check.issues[0];
      if (first) formRef.current?.querySelector<HTMLElement>(`[data-field="${first.field}"]`)?.focus();
      return;
    }
    if (record && Object.keys(check.values).length === 0) {
      closeForm();
      return;
    }
    setSaving(true);
    try {
      const saved = record
        ? await api['record.update']({ entity, id: record.id, values: check.values })
        : await api['record.create']({ entity, values: check.values });
      const title = String(saved[entities[entity].titleField] ?? '');
      rememberRefTitle(entity, saved.id, title);
      closeForm();
      pushToast({ kind: 'success', message: { key: record ? entityText[entity].updated : entityText[entity].created, params: { name: title } } });
      if (!record && request.openAfterCreate) navigate({ view: 'detail', entity, id: saved.id });
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiError && error.code === 'VALIDATION' && error.issues) {
        const known = new Set(sections.flatMap((s) => s.fields.map((f) => f.name)));
        setServerIssues(error.issues.filter((i) => known.has(i.field)));
        const unknown = error.issues.filter((i) => !known.has(i.field));
        setFormError(unknown.length > 0 ? unknown.map((i) => `${i.field}: ${issueText(t, i)}`).join('; ') : t('error.validation'));
        return;
      }
      if (error instanceof ApiError) {
        if (error.code === 'INTERNAL') console.error(error);
        setFormError(t.dyn(errorMessageKey(error.code)));
      } else {
        reportError(error);
      }
    }
  };

  const titleKey = record ? entityText[entity].edit : entityText[entity].new;

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !saving && closeForm()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="record-form-title" data-testid="record-form">
        <form ref={formRef} onSubmit={submit} noValidate>
          <header className="modal-header">
            <h2 id="record-form-title">{t(titleKey)}</h2>
            <button type="button" className="icon-button" onClick={closeForm} aria-label={t('common.close')} disabled={saving}>
              <Icon name="close" size={18} />
            </button>
          </header>
          <div className="modal-body">
            {formError && (
              <div className="form-alert" role="alert" data-testid="form-error">
                {formError}
              </div>
            )}
            {sections.map(({ section, fields }) => (
              <fieldset key={section} className="form-section">
                <legend>{t.dyn(`section.${section}`)}</legend>
                <div className="form-grid">
                  {fields.map(({ name, def }) => (
                    <FieldRow
                      key={name}
                      entity={entity}
                      name={name}
                      def={def}
                      value={state[name] ?? ''}
                      record={record}
                      refTitleText={titles[name] ?? ''}
                      issue={issueFor(name)}
                      onChange={(v) => change(name, v)}
                      onRefChange={(id, title) => {
                        setTitles((prev) => ({ ...prev, [name]: title }));
                        change(name, id);
                      }}
                      onBlur={() => touch(name)}
                    />
                  ))}
                </div>
              </fieldset>
            ))}
          </div>
          <footer className="modal-footer">
            <span className="form-hint">{t('form.requiredHint')}</span>
            <button type="button" className="btn" onClick={closeForm} disabled={saving} data-testid="form-cancel">
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving} data-testid="form-save">
              {saving ? t('common.saving') : t('common.save')}
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}

export interface FieldRowProps {
  entity: EntityName;
  name: string;
  def: FieldDef;
  value: string | boolean;
  record: FormRequest['record'];
  refTitleText: string;
  issue: FieldIssue | undefined;
  onChange(value: string | boolean): void;
  onRefChange(id: string, title: string): void;
  onBlur(): void;
}

/** One generated input with its label and message; also used to correct a refused change in the conflict inbox. */
export function FieldRow({ entity, name, def, value, record, refTitleText, issue, onChange, onRefChange, onBlur }: FieldRowProps) {
  const t = useT();
  const id = `field-${entity}-${name}`;
  const errorId = `${id}-error`;
  const invalid = issue !== undefined;
  const text = typeof value === 'string' ? value : '';
  const common = {
    id,
    'data-field': name,
    'data-testid': `field-${name}`,
    'aria-invalid': invalid,
    'aria-describedby': invalid ? errorId : undefined,
    onBlur,
  };
  let control: ReactNode;

  if (def.system) {
    const shown = formatFieldValue(def, record?.[name], t, { record: record ?? {} });
    control = <div className="input input-readonly" id={id}>{shown || '—'}</div>;
  } else {
    switch (def.kind) {
      case 'longtext':
        control = <textarea {...common} className={`input${invalid ? ' is-invalid' : ''}`} rows={3} value={text} onChange={(e) => onChange(e.target.value)} />;
        break;
      case 'enum':
        control = (
          <select {...common} className={`input${invalid ? ' is-invalid' : ''}`} value={text} onChange={(e) => onChange(e.target.value)}>
            {!(def.required && def.default !== undefined) && <option value="">{t('form.choose')}</option>}
            {def.values.map((v) => (
              <option key={v} value={v}>
                {t.enumLabel(def.enumName, v)}
              </option>
            ))}
          </select>
        );
        break;
      case 'bool':
        control = (
          <label className="checkbox">
            <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} />
            <span>{t.field(entity, name)}</span>
          </label>
        );
        break;
      case 'date':
        control = <input {...common} className={`input${invalid ? ' is-invalid' : ''}`} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
        break;
      case 'datetime':
        control = <input {...common} className={`input${invalid ? ' is-invalid' : ''}`} type="datetime-local" value={text} onChange={(e) => onChange(e.target.value)} />;
        break;
      case 'ref':
        control = isEntityName(def.entity) ? (
          <RefPicker
            id={id}
            target={def.entity}
            value={text}
            title={refTitleText}
            invalid={invalid}
            describedBy={invalid ? errorId : undefined}
            testId={`field-${name}`}
            onChange={onRefChange}
            onBlur={onBlur}
          />
        ) : null;
        break;
      default: {
        const inputMode = def.kind === 'phone' || def.kind === 'mobile' ? 'tel' : def.kind === 'email' ? 'email' : def.kind === 'url' ? 'url' : def.kind === 'int' ? 'numeric' : def.kind === 'money' ? 'decimal' : undefined;
        control = (
          <input
            {...common}
            className={`input${invalid ? ' is-invalid' : ''}`}
            type="text"
            inputMode={inputMode}
            autoComplete="off"
            placeholder={def.kind === 'tags' ? t('form.tags.placeholder') : undefined}
            value={text}
            onChange={(e) => onChange(e.target.value)}
          />
        );
      }
    }
  }

  return (
    <div className={`form-row${isWide(def, name) ? ' is-wide' : ''}${def.kind === 'bool' ? ' is-check' : ''}`}>
      {def.kind !== 'bool' && (
        <label className="form-label" htmlFor={id}>
          {t.field(entity, name)}
          {def.required && !def.system && (
            <span className="required" aria-label={t('form.required')}>
              *
            </span>
          )}
          {def.system && <span className="form-label-note">{t('form.systemField')}</span>}
        </label>
      )}
      {control}
      {issue && (
        <div className="field-error" id={errorId} data-testid={`field-error-${name}`}>
          {t.dyn(issue.key, issue.params)}
        </div>
      )}
    </div>
  );
}
