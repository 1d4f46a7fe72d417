import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, type FieldDef } from '../../src-shared/entities/index';
import { errorMessageKey, type FieldIssue } from '../../src-shared/result';
import { api } from '../api/client';
import { rememberRefTitle } from '../api/ref-titles';
import { Icon } from '../components/icons';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { useRecordList } from '../state/use-record';
import { issueMessage } from './issue-text';
import { checkConvert, convertDefaults, convertFields, convertInput, firstOpenStage, matchingAccount, splitIssues, withMatchedAccount, type ConvertPart, type ConvertState, type PartIssues } from './lead-convert';
import { RefPicker } from './RefPicker';
import { FieldRow } from './RecordFormDialog';
import { useEscape } from '../state/use-escape';

const partLabel = { account: 'lead.convert.account', contact: 'lead.convert.contact', opportunity: 'lead.convert.opportunity' } as const;

/**
 * 线索转化: the lead becomes an account (new, or one that is already there), a contact and, when
 * asked, an opportunity, through lead.convert. Prefilled from the lead; the core's issues show
 * beside the fields of the part they belong to.
 */
export function LeadConvertDialog({ lead, onClose }: { lead: RecordData; onClose: () => void }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const pushToast = useApp((s) => s.pushToast);
  const [state, setState] = useState<ConvertState>(() => convertDefaults(lead));
  const [submitted, setSubmitted] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [serverIssues, setServerIssues] = useState<PartIssues>({ account: [], contact: [], opportunity: [], other: [] });
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  // Once the user picks how to make the account, a late search result must not change it.
  const modeChosen = useRef(false);
  const local = useMemo(() => splitIssues(checkConvert(state)), [state]);

  // The company may already be a customer: look for an account of that name.
  useEffect(() => {
    const company = typeof lead.company === 'string' ? lead.company.trim() : '';
    if (company === '') return;
    let live = true;
    api['search.global']({ q: company.slice(0, 200), entity: 'account', limit: 10 })
      .then(({ hits }) => {
        const hit = matchingAccount(hits, company);
        if (live && hit && !modeChosen.current) setState((s) => withMatchedAccount(s, hit));
      })
      .catch(reportError);
    return () => {
      live = false;
    };
  }, [lead.company]);

  // A new deal starts in the first open stage.
  const stages = useRecordList({ entity: 'stage', sort: [{ field: 'position', dir: 'asc' }], limit: 200 });
  const firstStage = stages.status === 'ready' ? firstOpenStage(stages.value.rows) : undefined;
  // Set once, when the stages arrive (while rendering, not in an effect); the user may change it after.
  const [stageSeeded, setStageSeeded] = useState(false);
  if (!stageSeeded && firstStage) {
    setStageSeeded(true);
    if (state.opportunity.stageId === '') setState((s) => ({ ...s, opportunity: { ...s.opportunity, stageId: firstStage.id } }));
  }

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input:not([disabled])')?.focus();
  }, []);

  useEscape(onClose, saving);

  const issueFor = (part: ConvertPart, name: string): FieldIssue | undefined => {
    const server = serverIssues[part].find((i) => i.field === name);
    if (server) return server;
    if (!submitted && !touched.has(`${part}.${name}`)) return undefined;
    return local[part].find((i) => i.field === name);
  };

  const clearIssues = (part: ConvertPart, name: string) => {
    setServerIssues((all) => ({ ...all, [part]: all[part].filter((i) => i.field !== name) }));
    setFormError(null);
  };

  const change = (part: ConvertPart, name: string, value: string) => {
    setState((s) => (part === 'account' ? { ...s, account: { ...s.account, [name]: value } } : part === 'contact' ? { ...s, contact: { ...s.contact, [name]: value } } : { ...s, opportunity: { ...s.opportunity, [name]: value } }));
    clearIssues(part, name);
  };
  const touch = (key: string) => setTouched((s) => (s.has(key) ? s : new Set(s).add(key)));

  const setMode = (mode: ConvertState['accountMode']) => {
    modeChosen.current = true;
    setState((s) => ({ ...s, accountMode: mode }));
    setServerIssues((all) => ({ ...all, account: [] }));
    setFormError(null);
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    const first = (['account', 'contact', 'opportunity'] as const).flatMap((part) => local[part].map((i) => ({ part, field: i.field })))[0];
    if (first) {
      formRef.current?.querySelector<HTMLElement>(`[data-part="${first.part}"] [data-field="${first.field}"], [data-part="${first.part}"] #convert-existing-account`)?.focus();
      return;
    }
    setSaving(true);
    try {
      const result = await api['lead.convert'](convertInput(lead.id, state));
      const accountName = state.accountMode === 'existing' ? state.existingTitle : (state.account.name ?? '');
      rememberRefTitle('account', result.accountId, accountName);
      rememberRefTitle('contact', result.contactId, state.contact.name ?? '');
      if (result.opportunityId) rememberRefTitle('opportunity', result.opportunityId, state.opportunity.name ?? '');
      onClose();
      pushToast({ kind: 'success', message: { key: 'lead.converted', params: { name: String(lead.name ?? '') } } });
      navigate(result.opportunityId ? { view: 'detail', entity: 'opportunity', id: result.opportunityId } : { view: 'detail', entity: 'account', id: result.accountId });
    } catch (error) {
      setSaving(false);
      if (error instanceof ApiError && error.code === 'VALIDATION' && error.issues) {
        const split = splitIssues(error.issues);
        setServerIssues(split);
        setFormError(split.other.length > 0 ? split.other.map((i) => otherIssueText(i)).join('; ') : t('error.validation'));
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

  /** An issue the dialog has no field for: its part and field named in words where we know them. */
  const otherIssueText = (issue: FieldIssue): string => {
    const dot = issue.field.indexOf('.');
    const part = dot > 0 ? issue.field.slice(0, dot) : '';
    const field = issue.field.slice(dot + 1);
    if (part === 'account' || part === 'contact' || part === 'opportunity') {
      return t('lead.convert.issueAt', { part: `${t(partLabel[part])} · ${t.field(part, field)}`, message: issueMessage(t, part, { ...issue, field }) });
    }
    return issue.field ? `${issue.field}: ${t.dyn(issue.key, issue.params)}` : t.dyn(issue.key, issue.params);
  };

  const rows = (part: ConvertPart, values: Record<string, string>) => {
    const fields = entities[part].fields as Record<string, FieldDef>;
    return convertFields[part].map((name) => {
      const def = fields[name];
      if (!def) return null;
      return (
        <FieldRow
          key={name}
          entity={part}
          name={name}
          def={def}
          value={values[name] ?? ''}
          record={undefined}
          refTitleText=""
          issue={issueFor(part, name)}
          onChange={(v) => change(part, name, typeof v === 'string' ? v : '')}
          onRefChange={(id) => change(part, name, id)}
          onBlur={() => touch(`${part}.${name}`)}
        />
      );
    });
  };

  const existingIssue = issueFor('account', 'existingId');

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !saving && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="lead-convert-title" data-testid="lead-convert">
        <form ref={formRef} onSubmit={submit} noValidate>
          <header className="modal-header">
            <h2 id="lead-convert-title">{t('lead.convert.title', { name: String(lead.name ?? '') })}</h2>
            <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')} disabled={saving}>
              <Icon name="close" size={18} />
            </button>
          </header>
          <div className="modal-body">
            <p className="convert-intro">{t('lead.convert.intro')}</p>
            {formError && (
              <div className="form-alert" role="alert" data-testid="form-error">
                {formError}
              </div>
            )}
            <fieldset className="form-section" data-part="account" data-testid="convert-account">
              <legend>{t('lead.convert.account')}</legend>
              <div className="convert-choice" role="radiogroup" aria-label={t('lead.convert.account')}>
                <label className="checkbox">
                  <input type="radio" name="convert-account-mode" checked={state.accountMode === 'new'} onChange={() => setMode('new')} data-testid="convert-account-new" />
                  <span>{t('lead.convert.accountNew')}</span>
                </label>
                <label className="checkbox">
                  <input type="radio" name="convert-account-mode" checked={state.accountMode === 'existing'} onChange={() => setMode('existing')} data-testid="convert-account-existing" />
                  <span>{t('lead.convert.accountExisting')}</span>
                </label>
              </div>
              {state.accountMode === 'new' ? (
                <div className="form-grid">{rows('account', state.account)}</div>
              ) : (
                <div className="form-grid">
                  <div className="form-row is-wide">
                    <label className="form-label" htmlFor="convert-existing-account">
                      {t('lead.convert.accountPick')}
                      <span className="required" aria-label={t('form.required')}>
                        *
                      </span>
                    </label>
                    <RefPicker
                      id="convert-existing-account"
                      target="account"
                      value={state.existingId}
                      title={state.existingTitle}
                      invalid={existingIssue !== undefined}
                      describedBy={existingIssue ? 'convert-existing-account-error' : undefined}
                      testId="convert-existing-account"
                      onChange={(id, title) => {
                        modeChosen.current = true;
                        setState((s) => ({ ...s, existingId: id, existingTitle: title, matchedByName: false }));
                        clearIssues('account', 'existingId');
                      }}
                      onBlur={() => touch('account.existingId')}
                    />
                    {existingIssue && (
                      <div className="field-error" id="convert-existing-account-error" data-testid="field-error-existingId">
                        {t.dyn(existingIssue.key, existingIssue.params)}
                      </div>
                    )}
                    {state.matchedByName && state.existingId !== '' && (
                      <div className="form-note convert-matched" data-testid="convert-account-matched">
                        {t('lead.convert.accountMatched', { name: state.existingTitle })}
                      </div>
                    )}
                  </div>
                </div>
              )}
            </fieldset>
            <fieldset className="form-section" data-part="contact" data-testid="convert-contact">
              <legend>{t('lead.convert.contact')}</legend>
              <div className="form-grid">{rows('contact', state.contact)}</div>
            </fieldset>
            <fieldset className="form-section" data-part="opportunity" data-testid="convert-opportunity">
              <legend>{t('lead.convert.opportunity')}</legend>
              <label className="checkbox convert-toggle">
                <input
                  type="checkbox"
                  checked={state.withOpportunity}
                  onChange={(e) => {
                    const on = e.target.checked;
                    setState((s) => ({ ...s, withOpportunity: on }));
                    setServerIssues((all) => ({ ...all, opportunity: [] }));
                  }}
                  data-testid="convert-with-opportunity"
                />
                <span>{t('lead.convert.withOpportunity')}</span>
              </label>
              {state.withOpportunity && <div className="form-grid">{rows('opportunity', state.opportunity)}</div>}
            </fieldset>
          </div>
          <footer className="modal-footer">
            <span className="form-hint">{t('form.requiredHint')}</span>
            <button type="button" className="btn" onClick={onClose} disabled={saving} data-testid="convert-cancel">
              {t('common.cancel')}
            </button>
            <button type="submit" className="btn btn-primary" disabled={saving} data-testid="convert-confirm">
              {saving && <span className="spinner spinner-small" aria-hidden="true" />}
              {saving ? t('lead.convert.converting') : t('lead.convert.confirm')}
            </button>
          </footer>
        </form>
      </div>
    </div>
  );
}
