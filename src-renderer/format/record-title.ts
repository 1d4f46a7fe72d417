import { entities, type EntityName } from '../../src-shared/entities/index';
import { translate, type Locale } from '../../src-shared/i18n/index';

/** Codes of the pipeline stages every installation starts with; their names come from i18n (stage.<code>). */
export const builtInStageCodes = ['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'] as const;

/** The label of a built-in stage in the user's language, or null for a stage an admin added (it shows its name). */
export function stageLabel(code: unknown, locale: Locale): string | null {
  if (typeof code !== 'string' || !(builtInStageCodes as readonly string[]).includes(code)) return null;
  return translate(locale, `stage.${code}`);
}

/** What names a record on screen: its title field, or a built-in stage's translated label. */
export function recordTitle(entity: EntityName, record: Record<string, unknown>, locale: Locale): string {
  if (entity === 'stage') {
    const label = stageLabel(record.code, locale);
    if (label) return label;
  }
  return String(record[entities[entity].titleField] ?? '');
}
