import { describe, expect, it } from 'vitest';
import { fieldDef, type FieldDef } from '../../src-shared/entities/index';
import { localDayEnd, localDayStart, toListFilters, toListSort } from '../../src-renderer/grid/filter-model';

const accountField = (name: string): FieldDef | undefined => fieldDef('account', name) ?? (name === 'createdAt' ? { kind: 'datetime' } : undefined);
const contactField = (name: string): FieldDef | undefined => fieldDef('contact', name);

describe('grid filter model → list query filters', () => {
  it('maps each text filter type to its list operator', () => {
    const cases: [string, string][] = [
      ['contains', 'contains'],
      ['notContains', 'notContains'],
      ['equals', 'eq'],
      ['notEqual', 'neq'],
      ['startsWith', 'startsWith'],
      ['endsWith', 'endsWith'],
    ];
    for (const [type, op] of cases) {
      expect(toListFilters(accountField, { name: { filterType: 'text', type, filter: ' 华为 ' } })).toEqual([{ field: 'name', op, value: '华为' }]);
    }
  });

  it('drops a text condition with nothing typed instead of matching everything or nothing', () => {
    expect(toListFilters(accountField, { name: { filterType: 'text', type: 'contains', filter: '' } })).toEqual([]);
  });

  it('passes blank and notBlank without a value', () => {
    expect(toListFilters(accountField, { phone: { filterType: 'text', type: 'blank' } })).toEqual([{ field: 'phone', op: 'blank' }]);
    expect(toListFilters(accountField, { level: { filterType: 'text', type: 'notBlank' } })).toEqual([{ field: 'level', op: 'notBlank' }]);
  });

  it('maps the checkbox filter of an enum to `in`, and of a bool to booleans', () => {
    expect(toListFilters(accountField, { level: { filterType: 'values', values: ['A', 'B'] } })).toEqual([{ field: 'level', op: 'in', value: ['A', 'B'] }]);
    expect(toListFilters(contactField, { isPrimary: { filterType: 'values', values: ['true'] } })).toEqual([{ field: 'isPrimary', op: 'in', value: [true] }]);
  });

  it('turns a datetime "equals" day into the whole local day', () => {
    const [filter] = toListFilters(accountField, { createdAt: { filterType: 'date', type: 'equals', dateFrom: '2025-03-08 00:00:00' } });
    expect(filter).toEqual({ field: 'createdAt', op: 'between', value: localDayStart('2025-03-08'), value2: localDayEnd('2025-03-08') });
    const start = new Date(localDayStart('2025-03-08'));
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours(), start.getMinutes()]).toEqual([2025, 2, 8, 0, 0]);
    const end = new Date(localDayEnd('2025-03-08'));
    expect([end.getDate(), end.getHours(), end.getMinutes(), end.getSeconds(), end.getMilliseconds()]).toEqual([8, 23, 59, 59, 999]);
  });

  it('makes datetime "before" and "after" exclude the chosen day itself', () => {
    expect(toListFilters(accountField, { createdAt: { filterType: 'date', type: 'lessThan', dateFrom: '2025-03-08 00:00:00' } })).toEqual([
      { field: 'createdAt', op: 'lt', value: localDayStart('2025-03-08') },
    ]);
    expect(toListFilters(accountField, { createdAt: { filterType: 'date', type: 'greaterThan', dateFrom: '2025-03-08 00:00:00' } })).toEqual([
      { field: 'createdAt', op: 'gt', value: localDayEnd('2025-03-08') },
    ]);
  });

  it('compares calendar-day fields as YYYY-MM-DD text', () => {
    expect(
      toListFilters(contactField, { birthday: { filterType: 'date', type: 'inRange', dateFrom: '1980-01-01 00:00:00', dateTo: '1989-12-31 00:00:00' } }),
    ).toEqual([{ field: 'birthday', op: 'between', value: '1980-01-01', value2: '1989-12-31' }]);
  });

  it('flattens an AND of conditions and keeps only the first of an OR', () => {
    const and = { filterType: 'text', operator: 'AND' as const, conditions: [{ type: 'startsWith', filter: '北京' }, { type: 'endsWith', filter: '公司' }] };
    expect(toListFilters(accountField, { name: and })).toEqual([
      { field: 'name', op: 'startsWith', value: '北京' },
      { field: 'name', op: 'endsWith', value: '公司' },
    ]);
    expect(toListFilters(accountField, { name: { ...and, operator: 'OR' as const } })).toEqual([{ field: 'name', op: 'startsWith', value: '北京' }]);
  });

  it('ignores columns that are not fields of the entity', () => {
    expect(toListFilters(accountField, { nonsense: { filterType: 'text', type: 'contains', filter: 'x' } })).toEqual([]);
  });

  it('keeps at most four sort keys, in order', () => {
    const sort = ['name', 'city', 'level', 'source', 'phone'].map((colId) => ({ colId, sort: 'asc' as const }));
    expect(toListSort(sort).map((s) => s.field)).toEqual(['name', 'city', 'level', 'source']);
  });
});
