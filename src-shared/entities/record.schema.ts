import { z } from 'zod';
import type { FieldIssue } from '../result';
import { isEmail, normalizeMobile, normalizePhone, normalizeUrl } from '../phone.util';
import { lineItemSchema } from '../sales/lines.util';
import type { FieldDef } from './field';
import { entities, type EntityName } from './index';

/**
 * Validation derived from the entity definitions, used by the form (inline messages) and by the
 * core (authoritative). Each field's schema takes what a form or the CLI sends (strings, numbers,
 * null) and yields the stored value; its error messages are i18n keys under `validation.`.
 */
const blankToNull = (v: unknown) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? null : v);
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

function textSchema(max: number, normalise?: (v: string) => string | null, formatKey?: string) {
  return z.preprocess(
    (v) => blankToNull(trimmed(v)),
    z
      .string({ error: 'validation.text' })
      .max(max, { error: 'validation.tooLong' })
      .transform((v, ctx) => {
        if (!normalise) return v;
        const out = normalise(v);
        if (out === null) {
          ctx.addIssue({ code: 'custom', message: formatKey ?? 'validation.format' });
          return z.NEVER;
        }
        return out;
      })
      .nullable(),
  );
}

const intLike = z.preprocess(
  (v) => {
    const b = blankToNull(trimmed(v));
    return typeof b === 'string' && /^-?\d+$/.test(b) ? Number(b) : b;
  },
  z.number({ error: 'validation.number' }).int({ error: 'validation.integer' }).nullable(),
);

export function fieldSchema(def: FieldDef): z.ZodType<unknown> {
  switch (def.kind) {
    case 'text':
    case 'longtext':
      return textSchema(def.max ?? (def.kind === 'text' ? 200 : 10000));
    case 'email':
      return textSchema(def.max ?? 200, (v) => (isEmail(v) ? v.toLowerCase() : null), 'validation.email');
    case 'phone':
      return textSchema(def.max ?? 20, normalizePhone, 'validation.phone');
    case 'mobile':
      return textSchema(def.max ?? 20, normalizeMobile, 'validation.mobile');
    case 'url':
      return textSchema(def.max ?? 300, normalizeUrl, 'validation.url');
    case 'enum':
      return z.preprocess(blankToNull, z.enum(def.values as [string, ...string[]], { error: 'validation.enum' }).nullable());
    case 'int':
      return intLike.refine((v) => v === null || ((def.min === undefined || v >= def.min) && (def.max === undefined || v <= def.max)), {
        error: 'validation.range',
      });
    case 'money':
      // Minor units (分) only: a fraction here means a caller forgot to convert from yuan.
      return intLike.refine((v) => v === null || Math.abs(v) <= Number.MAX_SAFE_INTEGER, { error: 'validation.range' });
    case 'datetime':
      return intLike.refine((v) => v === null || v >= 0, { error: 'validation.range' });
    case 'date':
      return z.preprocess(
        blankToNull,
        z
          .string({ error: 'validation.date' })
          .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'validation.date' })
          .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
            error: 'validation.date',
          })
          .nullable(),
      );
    case 'bool':
      return z.preprocess((v) => (v === 'true' || v === 1 ? true : v === 'false' || v === 0 || v === null || v === undefined ? false : v), z.boolean({ error: 'validation.bool' }));
    case 'ref':
      return z.preprocess(blankToNull, z.string({ error: 'validation.ref' }).min(1, { error: 'validation.ref' }).max(64, { error: 'validation.ref' }).nullable());
    case 'tags':
      return z.preprocess(
        (v) =>
          typeof v === 'string'
            ? v
                .split(/[,，;；]/)
                .map((s) => s.trim())
                .filter(Boolean)
            : v === null || v === undefined
              ? []
              : v,
        z.array(z.string().trim().min(1).max(30, { error: 'validation.tooLong' }), { error: 'validation.tags' }).max(20, { error: 'validation.tooMany' }),
      );
    case 'decimal':
      return z.preprocess(
        (v) => {
          const b = blankToNull(trimmed(v));
          return typeof b === 'string' && /^-?\d+(\.\d+)?$/.test(b) ? Number(b) : b;
        },
        z
          .number({ error: 'validation.number' })
          .refine((v) => Number.isFinite(v) && (def.min === undefined || v >= def.min) && (def.max === undefined || v <= def.max), { error: 'validation.range' })
          .transform((v) => Math.round(v * 10 ** def.scale) / 10 ** def.scale)
          .nullable(),
      );
    case 'refs':
      return z.preprocess(
        (v) =>
          v === null || v === undefined || v === ''
            ? []
            : typeof v === 'string'
              ? v
                  .split(/[,，]/)
                  .map((s) => s.trim())
                  .filter(Boolean)
              : v,
        z
          .array(z.string().min(1).max(64), { error: 'validation.ref' })
          .max(50, { error: 'validation.tooMany' })
          .transform((ids) => [...new Set(ids)]),
      );
    case 'lines':
      return z.preprocess((v) => (v === null || v === undefined || v === '' ? [] : typeof v === 'string' ? safeJson(v) : v), z.array(lineItemSchema, { error: 'validation.lines' }).max(200, { error: 'validation.tooMany' }));
    default: {
      const exhaustive: never = def;
      return exhaustive;
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function issueParams(def: FieldDef): Record<string, string | number> | undefined {
  if ('max' in def && def.max !== undefined) return { max: def.max };
  if ((def.kind === 'int' || def.kind === 'decimal') && def.min !== undefined) return { min: def.min };
  return undefined;
}

export interface ValidationOutcome {
  values: Record<string, unknown>;
  issues: FieldIssue[];
}

/**
 * Checks and normalises the values a user sent. On `create`, defaults fill what is missing and
 * required fields must be present; on `update`, only the fields sent are checked, and a required
 * field may not be cleared. System fields (follow-up dates, pool state) are refused from forms
 * unless `allowSystem` is set by the core's own workflows.
 */
export function validateValues(
  entity: EntityName,
  input: Record<string, unknown>,
  mode: 'create' | 'update',
  options: { allowSystem?: boolean } = {},
): ValidationOutcome {
  const fields = entities[entity].fields as Record<string, FieldDef>;
  const values: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const [name, raw] of Object.entries(input)) {
    const def = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (!def) {
      if (name !== 'ownerId') issues.push({ field: name, key: 'validation.unknownField' });
      else if (typeof raw === 'string' && raw.length > 0) values.ownerId = raw;
      else issues.push({ field: name, key: 'validation.ref' });
      continue;
    }
    if (def.system && !options.allowSystem) {
      issues.push({ field: name, key: 'validation.readOnly' });
      continue;
    }
    const parsed = fieldSchema(def).safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const key = first?.message.startsWith('validation.') ? first.message : 'validation.format';
      const params = issueParams(def);
      issues.push(params ? { field: name, key, params } : { field: name, key });
      continue;
    }
    values[name] = parsed.data;
  }
  for (const [name, def] of Object.entries(fields)) {
    if (mode === 'create' && !(name in values) && !issues.some((i) => i.field === name)) {
      if (def.kind === 'enum' && def.default !== undefined) values[name] = def.default;
      else if (def.kind === 'bool') values[name] = def.default ?? false;
      else if (def.kind === 'tags' || def.kind === 'refs' || def.kind === 'lines') values[name] = [];
      else values[name] = null;
    }
    if (def.required && name in values && (values[name] === null || values[name] === '')) {
      if (!issues.some((i) => i.field === name)) issues.push({ field: name, key: 'validation.required' });
    }
  }
  return { values, issues };
}
