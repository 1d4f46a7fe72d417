import type { MethodOutput } from '../../src-shared/api/client-api.contract';
import { isMessageKey } from '../../src-shared/i18n/index';
import type { Translator } from '../i18n/use-t';
import { formatDateTime } from '../format/field-format';

export type PoolStatus = MethodOutput<'pool.status'>;
type Rule = PoolStatus['rules'][number];

const DAY = 86_400_000;

/** The rules in sentences for the pool page: one per level with a rule, the default first. */
export function ruleLines(t: Translator, rules: readonly Rule[]): string[] {
  const active = rules.filter((r) => r.active !== false);
  const fallback = active.find((r) => r.level === null);
  const ordered = [...active].sort((a, b) => (a.level ?? '').localeCompare(b.level ?? ''));
  const lines: string[] = [];
  for (const r of ordered) {
    const level = r.level === null ? t('pool.levelAll') : t.enumLabel('accountLevel', r.level);
    const returnDays = r.returnDays ?? fallback?.returnDays ?? null;
    if (returnDays !== null || r.reclaimBarDays !== null || r.warnDays !== null) {
      lines.push(
        returnDays === null
          ? t('pool.rulesNever', { level })
          : t('pool.rulesSummary', {
              level,
              returnDays,
              warnDays: r.warnDays ?? fallback?.warnDays ?? 0,
              barDays: r.reclaimBarDays ?? fallback?.reclaimBarDays ?? 0,
            }),
      );
    }
    if (r.ownerCap !== null) lines.push(t('pool.rulesCap', { cap: r.ownerCap, level: r.level === null ? '' : level }));
  }
  return lines;
}

/** When an owned account returns to the pool, in words; null when it never does. */
export function returnText(t: Translator, returnAt: number | null, now: number): string | null {
  if (returnAt === null) return null;
  if (returnAt <= now) return t('pool.overdueReturn');
  const days = Math.ceil((returnAt - now) / DAY);
  return days <= 14 ? t('pool.returnsSoon', { days }) : t('pool.returnsOn', { date: formatDateTime(returnAt, t.locale) });
}

/** Why a claim is refused, with its date or cap filled in where the device knows them. */
export function claimIssueText(t: Translator, issue: PoolStatus['claimIssue']): string | null {
  if (!issue) return null;
  const until = issue.params?.until;
  if (issue.key === 'pool.reclaimBarred' && typeof until === 'number') return t('pool.reclaimBarredUntil', { date: formatDateTime(until, t.locale) });
  if (issue.key === 'pool.ownerCap' && typeof issue.params?.cap === 'number') return t('pool.ownerCapOf', { cap: issue.params.cap });
  return isMessageKey(issue.key) ? t(issue.key) : issue.key;
}
