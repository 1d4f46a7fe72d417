import type { ListFilter } from '../../src-shared/api/client-api.contract';
import type { FieldDef } from '../../src-shared/entities/index';

/**
 * Translates ag-grid's filter and sort models into the list query of the client API. Conditions
 * are ANDed by the core, so the grid's filters allow one condition per column (maxNumConditions 1);
 * a combined AND model is flattened, and an OR model is reduced to its first condition rather than
 * silently widened.
 */

/** The model of the checkbox filter used for enum and bool columns (the Set Filter is enterprise-only). */
export interface ValuesFilterModel {
  filterType: 'values';
  values: string[];
}

interface SimpleCondition {
  filterType?: string;
  type?: string;
  filter?: string | number | null;
  filterTo?: string | number | null;
  dateFrom?: string | null;
  dateTo?: string | null;
}

interface CombinedCondition {
  filterType?: string;
  operator: 'AND' | 'OR';
  conditions: SimpleCondition[];
}

type ColumnModel = SimpleCondition | CombinedCondition | ValuesFilterModel;

export const textFilterOptions = ['contains', 'notContains', 'equals', 'notEqual', 'startsWith', 'endsWith', 'blank', 'notBlank'] as const;
export const tagsFilterOptions = ['contains', 'equals', 'blank', 'notBlank'] as const;
export const numberFilterOptions = ['equals', 'notEqual', 'lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual', 'inRange', 'blank', 'notBlank'] as const;
export const dateFilterOptions = ['equals', 'notEqual', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank'] as const;
/** "Not on this day" would need an OR of two conditions, which the list query cannot express. */
export const dateTimeFilterOptions = ['equals', 'lessThan', 'greaterThan', 'inRange', 'blank', 'notBlank'] as const;

const textOps: Record<string, ListFilter['op']> = {
  contains: 'contains',
  notContains: 'notContains',
  equals: 'eq',
  notEqual: 'neq',
  startsWith: 'startsWith',
  endsWith: 'endsWith',
  blank: 'blank',
  notBlank: 'notBlank',
};
const compareOps: Record<string, ListFilter['op']> = {
  equals: 'eq',
  notEqual: 'neq',
  lessThan: 'lt',
  lessThanOrEqual: 'lte',
  greaterThan: 'gt',
  greaterThanOrEqual: 'gte',
  inRange: 'between',
  blank: 'blank',
  notBlank: 'notBlank',
};

/** 'YYYY-MM-DD hh:mm:ss' (ag-grid's date filter) → 'YYYY-MM-DD'. */
function day(value: string | null | undefined): string | null {
  const m = value ? /^(\d{4}-\d{2}-\d{2})/.exec(value) : null;
  return m?.[1] ?? null;
}

/** Start of a local calendar day in epoch ms: "on 3 May" means the user's 3 May, not UTC's. */
export function localDayStart(dayText: string): number {
  const [y, m, d] = dayText.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1).getTime();
}
export function localDayEnd(dayText: string): number {
  const [y, m, d] = dayText.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1).getTime() - 1;
}

function numberValue(value: string | number | null | undefined, scale: number): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.round(n * scale) : null;
}

function conditionFilters(field: string, def: FieldDef, c: SimpleCondition): ListFilter[] {
  const type = c.type ?? '';
  if (type === 'blank' || type === 'notBlank') return [{ field, op: type }];
  switch (def.kind) {
    case 'int':
    case 'money': {
      const op = compareOps[type];
      const scale = def.kind === 'money' ? 100 : 1;
      const value = numberValue(c.filter, scale);
      if (!op || value === null) return [];
      if (op === 'between') {
        const to = numberValue(c.filterTo, scale);
        return to === null ? [] : [{ field, op, value, value2: to }];
      }
      return [{ field, op, value }];
    }
    case 'date': {
      const from = day(c.dateFrom);
      const op = compareOps[type];
      if (!op || !from) return [];
      if (op === 'between') {
        const to = day(c.dateTo);
        return to ? [{ field, op, value: from, value2: to }] : [];
      }
      return [{ field, op, value: from }];
    }
    case 'datetime': {
      const from = day(c.dateFrom);
      if (!from) return [];
      switch (type) {
        case 'equals':
          return [{ field, op: 'between', value: localDayStart(from), value2: localDayEnd(from) }];
        case 'lessThan':
          return [{ field, op: 'lt', value: localDayStart(from) }];
        case 'greaterThan':
          return [{ field, op: 'gt', value: localDayEnd(from) }];
        case 'inRange': {
          const to = day(c.dateTo);
          return to ? [{ field, op: 'between', value: localDayStart(from), value2: localDayEnd(to) }] : [];
        }
        default:
          return [];
      }
    }
    default: {
      const op = textOps[type];
      const text = typeof c.filter === 'string' ? c.filter.trim() : c.filter === null || c.filter === undefined ? '' : String(c.filter);
      if (!op || text === '') return [];
      return [{ field, op, value: text }];
    }
  }
}

function valuesFilter(field: string, def: FieldDef, model: ValuesFilterModel): ListFilter[] {
  const values = def.kind === 'bool' ? model.values.map((v) => v === 'true') : model.values;
  return [{ field, op: 'in', value: values }];
}

export function toListFilters(fields: (field: string) => FieldDef | undefined, filterModel: Record<string, ColumnModel> | null | undefined): ListFilter[] {
  const out: ListFilter[] = [];
  for (const [field, model] of Object.entries(filterModel ?? {})) {
    const def = fields(field);
    if (!def || !model) continue;
    if (model.filterType === 'values' && 'values' in model) {
      out.push(...valuesFilter(field, def, model));
    } else if ('conditions' in model && Array.isArray(model.conditions)) {
      const conditions = model.operator === 'AND' ? model.conditions : model.conditions.slice(0, 1);
      for (const c of conditions) out.push(...conditionFilters(field, def, c));
    } else {
      out.push(...conditionFilters(field, def, model as SimpleCondition));
    }
  }
  return out;
}

export function toListSort(sortModel: { colId: string; sort: 'asc' | 'desc' }[]): { field: string; dir: 'asc' | 'desc' }[] {
  return sortModel.slice(0, 4).map((s) => ({ field: s.colId, dir: s.sort }));
}
