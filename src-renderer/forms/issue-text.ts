import { fieldDef, type EntityName } from '../../src-shared/entities/index';
import type { FieldIssue } from '../../src-shared/result';
import type { Translator } from '../i18n/use-t';

/**
 * A field issue in words. A refused status change names the statuses (the core sends their
 * values, from / to): they read as their labels, and a new record's refused first status says so.
 */
export function issueMessage(t: Translator, entity: EntityName, issue: FieldIssue): string {
  if (issue.key === 'validation.transition') {
    const def = fieldDef(entity, issue.field);
    const label = (v: unknown) => (def?.kind === 'enum' && typeof v === 'string' && v !== '' ? t.enumLabel(def.enumName, v) : String(v ?? ''));
    const from = issue.params?.from;
    if (from === undefined || from === '') return t('validation.transitionNew', { to: label(issue.params?.to) });
    return t('validation.transition', { from: label(from), to: label(issue.params?.to) });
  }
  return t.dyn(issue.key, issue.params);
}
