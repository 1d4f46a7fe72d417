import { isEntityName } from '../../src-shared/entities/index';
import { isMessageKey } from '../../src-shared/i18n/index';
import type { CrmError } from '../../src-shared/result';
import type { Translator } from '../i18n/use-t';

/**
 * Why the server refused a change to the organisation, in words (adminOrg.refused.<reason>), or
 * null when the error is not such a refusal (offline, forbidden, a bug: the usual toast says it).
 * A field named as `entity.field` reads as its labels, 客户 · 名称.
 */
export function refusalText(t: Translator, error: Pick<CrmError, 'issues'>): string | null {
  const issue = error.issues?.[0];
  if (!issue || !issue.key.startsWith('adminOrg.refused.') || !isMessageKey(issue.key)) return null;
  const params: Record<string, string | number> = { ...issue.params };
  // A role definition naming a field this version does not have (not a title hidden).
  const key = issue.key === 'adminOrg.refused.role_invalid' && params.issue === 'permission.unknownField' ? 'adminOrg.refused.role_unknown_field' : issue.key;
  const field = params.field;
  if (typeof field === 'string' && field.includes('.')) {
    const [entity, name] = field.split('.') as [string, string];
    if (isEntityName(entity)) params.field = `${t.dyn(`entity.${entity}`)} · ${t.field(entity, name)}`;
  }
  return t(key, params);
}
