import type { SearchHit } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { formatFieldValue, formatPhoneForReading } from '../format/field-format';
import type { Translator } from '../i18n/use-t';
import { api } from './client';
import { loadRefTitles, refTitle } from './ref-titles';

/** Kinds the search index can show as stored; the others (references, amounts, times, statuses) need formatting. */
const readable = new Set<FieldDef['kind']>(['text', 'longtext', 'email', 'phone', 'mobile', 'url']);

function needsFormatting(entity: EntityName): boolean {
  const fields = entities[entity].fields as Record<string, FieldDef>;
  return entities[entity].subtitleFields.some((name) => {
    const def = fields[name];
    return def !== undefined && !readable.has(def.kind);
  });
}

/**
 * Subtitles of search hits as the record pages would show them (a deal's account name and close
 * date, a payment's amount in yuan): the hits' records are read in one list call per entity.
 * Keyed `entity:id`; hits whose subtitle reads fine as indexed are left out.
 */
export async function hitSubtitles(hits: readonly SearchHit[], t: Translator): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const byEntity = new Map<EntityName, string[]>();
  for (const hit of hits) {
    if (!needsFormatting(hit.entity)) continue;
    byEntity.set(hit.entity, [...(byEntity.get(hit.entity) ?? []), hit.id]);
  }
  await Promise.all(
    [...byEntity].map(async ([entity, ids]) => {
      const fields = entities[entity].fields as Record<string, FieldDef>;
      const names = entities[entity].subtitleFields;
      const { rows } = await api['record.list']({ entity, filters: [{ field: 'id', op: 'in', value: ids }], limit: ids.length, withTotal: false });
      await Promise.all(
        names.map((name) => {
          const def = fields[name];
          return def?.kind === 'ref' && isEntityName(def.entity) ? loadRefTitles(def.entity, rows.map((r) => r[name])) : undefined;
        }),
      );
      for (const row of rows) {
        const parts = names.flatMap((name) => {
          const def = fields[name];
          if (!def) return [];
          const value = row[name];
          const text =
            def.kind === 'ref'
              ? isEntityName(def.entity)
                ? (refTitle(def.entity, value) ?? '')
                : ''
              : def.kind === 'phone' || def.kind === 'mobile'
                ? formatPhoneForReading(formatFieldValue(def, value, t))
                : formatFieldValue(def, value, t, { record: row });
          return text === '' ? [] : [text];
        });
        out.set(`${entity}:${row.id}`, parts.join(' • '));
      }
    }),
  );
  return out;
}
