import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { derivedValues } from '../../src-shared/entities/rules';
import { errorMessageKey, type FieldIssue } from '../../src-shared/result';
import { api } from '../api/client';
import { loadRefTitles, refTitle, rememberRefTitle } from '../api/ref-titles';
import { formatFieldValue } from '../format/field-format';
import { completeLines, readDrafts } from './line-drafts';
import { issueMessage } from './issue-text';
import { LinesEditor } from './LinesEditor';
import { RefsInput } from './RefsInput';
import { StageSelect } from './StageSelect';
import { useT, type Translator } from '../i18n/use-t';
import { useHiddenFields, useReadonlyFields, visibleFields } from '../state/access';
import { reportError, useApp, type FormRequest } from '../state/app.store';
import { entityText } from '../state/entity-text';
import { checkForm, formSections, initialFormState, type FormField, type FormState } from './form-values';
import { RefPicker } from './RefPicker';
import { Icon } from '../components/icons';
import { useEscape } from '../state/use-escape';

/** Fields that need the whole width of the form. */
function isWide(def: FieldDef, name: string): boolean {
  return def.kind === 'longtext' || def.kind === 'tags' || def.kind === 'refs' || def.kind === 'lines' || name === 'street';
}

/**
 * Values the core works out from the lines as they are typed (a quote's totals, an order's amount,
 * a deal's amount once it has lines), as text for their read-only fields.
 */
function derivedTexts(entity: EntityName, state: FormState, t: Translator): Record<string, string> {
  const fields = entities[entity].fields as Record<string, FieldDef>;
  const linesField = Object.entries(fields).find(([, def]) => def.kind === 'lines');
  if (!linesField) return {};
  // Only complete lines count, as in the editor's own totals.
  const lines = completeLines(readDrafts(state[linesField[0]]));
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(derivedValues(entity, { ...state, [linesField[0]]: lines }))) {
    const def = fields[name];
    if (def) out[name] = formatFieldValue(def, value, t, { record: state });
  }
  return out;
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
  // Fields the user's roles hide are not in the form; read-only ones are there, locked.
  const hidden = useHiddenFields(entity);
  const readonly = useReadonlyFields(entity);
  const sections = useMemo(
    () =>
      formSections(entity, { includeSystem: record !== undefined })
        .map((s) => ({ ...s, fields: visibleFields(s.fields, hidden) }))
        .filter((s) => s.fields.length > 0),
    [entity, record, hidden],
  );
  const [state, setState] = useState<FormState>(() => initialFormState(entity, record, request.defaults));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [titles, setTitles] = useState<Record<string, string>>(request.refTitles ?? {});
  const formRef = useRef<HTMLFormElement>(null);
  const check = useMemo(() => checkForm(entity, state, record), [entity, state, record]);
  const derived = useMemo(() => derivedTexts(entity, state, t), [entity, state, t]);

  // Names of referenced records of an existing record (the contact's account) or of prefilled ones.
  const source = record ?? request.defaults;
  useEffect(() => {
    if (!source) return;
    const fields = Object.entries(entities[entity].fields as Record<string, FieldDef>);
    for (const [name, def] of fields) {
      const id = source[name];
      if (def.kind !== 'ref' || typeof id !== 'string' || !isEntityName(def.entity) || titles[name]) continue;
      const target = def.entity;
      loadRefTitles(target, [id])
        .then(() => setTitles((prev) => ({ ...prev, [name]: refTitle(target, id) ?? '' })))
        .catch(reportError);
    }
  }, [entity, source, titles]);

  useEffect(() => {
    // :enabled also passes over the inputs of locked (read-only) fields, disabled by their fieldset.
    const first = formRef.current?.querySelector<HTMLElement>('input:enabled, select:enabled, textarea:enabled');
    first?.focus();
  }, []);

  useEscape(closeForm, saving);

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
        setFormError(unknown.length > 0 ? unknown.map((i) => `${i.field}: ${issueMessage(t, entity, i)}`).join('; ') : t('error.validation'));
        return;
      }
      // The user's roles refused it (the access changed while the form was open): said at the
      // fields concerned, or as a whole (creating such records at all).
      if (error instanceof ApiError && error.code === 'FORBIDDEN' && error.issues) {
        const known = new Set(sections.flatMap((s) => s.fields.map((f) => f.name)));
        setServerIssues(error.issues.filter((i) => known.has(i.field)));
        const unknown = error.issues.filter((i) => !known.has(i.field));
        setFormError(unknown.length > 0 ? unknown.map((i) => (i.field === 'id' ? issueMessage(t, entity, i) : `${t.field(entity, i.field)}: ${issueMessage(t, entity, i)}`)).join('; ') : t('permission.refused'));
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
  // Totals the system keeps from the lines show in the lines editor's own footer, not again below it.
  const shownFields = (fields: FormField[]) => fields.filter(({ name, def }) => !(def.system && derived[name] !== undefined));

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
                  {shownFields(fields).map(({ name, def }) => (
                    <FieldRow
                      key={name}
                      entity={entity}
                      name={name}
                      def={def}
                      value={state[name] ?? ''}
                      record={record}
                      refTitleText={titles[name] ?? ''}
                      issue={issueFor(name)}
                      formState={state}
                      derivedText={derived[name]}
                      showProblems={submitted || touched.has(name)}
                      labelHidden={def.kind === 'lines' && shownFields(fields).length === 1}
                      locked={readonly.has(name)}
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
  /** The whole form, for inputs that depend on a sibling (the currency of lines). */
  formState?: FormState;
  /** A value worked out from other fields (totals from lines): shown read-only instead of an input. */
  derivedText?: string;
  /** Mark the cells of a lines editor that cannot be saved. */
  showProblems?: boolean;
  /** The label is for screen readers only (the section's legend already says it). */
  labelHidden?: boolean;
  /** The user's roles may see the field but not change it: the input is there, disabled, and says why. */
  locked?: boolean;
  onChange(value: string | boolean): void;
  onRefChange(id: string, title: string): void;
  onBlur(): void;
}

/** The statuses a record may move to from its current one (orders); all values without a rule. */
function allowedValues(entity: EntityName, name: string, values: readonly string[], record: FormRequest['record']): readonly string[] {
  const rule = entities[entity].transitions;
  if (!rule || rule.field !== name) return values;
  const first = Object.keys(rule.allowed)[0];
  if (!record) return first ? [first] : values;
  const current = record[name];
  if (typeof current !== 'string') return values;
  return [current, ...(rule.allowed[current] ?? [])];
}

/** One generated input with its label and message; also used to correct a refused change in the conflict inbox. */
export function FieldRow({ entity, name, def, value, record, refTitleText, issue, formState, derivedText, showProblems, labelHidden, locked, onChange, onRefChange, onBlur }: FieldRowProps) {
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

  if (derivedText !== undefined) {
    control = (
      <div className="input input-readonly" id={id} data-testid={`field-${name}`} title={t('form.linesAmount')}>
        {derivedText || '—'}
      </div>
    );
  } else if (def.system) {
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
            {allowedValues(entity, name, def.values, record).map((v) => (
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
        control = !isEntityName(def.entity) ? null : def.entity === 'stage' ? (
          <StageSelect id={id} value={text} invalid={invalid} describedBy={invalid ? errorId : undefined} testId={`field-${name}`} onChange={onRefChange} onBlur={onBlur} />
        ) : (
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
        );
        break;
      case 'refs':
        control = isEntityName(def.entity) ? (
          <RefsInput id={id} target={def.entity} value={text} invalid={invalid} describedBy={invalid ? errorId : undefined} testId={`field-${name}`} onChange={onChange} onBlur={onBlur} />
        ) : null;
        break;
      case 'lines': {
        const currency = formState?.[def.currencyField];
        control = (
          <LinesEditor
            id={id}
            label={t.field(entity, name)}
            value={text}
            currency={typeof currency === 'string' && currency !== '' ? currency : 'CNY'}
            showProblems={showProblems === true || invalid}
            describedBy={invalid ? errorId : undefined}
            onChange={onChange}
            onBlur={onBlur}
          />
        );
        break;
      }
      default: {
        const inputMode =
          def.kind === 'phone' || def.kind === 'mobile'
            ? 'tel'
            : def.kind === 'email'
              ? 'email'
              : def.kind === 'url'
                ? 'url'
                : def.kind === 'int'
                  ? 'numeric'
                  : def.kind === 'money' || def.kind === 'decimal'
                    ? 'decimal'
                    : undefined;
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

  // System and derived fields are read-only for everyone already, and say so.
  const lockedByRole = locked === true && derivedText === undefined && !def.system;
  const lockNote = lockedByRole && (
    <span className="form-label-note is-locked" title={t('permission.readonlyHint')} data-testid={`readonly-${name}`}>
      {t('permission.readonly')}
    </span>
  );
  if (lockedByRole) {
    // A disabled fieldset disables every control inside, the pickers' buttons too.
    control = (
      <fieldset className="field-locked" disabled title={t('permission.readonlyHint')}>
        {control}
        {def.kind === 'bool' && lockNote}
      </fieldset>
    );
  }

  return (
    <div className={`form-row${isWide(def, name) ? ' is-wide' : ''}${def.kind === 'bool' ? ' is-check' : ''}`}>
      {def.kind !== 'bool' && (
        <label className={`form-label${labelHidden ? ' sr-only' : ''}`} htmlFor={id}>
          {t.field(entity, name)}
          {def.required && !def.system && (
            <span className="required" aria-label={t('form.required')}>
              *
            </span>
          )}
          {derivedText !== undefined ? <span className="form-label-note">{t('form.derived')}</span> : def.system ? <span className="form-label-note">{t('form.systemField')}</span> : lockNote}
        </label>
      )}
      {control}
      {issue && (
        <div className="field-error" id={errorId} data-testid={`field-error-${name}`}>
          {issueMessage(t, entity, issue)}
        </div>
      )}
    </div>
  );
}
