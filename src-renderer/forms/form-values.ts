import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { validateValues } from '../../src-shared/entities/record.schema';
import type { FieldIssue } from '../../src-shared/result';

/**
 * The form keeps what the user typed as strings (and booleans for checkboxes); these helpers turn
 * a record into that state and the state back into values the shared validation understands.
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

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
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
  // On create the validation also fills defaults of system fields, which the core refuses from a form.
  if (!record) return { values: Object.fromEntries(Object.entries(values).filter(([name]) => name in input)), issues };
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) if (!sameValue(record[name], value)) changed[name] = value;
  return { values: changed, issues };
}
