import type { ConflictAction, ConflictEntry } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { validateValues } from '../../src-shared/entities/record.schema';
import { fieldLabelKey, isMessageKey, type MessageKey } from '../../src-shared/i18n/index';
import type { FieldIssue } from '../../src-shared/result';
import { formatDateTime, formatFieldValue, formatPhoneForReading, isBlank } from '../format/field-format';
import { formatTimeAgo } from '../format/relative-time';
import { inputValue, type FormField, type FormState } from '../forms/form-values';
import type { Translator } from '../i18n/use-t';
import { entityText } from '../state/entity-text';
import { asMessageKey } from './sync-text';

/**
 * What the conflict inbox shows for each entry, worked out from the entry alone so it can be
 * tested without a page: labels and values in the user's language, the sentence that says what
 * happened, and the actions that settle it.
 */

/** Names of referenced records: undefined while not known yet, '' when the record is not on this device. */
export type RefTitleLookup = (entity: EntityName, id: string) => string | undefined;

/** A user id as a name (the directory), the raw id for someone it does not know. */
export type UserNameLookup = (id: string) => string;

/** System fields that hold a user id. */
const userFields = new Set(['ownerId', 'createdBy', 'updatedBy']);

export interface ValueView {
  field: string;
  label: string;
  /** '' for an empty value (the page shows a dash). */
  text: string;
}

export interface IssueView {
  field: string;
  label: string;
  text: string;
}

export interface ConflictView {
  id: number;
  kind: ConflictEntry['kind'];
  entity: EntityName;
  recordId: string;
  resolved: boolean;
  /** "已保留对方的值 · 3分钟前" for a settled entry. */
  resolvedText: string | null;
  createdText: string;
  kindLabel: string;
  summary: string;
  /** `field` entries: the field and both values. */
  field: { name: string; label: string; mine: string; theirs: string; theirsLabel: string } | null;
  /** `deleted` entries: what I had changed. */
  changes: ValueView[];
  /** `rejected` entries: the server's own words and the fields it named. */
  serverMessage: string | null;
  issues: IssueView[];
  actions: ConflictAction[];
}

export interface RecordGroup {
  key: string;
  entity: EntityName;
  recordId: string;
  entityLabel: string;
  title: string;
  entries: ConflictView[];
}

const actionsByKind: Record<ConflictEntry['kind'], ConflictAction[]> = {
  field: ['theirs', 'mine'],
  deleted: ['discard', 'restore'],
  rejected: ['discard', 'resend'],
};

/** Refusals nothing typed can fix: the pool account went to a colleague (撞单). Only dismissed. */
const finalCodes = new Set(['CLAIM_TAKEN']);

/** Whether a refused change may be corrected and sent again. */
export function resendable(entry: Pick<ConflictEntry, 'kind' | 'code'>): boolean {
  return entry.kind === 'rejected' && !finalCodes.has(entry.code ?? '');
}

const opKeys: Record<string, MessageKey> = {
  create: 'conflict.op.create',
  update: 'conflict.op.update',
  delete: 'conflict.op.delete',
  restore: 'conflict.op.restore',
};

const resolutionKeys: Record<string, MessageKey> = {
  mine: 'conflict.resolution.mine',
  theirs: 'conflict.resolution.theirs',
  restore: 'conflict.resolution.restore',
  resend: 'conflict.resolution.resend',
  discard: 'conflict.resolution.discard',
};

function fieldDef(entity: EntityName, field: string): FieldDef | undefined {
  const fields = entities[entity].fields as Record<string, FieldDef>;
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** The field's label; a field this version does not know (from a newer server) shows its name. */
export function fieldLabel(t: Translator, entity: EntityName, field: string): string {
  return isMessageKey(fieldLabelKey(entity, field)) ? t.field(entity, field) : field;
}

/**
 * One value as the record pages show it: enum labels, money with its currency, phone numbers
 * grouped for reading, names for references. `record` supplies siblings (the currency field).
 */
export function formatConflictValue(
  t: Translator,
  entity: EntityName,
  field: string,
  value: unknown,
  record: Record<string, unknown>,
  refTitle: RefTitleLookup,
  userName?: UserNameLookup,
): string {
  const def = fieldDef(entity, field);
  if (!def && userFields.has(field) && userName && typeof value === 'string' && value !== '') return userName(value);
  if (!def) {
    if (isBlank(value)) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  if (def.kind === 'ref') {
    if (typeof value !== 'string' || value === '') return '';
    if (!isEntityName(def.entity)) return value;
    const title = refTitle(def.entity, value);
    if (title === undefined) return '…';
    return title === '' ? t('conflict.recordGone') : title;
  }
  if (def.kind === 'refs') {
    if (!Array.isArray(value) || value.length === 0 || !isEntityName(def.entity)) return '';
    const target = def.entity;
    const titles = (value as unknown[]).map((id) => (typeof id === 'string' ? refTitle(target, id) : undefined));
    if (titles.some((title) => title === undefined)) return '…';
    return formatFieldValue(def, value, t, { refTitles: titles.map((title) => (title === '' ? t('conflict.recordGone') : (title ?? ''))) });
  }
  const text = formatFieldValue(def, value, t, { record });
  return (def.kind === 'phone' || def.kind === 'mobile') && text !== '' ? formatPhoneForReading(text) : text;
}

/** Fields in the order the entity defines them, then any the definition does not know. */
function definitionOrder(entity: EntityName, names: Iterable<string>): string[] {
  const order = Object.keys(entities[entity].fields);
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i === -1 ? order.length : i;
  };
  return [...new Set(names)].sort((a, b) => rank(a) - rank(b));
}

function issueParams(def: FieldDef | undefined): Record<string, string | number> | undefined {
  if (def && 'max' in def && def.max !== undefined) return { max: def.max };
  if ((def?.kind === 'int' || def?.kind === 'decimal') && def.min !== undefined) return { min: def.min };
  return undefined;
}

/** The localized reason of a refusal: a known code reads as a sentence, others name the code. */
export function rejectReason(t: Translator, code: string | null): string {
  const key = `conflict.code.${code ?? ''}`;
  return isMessageKey(key) ? t(key) : t('conflict.code.other', { code: code ?? '?' });
}

/**
 * A server issue in words: the shared validation.* texts, with their limits filled from the field
 * definition (the server stores only the key). A key this version does not have falls back to the
 * refusal's reason rather than showing the key.
 */
export function issueText(t: Translator, entity: EntityName, issue: { field: string; key: string }, code: string | null): string {
  if (!isMessageKey(issue.key)) return rejectReason(t, code);
  // The inbox keeps no statuses for a refused status change: say what the rule is instead.
  if (issue.key === 'validation.transition') return t('conflict.code.TRANSITION_NOT_ALLOWED');
  return t(issue.key, issueParams(fieldDef(entity, issue.field)));
}

export function conflictView(entry: ConflictEntry, t: Translator, now: number, refTitle: RefTitleLookup, userName?: UserNameLookup): ConflictView {
  const { entity } = entry;
  const who = entry.byName && entry.byName.trim() !== '' ? entry.byName : t('conflict.someone');
  const when = entry.at !== null ? formatDateTime(entry.at, t.locale) : '';
  const value = (field: string, v: unknown, record: Record<string, unknown>) => formatConflictValue(t, entity, field, v, record, refTitle, userName);
  const resolved = entry.resolvedAt !== null;

  let summary: string;
  let field: ConflictView['field'] = null;
  let changes: ValueView[] = [];
  let issues: IssueView[] = [];
  switch (entry.kind) {
    case 'field': {
      const name = entry.field ?? Object.keys(entry.mine)[0] ?? '';
      const label = fieldLabel(t, entity, name);
      const theirs = entry.theirs ?? {};
      field = {
        name,
        label,
        mine: value(name, entry.mine[name], { ...theirs, ...entry.mine }),
        theirs: value(name, theirs[name], { ...entry.mine, ...theirs }),
        theirsLabel: t('conflict.theirs', { name: who }),
      };
      summary = t('conflict.field.summary', { name: who, time: when, field: label });
      break;
    }
    case 'deleted':
      changes = definitionOrder(entity, Object.keys(entry.mine)).map((f) => ({ field: f, label: fieldLabel(t, entity, f), text: value(f, entry.mine[f], entry.mine) }));
      summary = t('conflict.deleted.summary', { name: who, time: when });
      break;
    case 'rejected':
      issues = (entry.issues ?? []).map((i) => ({ field: i.field, label: fieldLabel(t, entity, i.field), text: issueText(t, entity, i, entry.code) }));
      summary = t('conflict.rejected.summary', { op: t(opKeys[entry.op] ?? 'conflict.op.update'), reason: rejectReason(t, entry.code) });
      break;
    default: {
      const exhaustive: never = entry.kind;
      summary = String(exhaustive);
    }
  }

  return {
    id: entry.id,
    kind: entry.kind,
    entity,
    recordId: entry.recordId,
    resolved,
    resolvedText:
      entry.resolvedAt !== null
        ? t('conflict.resolvedAt', {
            resolution: t(resolutionKeys[entry.resolution ?? ''] ?? 'conflict.resolution.other'),
            time: formatTimeAgo(entry.resolvedAt, now, t),
          })
        : null,
    createdText: t('conflict.createdAt', { time: formatTimeAgo(entry.createdAt, now, t) }),
    kindLabel: t(asMessageKey(`conflict.kind.${entry.kind}`, 'conflict.kind.field')),
    summary,
    field,
    changes,
    serverMessage: entry.kind === 'rejected' && entry.message && entry.message.trim() !== '' ? t('conflict.serverMessage', { message: entry.message }) : null,
    issues,
    actions: resolved ? [] : resendable(entry) || entry.kind !== 'rejected' ? actionsByKind[entry.kind] : ['discard'],
  };
}

/**
 * Entries of one record together, in the order the list came (newest first), so three lost fields
 * of one customer read as one customer with three questions.
 */
export function groupByRecord(entries: ConflictEntry[], views: ConflictView[], t: Translator): RecordGroup[] {
  const groups = new Map<string, RecordGroup>();
  entries.forEach((entry, i) => {
    const view = views[i];
    if (!view) return;
    const key = `${entry.entity}:${entry.recordId}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        entity: entry.entity,
        recordId: entry.recordId,
        entityLabel: t(entityText[entry.entity].kind),
        title: entry.title.trim() !== '' ? entry.title : t('conflict.noTitle'),
        entries: [],
      };
      groups.set(key, group);
    }
    group.entries.push(view);
  });
  return [...groups.values()];
}

/** References among the values of the entries, so their names can be fetched in one go per entity. */
export function referencedIds(entries: ConflictEntry[]): Map<EntityName, Set<string>> {
  const wanted = new Map<EntityName, Set<string>>();
  for (const entry of entries) {
    for (const record of [entry.mine, entry.theirs ?? {}]) {
      for (const [name, v] of Object.entries(record)) {
        const def = fieldDef(entry.entity, name);
        if ((def?.kind !== 'ref' && def?.kind !== 'refs') || !isEntityName(def.entity)) continue;
        const found = (Array.isArray(v) ? (v as unknown[]) : [v]).filter((id): id is string => typeof id === 'string' && id !== '');
        if (found.length === 0) continue;
        let ids = wanted.get(def.entity);
        if (!ids) {
          ids = new Set();
          wanted.set(def.entity, ids);
        }
        for (const id of found) ids.add(id);
      }
    }
  }
  return wanted;
}

/**
 * The fields a refused change lets the user correct: what they typed and what the server named.
 * A refused create carries every field; of those, the filled and the required ones are enough to
 * fix it without a wall of empty inputs. System fields are never edited in a form.
 */
export function rejectedFormFields(entry: ConflictEntry): FormField[] {
  const { entity } = entry;
  const named = new Set((entry.issues ?? []).map((i) => i.field));
  const candidates = entry.op === 'create' ? Object.keys(entities[entity].fields).filter((f) => !isBlank(entry.mine[f]) || named.has(f) || fieldDef(entity, f)?.required) : [...Object.keys(entry.mine), ...named];
  return definitionOrder(entity, candidates).flatMap((name) => {
    const def = fieldDef(entity, name);
    return def && !def.system ? [{ name, def }] : [];
  });
}

export interface ResendCheck {
  /** The whole change to send again: what I typed, with the corrections on top. */
  values: Record<string, unknown>;
  issues: FieldIssue[];
}

/** Checks the corrected fields with the shared validation before they go back to the server. */
export function checkResend(entry: ConflictEntry, fields: FormField[], state: FormState): ResendCheck {
  const input: Record<string, unknown> = {};
  for (const { name, def } of fields) input[name] = inputValue(def, state[name] ?? '');
  const { values, issues } = validateValues(entry.entity, input, 'update');
  return { values: { ...entry.mine, ...values }, issues };
}

/**
 * The server's issues as the form shows them under each field: limits filled in from the
 * definition, and a key this version lacks replaced by the refusal's own reason.
 */
export function serverFieldIssues(entry: ConflictEntry): FieldIssue[] {
  return (entry.issues ?? []).map((issue) => {
    const params = issueParams(fieldDef(entry.entity, issue.field));
    const fallback = `conflict.code.${entry.code ?? ''}`;
    const known = isMessageKey(issue.key) && issue.key !== 'validation.transition' ? issue.key : undefined;
    const key = known ?? (issue.key === 'validation.transition' ? 'conflict.code.TRANSITION_NOT_ALLOWED' : isMessageKey(fallback) ? fallback : 'validation.format');
    return params ? { field: issue.field, key, params } : { field: issue.field, key };
  });
}
