import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import type { ConflictAction, ConflictEntry } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName } from '../../src-shared/entities/index';
import type { FieldIssue } from '../../src-shared/result';
import { api, onCoreEvent } from '../api/client';
import { loadRefTitles, refTitle, rememberRefTitle } from '../api/ref-titles';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Icon, entityIcon } from '../components/icons';
import { FieldRow } from '../forms/RecordFormDialog';
import { initialFormState, type FormState } from '../forms/form-values';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { useNow } from '../state/use-now';
import type { Loadable } from '../state/use-record';
import { userName } from '../state/directory';
import { useUserLookup } from '../state/directory.store';
import { checkResend, resendable, conflictView, groupByRecord, referencedIds, rejectedFormFields, serverFieldIssues, type ConflictView, type RecordGroup } from '../sync/conflict-view';

/** Ids per existence check: one `record.list` with an `in` filter (the contract allows 200 values). */
const BATCH = 200;

/** Which records of the entries are still on this device, with their current names. */
type Present = ReadonlyMap<string, string>;

const recordKey = (entity: EntityName, id: string) => `${entity}:${id}`;

async function presentRecords(entries: ConflictEntry[]): Promise<Map<string, string>> {
  const byEntity = new Map<EntityName, Set<string>>();
  for (const e of entries) {
    let ids = byEntity.get(e.entity);
    if (!ids) {
      ids = new Set();
      byEntity.set(e.entity, ids);
    }
    ids.add(e.recordId);
  }
  const found = new Map<string, string>();
  const requests: Promise<void>[] = [];
  for (const [entity, ids] of byEntity) {
    const all = [...ids];
    for (let i = 0; i < all.length; i += BATCH) {
      const chunk = all.slice(i, i + BATCH);
      requests.push(
        api['record.list']({ entity, filters: [{ field: 'id', op: 'in', value: chunk }], limit: chunk.length, withTotal: false }).then(({ rows }) => {
          for (const row of rows) found.set(recordKey(entity, row.id), String(row[entities[entity].titleField] ?? ''));
        }),
      );
    }
  }
  await Promise.all(requests);
  return found;
}

/**
 * 冲突: what sync could not save as it was — a value that lost a same-field race, an edit to a
 * record someone deleted, a change the server refused — each with one click to settle it. The
 * list follows the core: it reloads when the open count changes and when the replica is replaced.
 */
export function ConflictInboxPage() {
  const t = useT();
  const dataEpoch = useApp((s) => s.dataEpoch);
  const navigate = useApp((s) => s.navigate);
  const pushToast = useApp((s) => s.pushToast);
  const users = useUserLookup();
  const [includeResolved, setIncludeResolved] = useState(false);
  const [list, setList] = useState<Loadable<ConflictEntry[]>>({ status: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [present, setPresent] = useState<Present | null>(null);
  const [, setTitlesLoaded] = useState(0);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [discarding, setDiscarding] = useState<ConflictEntry | null>(null);
  const now = useNow(30_000);

  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api['conflict.list']({ includeResolved })
        .then(({ entries }) => !cancelled && setList({ status: 'ready', value: entries }))
        .catch((error: unknown) => {
          if (!cancelled) setList((prev) => (prev.status === 'ready' ? prev : { status: 'error' }));
          reportError(error);
        });
    void load();
    const off = onCoreEvent((event) => {
      if (event.type === 'conflicts') void load();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [includeResolved, dataEpoch, reloads]);

  const entries = list.status === 'ready' ? list.value : null;

  // Links only for records still here; names of referenced records (a contact's account) for values.
  useEffect(() => {
    if (!entries) return;
    let cancelled = false;
    const refs = referencedIds(entries);
    const entitiesShown = new Set([...entries.map((e) => e.entity), ...refs.keys()]);
    const check = () => {
      presentRecords(entries)
        .then((found) => !cancelled && setPresent(found))
        .catch(reportError);
      // A `changed` event has dropped the cached names it touched (App): fetch them again.
      Promise.all([...refs].map(([entity, ids]) => loadRefTitles(entity, ids)))
        .then(() => !cancelled && setTitlesLoaded((n) => n + 1))
        .catch(reportError);
    };
    check();
    const off = onCoreEvent((event) => {
      if (event.type === 'changed' && entitiesShown.has(event.entity)) check();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [entries]);

  const resolve = async (entry: ConflictEntry, action: ConflictAction, values?: Record<string, unknown>): Promise<FieldIssue[] | null> => {
    setBusyId(entry.id);
    try {
      const { resolved } = await api['conflict.resolve']({ id: entry.id, action, ...(values ? { values } : {}) });
      pushToast(resolved ? { kind: 'success', message: { key: 'conflict.settled' } } : { kind: 'error', message: { key: 'conflict.notSettled' } });
      setReloads((n) => n + 1);
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'VALIDATION' && error.issues) return error.issues;
      reportError(error);
      return null;
    } finally {
      setBusyId(null);
    }
  };

  const act = (entry: ConflictEntry, action: ConflictAction) => {
    // Discarding drops what the user typed for good: asked first, never on one stray click.
    if (action === 'discard') setDiscarding(entry);
    else void resolve(entry, action);
  };

  const views = entries ? entries.map((e) => conflictView(e, t, now, refTitle, (id) => userName(users, id))) : [];
  const groups = entries ? groupByRecord(entries, views, t) : [];
  const open = views.filter((v) => !v.resolved).length;

  return (
    <section className="page inbox-page" data-testid="conflict-inbox">
      <header className="page-header">
        <div className="page-title">
          <h1>{t('conflict.title')}</h1>
          {entries && (
            <span className="page-count" data-testid="conflict-count">
              {t('conflict.count', { count: open.toLocaleString(t.locale) })}
            </span>
          )}
        </div>
        <div className="toolbar">
          <label className="checkbox toggle-resolved">
            <input type="checkbox" checked={includeResolved} onChange={(e) => setIncludeResolved(e.target.checked)} data-testid="show-resolved" />
            <span>{t('conflict.showResolved')}</span>
          </label>
        </div>
      </header>
      {list.status === 'loading' && (
        <div className="page-message">
          <span className="spinner" aria-hidden="true" />
          {t('common.loading')}
        </div>
      )}
      {list.status === 'error' && <div className="page-message">{t('error.internal')}</div>}
      {entries && entries.length === 0 && (
        <div className="empty-state inbox-empty" data-testid="conflict-empty">
          <div className="empty-illustration" aria-hidden="true">
            <Icon name="check" size={40} />
          </div>
          <h2>{t('conflict.empty.title')}</h2>
          <p>{t('conflict.empty.body')}</p>
        </div>
      )}
      {entries && entries.length > 0 && (
        <>
          {open > 0 && <p className="inbox-intro">{t('conflict.intro')}</p>}
          <div className="inbox-list">
            {groups.map((group) => (
              <RecordGroupCard
                key={group.key}
                group={group}
                entries={entries}
                currentTitle={present?.get(group.key)}
                present={present === null ? null : present.has(group.key)}
                busyId={busyId}
                onOpen={() => navigate({ view: 'detail', entity: group.entity, id: group.recordId })}
                onAction={act}
                onResend={(entry, values) => resolve(entry, 'resend', values)}
              />
            ))}
          </div>
        </>
      )}
      {discarding && (
        <ConfirmDialog
          title={t('conflict.discard.confirm.title')}
          confirmLabel={t('conflict.discard.confirm.ok')}
          danger
          busy={busyId === discarding.id}
          onCancel={() => setDiscarding(null)}
          onConfirm={() => {
            const entry = discarding;
            void resolve(entry, 'discard').then(() => setDiscarding(null));
          }}
          testId="discard-confirm"
        >
          <p>{t('conflict.discard.confirm.body')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

interface RecordGroupCardProps {
  group: RecordGroup;
  entries: ConflictEntry[];
  /** The record's name now, when it is still on this device. */
  currentTitle: string | undefined;
  /** null while not known yet. */
  present: boolean | null;
  busyId: number | null;
  onOpen(): void;
  onAction(entry: ConflictEntry, action: ConflictAction): void;
  onResend(entry: ConflictEntry, values: Record<string, unknown>): Promise<FieldIssue[] | null>;
}

function RecordGroupCard({ group, entries, currentTitle, present, busyId, onOpen, onAction, onResend }: RecordGroupCardProps) {
  const t = useT();
  const title = currentTitle && currentTitle.trim() !== '' ? currentTitle : group.title;
  return (
    <article className="card conflict-group" data-testid="conflict-group" data-record={group.recordId}>
      <header className="conflict-group-head">
        <span className={`conflict-record-icon conflict-record-${group.entity}`} aria-hidden="true">
          <Icon name={entityIcon[group.entity]} size={16} />
        </span>
        <span className="conflict-entity">{group.entityLabel}</span>
        {present ? (
          <button type="button" className="link conflict-record-title" onClick={onOpen} data-testid="conflict-record-link">
            {title}
          </button>
        ) : (
          <span className="conflict-record-title" data-testid="conflict-record-title">
            {title}
          </span>
        )}
        {present === false && (
          <span className="conflict-gone" data-testid="conflict-record-gone">
            {t('conflict.recordGone')}
          </span>
        )}
      </header>
      <ul className="conflict-entries">
        {group.entries.map((view) => {
          const entry = entries.find((e) => e.id === view.id);
          return entry ? <ConflictItem key={view.id} view={view} entry={entry} busy={busyId === view.id} onAction={onAction} onResend={onResend} /> : null;
        })}
      </ul>
    </article>
  );
}

function Value({ text, testId }: { text: string; testId?: string }) {
  return text === '' ? (
    <span className="value-empty" data-testid={testId}>
      —
    </span>
  ) : (
    <span data-testid={testId}>{text}</span>
  );
}

const actionText: Record<ConflictAction, 'conflict.useMine' | 'conflict.keepTheirs' | 'conflict.restore' | 'conflict.resend' | 'conflict.discard'> = {
  mine: 'conflict.useMine',
  theirs: 'conflict.keepTheirs',
  restore: 'conflict.restore',
  resend: 'conflict.resend',
  discard: 'conflict.discard',
};

interface ConflictItemProps {
  view: ConflictView;
  entry: ConflictEntry;
  busy: boolean;
  onAction(entry: ConflictEntry, action: ConflictAction): void;
  onResend(entry: ConflictEntry, values: Record<string, unknown>): Promise<FieldIssue[] | null>;
}

function ConflictItem({ view, entry, busy, onAction, onResend }: ConflictItemProps) {
  const t = useT();
  const editable = resendable(entry) && !view.resolved;
  return (
    <li className={`conflict-entry conflict-entry-${view.kind}${view.resolved ? ' is-resolved' : ''}`} data-testid="conflict-entry" data-kind={view.kind} data-id={view.id}>
      <div className="conflict-entry-head">
        <span className={`badge conflict-kind conflict-kind-${view.kind}`}>{view.kindLabel}</span>
        <span className="conflict-time">{view.createdText}</span>
      </div>
      <p className="conflict-summary" data-testid="conflict-summary">
        {view.summary}
      </p>

      {view.field && (
        <div className="conflict-compare">
          <div className="conflict-side conflict-side-mine">
            <div className="conflict-side-label">{t('conflict.mine')}</div>
            <div className="conflict-side-value">
              <Value text={view.field.mine} testId="conflict-mine" />
            </div>
          </div>
          <div className="conflict-side conflict-side-theirs">
            <div className="conflict-side-label">{view.field.theirsLabel}</div>
            <div className="conflict-side-value">
              <Value text={view.field.theirs} testId="conflict-theirs" />
            </div>
          </div>
        </div>
      )}

      {view.kind === 'deleted' && view.changes.length > 0 && (
        <dl className="field-list conflict-changes" data-testid="conflict-changes">
          {view.changes.map((c) => (
            <div key={c.field} className="field-item" data-testid={`conflict-change-${c.field}`}>
              <dt>{c.label}</dt>
              <dd>
                <Value text={c.text} />
              </dd>
            </div>
          ))}
        </dl>
      )}

      {view.kind === 'rejected' && (view.serverMessage || view.issues.length > 0) && (
        <div className="conflict-reason" data-testid="conflict-reason">
          {view.issues.length > 0 && (
            <ul className="conflict-issues">
              {view.issues.map((i) => (
                <li key={i.field} data-testid={`conflict-issue-${i.field}`}>
                  {t('conflict.issue', { field: i.label, text: i.text })}
                </li>
              ))}
            </ul>
          )}
          {view.serverMessage && <div className="conflict-server-message">{view.serverMessage}</div>}
        </div>
      )}

      {editable && <RejectedEditor entry={entry} busy={busy} onDiscard={() => onAction(entry, 'discard')} onResend={(values) => onResend(entry, values)} />}

      {view.resolvedText && (
        <div className="conflict-resolved" data-testid="conflict-resolved">
          <Icon name="check" size={14} />
          {view.resolvedText}
        </div>
      )}

      {!editable && view.actions.length > 0 && (
        <div className="conflict-actions">
          {view.actions.map((action) => (
            <button
              key={action}
              type="button"
              className={`btn btn-small${action === 'restore' ? ' btn-primary' : ''}`}
              onClick={() => onAction(entry, action)}
              disabled={busy}
              data-testid={`conflict-action-${action}`}
            >
              {t(actionText[action])}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}

interface RejectedEditorProps {
  entry: ConflictEntry;
  busy: boolean;
  onDiscard(): void;
  onResend(values: Record<string, unknown>): Promise<FieldIssue[] | null>;
}

/** What the user typed, in the record form's own inputs, to correct and send again. */
function RejectedEditor({ entry, busy, onDiscard, onResend }: RejectedEditorProps) {
  const t = useT();
  const fields = useMemo(() => rejectedFormFields(entry), [entry]);
  const [state, setState] = useState<FormState>(() => initialFormState(entry.entity, entry.mine));
  const [issues, setIssues] = useState<FieldIssue[]>(() => serverFieldIssues(entry));
  const [titles, setTitles] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);

  const change = (name: string, value: string | boolean) => {
    setState((s) => ({ ...s, [name]: value }));
    setIssues((list) => list.filter((i) => i.field !== name));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const check = checkResend(entry, fields, state);
    const shown = check.issues.filter((i) => fields.some((f) => f.name === i.field));
    if (shown.length > 0) {
      setIssues(shown);
      formRef.current?.querySelector<HTMLElement>(`[data-field="${shown[0]?.field ?? ''}"]`)?.focus();
      return;
    }
    const refused = await onResend(check.values);
    if (refused) setIssues(refused);
  };

  return (
    <form ref={formRef} className="conflict-editor" onSubmit={(e) => void submit(e)} noValidate data-testid="conflict-editor">
      {fields.length > 0 ? (
        <>
          <div className="conflict-editor-hint">{t('conflict.rejected.fix')}</div>
          <div className="form-grid">
            {fields.map(({ name, def }) => {
              const current = state[name];
              const target = def.kind === 'ref' && isEntityName(def.entity) ? def.entity : null;
              const refText = target && typeof current === 'string' ? (titles[name] ?? refTitle(target, current) ?? '') : '';
              return (
                <FieldRow
                  key={name}
                  entity={entry.entity}
                  name={name}
                  def={def}
                  value={current ?? ''}
                  record={undefined}
                  refTitleText={refText}
                  issue={issues.find((i) => i.field === name)}
                  onChange={(v) => change(name, v)}
                  onRefChange={(id, title) => {
                    if (target) rememberRefTitle(target, id, title);
                    setTitles((prev) => ({ ...prev, [name]: title }));
                    change(name, id);
                  }}
                  onBlur={() => undefined}
                />
              );
            })}
          </div>
        </>
      ) : (
        <div className="conflict-editor-hint">{t('conflict.rejected.nothingToEdit')}</div>
      )}
      <div className="conflict-actions">
        <button type="button" className="btn btn-small" onClick={onDiscard} disabled={busy} data-testid="conflict-action-discard">
          {t('conflict.discard')}
        </button>
        <button type="submit" className="btn btn-small btn-primary" disabled={busy} data-testid="conflict-action-resend">
          {busy && <span className="spinner spinner-small spinner-on-primary" aria-hidden="true" />}
          {t('conflict.resend')}
        </button>
      </div>
    </form>
  );
}
