import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName, type FieldDef, type LineItem } from '../../src-shared/entities/index';
import { validateValues } from '../../src-shared/entities/record.schema';
import { recordIssues } from '../../src-shared/entities/rules';
import type { FieldIssue } from '../../src-shared/result';
import { draftToLine, lineToDraft, readDrafts, readIds, writeDrafts } from './line-drafts';

/**
 * The form keeps what the user typed as strings (and booleans for checkboxes); these helpers turn
 * a record into that state and the state back into values the shared validation understands.
 * A refs field's ids and a lines field's rows (as typed: see line-drafts.ts) are JSON text.
 */
export type FormState = Record<string, string | boolean>;

export interface FormField {
  name: string;
  def: FieldDef;
}

/** Editable fields per section, in definition order; system fields are never sent from a form. */
export function formSections(entity: EntityName, options: { includeSystem?: boolean } = {}): { section: string; fields: FormField[] }[] {
  const def = entities[entity];
  const fields = def.fields as Record<string, FieldDef>;
  const firstSection = def.sections[0] ?? 'basic';
  return def.sections
    .map((section) => ({
      section,
      fields: Object.entries(fields)
        .filter(([, f]) => (f.section ?? firstSection) === section && (options.includeSystem || !f.system))
        .map(([name, f]) => ({ name, def: f })),
    }))
    .filter((s) => s.fields.length > 0);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** epoch ms → the local 'YYYY-MM-DDTHH:mm' a datetime-local input shows. */
export function toLocalDateTimeInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalDateTimeInput(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])).getTime();
}

function stateValue(def: FieldDef, value: unknown): string | boolean {
  if (def.kind === 'bool') return value === true;
  if (value === null || value === undefined) return def.kind === 'enum' && def.default !== undefined ? def.default : '';
  switch (def.kind) {
    case 'tags':
      return Array.isArray(value) ? value.join(', ') : String(value);
    case 'datetime':
      return typeof value === 'number' ? toLocalDateTimeInput(value) : '';
    case 'money':
      return typeof value === 'number' ? (value / 100).toFixed(2) : '';
    case 'refs':
      return JSON.stringify(Array.isArray(value) ? value : []);
    case 'lines':
      return writeDrafts(Array.isArray(value) ? (value as LineItem[]).map(lineToDraft) : []);
    default:
      return String(value);
  }
}

export function initialFormState(entity: EntityName, record?: Record<string, unknown>, defaults?: Record<string, unknown>): FormState {
  const state: FormState = {};
  for (const [name, def] of Object.entries(entities[entity].fields as Record<string, FieldDef>)) {
    const source = record ?? defaults ?? {};
    state[name] = stateValue(def, source[name]);
  }
  return state;
}

/** What one field's state means as input to validateValues (amounts to 分, times to epoch ms). */
export function inputValue(def: FieldDef, value: string | boolean): unknown {
  if (typeof value === 'boolean') return value;
  switch (def.kind) {
    case 'datetime':
      return value.trim() === '' ? null : (fromLocalDateTimeInput(value) ?? value);
    case 'money': {
      const text = value.replace(/[,\s¥￥]/g, '');
      if (text === '') return null;
      // Yuan with at most two decimals; anything else goes through as text and fails validation.
      return /^-?\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : value;
    }
    case 'refs':
      return readIds(value);
    case 'lines':
      return readDrafts(value).map(draftToLine);
    default:
      return value;
  }
}

export function formInput(entity: EntityName, state: FormState): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const { fields } of formSections(entity)) {
    for (const { name, def } of fields) input[name] = inputValue(def, state[name] ?? '');
  }
  return input;
}

/** JSON with object keys in order: two line items with the same values compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return canonical(a ?? []) === canonical(b ?? []);
  return (a ?? null) === (b ?? null);
}

export interface FormCheck {
  /** Values to send: everything on create, only what changed on update. */
  values: Record<string, unknown>;
  issues: FieldIssue[];
}

/** Runs the shared validation the core will run again, and works out what to send. */
export function checkForm(entity: EntityName, state: FormState, record?: RecordData): FormCheck {
  const mode = record ? 'update' : 'create';
  const input = formInput(entity, state);
  const { values, issues } = validateValues(entity, input, mode);
  // The record's own rules, as the core will check them (a disqualified lead's reason, an order's
  // next status, an activity's account or lead), on the fields that passed.
  // A deal's status follows its stage, which only the core looks up: a new stage leaves that to it.
  const stageMoved = entity === 'opportunity' && 'stageId' in values && values.stageId !== record?.stageId;
  for (const issue of recordIssues(entity, record ?? null, { ...(record ?? {}), ...values })) {
    if (stageMoved && issue.key === 'validation.lostReason') continue;
    if (!issues.some((i) => i.field === issue.field)) issues.push(issue);
  }
  // On create the validation also fills defaults of system fields, which the core refuses from a form.
  if (!record) return { values: Object.fromEntries(Object.entries(values).filter(([name]) => name in input)), issues };
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) if (!sameValue(record[name], value)) changed[name] = value;
  return { values: changed, issues };
}
