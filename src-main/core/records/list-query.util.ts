import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, not, or, sql, type SQL } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { ListFilter } from '../../../src-shared/api/client-api.contract';
import { entities, type EntityName, type FieldDef } from '../../../src-shared/entities/index';
import { buildMatchQuery } from '../../../src-shared/search/tokenize.util';
import { CrmError } from '../../../src-shared/result';
import { tableColumns } from '../db/schema';
import { docRange } from '../search/search.index';

/** System columns the grid may sort and filter on besides the entity's own fields. */
const systemColumns: Record<string, FieldDef> = {
  id: { kind: 'text' },
  ownerId: { kind: 'ref', entity: 'user' },
  createdAt: { kind: 'datetime' },
  updatedAt: { kind: 'datetime' },
};

export function queryableField(entity: EntityName, field: string): FieldDef {
  const fields = entities[entity].fields as Record<string, FieldDef>;
  const def = Object.hasOwn(fields, field) ? fields[field] : Object.hasOwn(systemColumns, field) ? systemColumns[field] : undefined;
  if (!def) throw new CrmError('BAD_REQUEST', `${entity} has no field ${field}`);
  return def;
}

function column(entity: EntityName, field: string): AnySQLiteColumn {
  queryableField(entity, field);
  const col = tableColumns(entity)[field];
  if (!col) throw new CrmError('BAD_REQUEST', `${entity} has no column ${field}`);
  return col;
}

/** LIKE with the user's text taken literally: % and _ typed in a filter are not wildcards. */
function likeEscaped(col: AnySQLiteColumn, pattern: (v: string) => string, value: string): SQL {
  const escaped = value.replace(/[\\%_]/g, (c) => `\\${c}`);
  return sql`${col} LIKE ${pattern(escaped)} ESCAPE '\\'`;
}

type Scalar = string | number | boolean | null;

function scalar(value: ListFilter['value']): Scalar {
  if (Array.isArray(value)) throw new CrmError('BAD_REQUEST', 'expected a single value');
  return value ?? null;
}

function text(value: ListFilter['value']): string {
  const v = scalar(value);
  if (typeof v !== 'string') throw new CrmError('BAD_REQUEST', 'expected text');
  return v;
}

export function filterCondition(entity: EntityName, filter: ListFilter): SQL {
  const def = queryableField(entity, filter.field);
  const col = column(entity, filter.field);
  if (def.kind === 'lines') {
    if (filter.op === 'blank') return sql`json_array_length(${col}) = 0`;
    if (filter.op === 'notBlank') return sql`json_array_length(${col}) > 0`;
    // A line's product: any line naming it.
    if (filter.op === 'eq') return sql`EXISTS (SELECT 1 FROM json_each(${col}) WHERE json_extract(value, '$.productId') = ${text(filter.value)})`;
    throw new CrmError('BAD_REQUEST', `${filter.field} can be filtered by product (eq) or blank / notBlank only`);
  }
  if (def.kind === 'tags' || def.kind === 'refs') {
    // Tags and several refs are a JSON array; match any element.
    if (filter.op === 'blank') return sql`json_array_length(${col}) = 0`;
    if (filter.op === 'notBlank') return sql`json_array_length(${col}) > 0`;
    const needle = text(filter.value);
    const exact = filter.op === 'eq';
    return sql`EXISTS (SELECT 1 FROM json_each(${col}) WHERE ${exact ? sql`value = ${needle}` : sql`value LIKE ${`%${needle}%`}`})`;
  }
  switch (filter.op) {
    case 'eq':
      return filter.value === null ? isNull(col) : eq(col, scalar(filter.value));
    case 'neq':
      return filter.value === null ? sql`${col} IS NOT NULL` : or(ne(col, scalar(filter.value)), isNull(col)) ?? sql`1`;
    case 'contains':
      return likeEscaped(col, (v) => `%${v}%`, text(filter.value));
    case 'notContains':
      return or(not(likeEscaped(col, (v) => `%${v}%`, text(filter.value))), isNull(col)) ?? sql`1`;
    case 'startsWith':
      return likeEscaped(col, (v) => `${v}%`, text(filter.value));
    case 'endsWith':
      return likeEscaped(col, (v) => `%${v}`, text(filter.value));
    case 'in': {
      const values = Array.isArray(filter.value) ? filter.value : [scalar(filter.value)];
      const present = values.filter((v): v is string | number | boolean => v !== null);
      const inList = present.length > 0 ? inArray(col, present) : sql`0`;
      return values.includes(null) ? (or(inList, isNull(col)) ?? inList) : inList;
    }
    case 'lt':
      return lt(col, scalar(filter.value));
    case 'lte':
      return lte(col, scalar(filter.value));
    case 'gt':
      return gt(col, scalar(filter.value));
    case 'gte':
      return gte(col, scalar(filter.value));
    case 'between':
      return and(gte(col, scalar(filter.value)), lte(col, filter.value2 ?? null)) ?? sql`1`;
    case 'blank':
      return or(isNull(col), eq(col, '')) ?? isNull(col);
    case 'notBlank':
      return and(sql`${col} IS NOT NULL`, ne(col, '')) ?? sql`1`;
    default: {
      const exhaustive: never = filter.op;
      throw new CrmError('BAD_REQUEST', `unknown filter op ${String(exhaustive)}`);
    }
  }
}

/** Ids of `entity` whose search document matches `quick`; null when nothing searchable was typed. */
export function quickFilterCondition(entity: EntityName, quick: string): SQL | null {
  const match = buildMatchQuery(quick);
  if (!match) return null;
  const id = tableColumns(entity).id;
  const { lo, hi } = docRange(entity);
  return sql`${id} IN (SELECT d.record_id FROM search_doc d WHERE d.doc_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ${match} AND rowid BETWEEN ${lo} AND ${hi}))`;
}

export function orderBy(entity: EntityName, sort: { field: string; dir: 'asc' | 'desc' }[]): SQL[] {
  const effective = sort.length > 0 ? sort : [entities[entity].defaultSort];
  const out = effective.map((s) => (s.dir === 'asc' ? asc(column(entity, s.field)) : desc(column(entity, s.field))));
  // Paging must be stable when many rows share a value (same city, level...).
  // A unique tie-breaker in the first key's direction: index entries are (field, rowid), so the
  // index serves the whole ORDER BY.
  out.push(effective[0]?.dir === 'desc' ? sql`rowid DESC` : sql`rowid ASC`);
  return out;
}
