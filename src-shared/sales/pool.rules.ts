import type { FieldIssue } from '../result';

/**
 * The customer pool (公海), the same on the server (which decides) and on clients (which answer
 * at once, offline too, and show when an account will return). Rules are pool_rule records: one
 * per account level, and one without a level for the levels that have none.
 */

/** The owner id of accounts in the pool (and of their children that passed to it). */
export const POOL_OWNER = 'pool';
const DAY = 86_400_000;

export interface PoolRuleValues {
  level: string | null;
  returnDays: number | null;
  warnDays: number | null;
  reclaimBarDays: number | null;
  ownerCap: number | null;
  active: boolean | null;
}

/** An account as the pool reads it: level, poolState, ownerId, previousOwnerId, pooledAt, lastFollowUpAt, ownedSince, createdAt. */
export type PoolAccount = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * The rule that applies to an account level: the level's own active rule, each blank setting
 * taken from the default rule (the active one without a level). Null when neither exists. The
 * owner cap is not merged: a level's cap counts accounts of that level, the default's all of them.
 */
export function ruleFor(rules: readonly PoolRuleValues[], level: unknown): PoolRuleValues | null {
  const active = rules.filter((r) => r.active !== false);
  const own = active.find((r) => r.level !== null && r.level !== undefined && r.level === level) ?? null;
  const fallback = active.find((r) => r.level === null || r.level === undefined) ?? null;
  if (!own) return fallback;
  if (!fallback) return own;
  return {
    ...own,
    returnDays: own.returnDays ?? fallback.returnDays,
    warnDays: own.warnDays ?? fallback.warnDays,
    reclaimBarDays: own.reclaimBarDays ?? fallback.reclaimBarDays,
  };
}

/**
 * When an owned account returns to the pool if nobody follows it up: `returnDays` after the
 * latest of its last follow-up and the time its owner got it. Null when the rule never returns it.
 */
export function returnAt(account: PoolAccount, rule: PoolRuleValues | null): number | null {
  if (!rule || rule.returnDays === null || account.poolState === 'pool') return null;
  const since = Math.max(num(account.lastFollowUpAt) ?? 0, num(account.ownedSince) ?? 0, num(account.createdAt) ?? 0);
  return since + rule.returnDays * DAY;
}

/** When the owner is warned: `warnDays` before the return (never before the return is known). */
export function warnAt(account: PoolAccount, rule: PoolRuleValues | null): number | null {
  const at = returnAt(account, rule);
  if (at === null || !rule) return null;
  return at - (rule.warnDays ?? 0) * DAY;
}

/** Until when the previous owner may not claim the account back, or null. */
export function reclaimBarredUntil(account: PoolAccount, rule: PoolRuleValues | null): number | null {
  const days = rule?.reclaimBarDays ?? 0;
  const pooledAt = num(account.pooledAt);
  if (days <= 0 || pooledAt === null) return null;
  return pooledAt + days * DAY;
}

/**
 * Why `userId` may not claim the account now, as a field issue (keys pool.*), or null.
 * `owned`: how many accounts the user owns now, in all and of the account's level.
 */
export function claimIssue(
  account: PoolAccount,
  userId: string,
  now: number,
  rules: readonly PoolRuleValues[],
  owned: { all: number; ofLevel: number },
): FieldIssue | null {
  if (account.poolState !== 'pool') return { field: 'poolState', key: 'pool.notInPool' };
  const rule = ruleFor(rules, account.level);
  const barred = reclaimBarredUntil(account, rule);
  if (account.previousOwnerId === userId && barred !== null && now < barred) {
    return { field: 'poolState', key: 'pool.reclaimBarred', params: { until: barred } };
  }
  const levelRule = rules.find((r) => r.active !== false && r.level !== null && r.level === account.level);
  if (levelRule?.ownerCap != null && owned.ofLevel >= levelRule.ownerCap) {
    return { field: 'poolState', key: 'pool.ownerCapLevel', params: { cap: levelRule.ownerCap, level: String(account.level) } };
  }
  const defaultRule = rules.find((r) => r.active !== false && (r.level === null || r.level === undefined));
  if (defaultRule?.ownerCap != null && owned.all >= defaultRule.ownerCap) {
    return { field: 'poolState', key: 'pool.ownerCap', params: { cap: defaultRule.ownerCap } };
  }
  return null;
}

/** The values an account takes when it goes to the pool (released by hand or returned by a rule). */
export function pooledValues(account: PoolAccount, now: number, reason: 'released' | 'auto_return'): Record<string, unknown> {
  return {
    poolState: 'pool',
    ownerId: POOL_OWNER,
    previousOwnerId: typeof account.ownerId === 'string' && account.ownerId !== POOL_OWNER ? account.ownerId : (account.previousOwnerId ?? null),
    pooledAt: now,
    poolReason: reason,
    nextFollowUpAt: null,
  };
}

/** The values an account takes when `userId` claims it (领取). */
export function claimedValues(userId: string, now: number): Record<string, unknown> {
  return { poolState: 'owned', ownerId: userId, ownedSince: now, poolReason: null };
}
