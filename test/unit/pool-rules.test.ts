import { describe, expect, it } from 'vitest';
import { claimIssue, claimedValues, pooledValues, reclaimBarredUntil, returnAt, ruleFor, warnAt, POOL_OWNER, type PoolRuleValues } from '../../src-shared/sales/pool.rules';
import { followUpValues } from '../../src-shared/sales/follow-up.rules';

const DAY = 86_400_000;
const rule = (r: Partial<PoolRuleValues>): PoolRuleValues => ({ level: null, returnDays: null, warnDays: null, reclaimBarDays: null, ownerCap: null, active: true, ...r });

describe('pool rules', () => {
  const rules = [rule({ returnDays: 30, warnDays: 3, reclaimBarDays: 7, ownerCap: 100 }), rule({ level: 'A', returnDays: 60, ownerCap: 5 }), rule({ level: 'C', returnDays: 10, active: false })];

  it('a level’s rule takes its blank settings from the default rule; an inactive rule counts as absent', () => {
    expect(ruleFor(rules, 'A')).toMatchObject({ level: 'A', returnDays: 60, warnDays: 3, reclaimBarDays: 7, ownerCap: 5 });
    expect(ruleFor(rules, 'B')).toMatchObject({ level: null, returnDays: 30 });
    expect(ruleFor(rules, 'C')).toMatchObject({ level: null, returnDays: 30 });
    expect(ruleFor([rule({ level: 'A', returnDays: 5 })], 'B')).toBeNull();
    expect(ruleFor([], 'A')).toBeNull();
  });

  it('an owned account returns N days after the latest of its last follow-up, its owner getting it and its creation', () => {
    const r = ruleFor(rules, 'B');
    expect(returnAt({ poolState: 'owned', createdAt: 0, ownedSince: 5 * DAY, lastFollowUpAt: 2 * DAY }, r)).toBe(35 * DAY);
    expect(returnAt({ poolState: 'owned', createdAt: 0, ownedSince: 5 * DAY, lastFollowUpAt: 9 * DAY }, r)).toBe(39 * DAY);
    expect(warnAt({ poolState: 'owned', createdAt: 0, lastFollowUpAt: 9 * DAY }, r)).toBe(36 * DAY);
    expect(returnAt({ poolState: 'pool', createdAt: 0 }, r)).toBeNull();
    expect(returnAt({ poolState: 'owned', createdAt: 0 }, rule({ returnDays: null }))).toBeNull();
    expect(returnAt({ poolState: 'owned', createdAt: 0 }, null)).toBeNull();
  });

  it('claims: not in the pool, the previous owner within the bar, over the level cap, over the total cap', () => {
    const inPool = { poolState: 'pool', level: 'B', previousOwnerId: 'u1', pooledAt: 10 * DAY };
    expect(claimIssue({ ...inPool, poolState: 'owned' }, 'u2', 11 * DAY, rules, { all: 0, ofLevel: 0 })).toMatchObject({ key: 'pool.notInPool' });
    expect(claimIssue(inPool, 'u1', 16 * DAY, rules, { all: 0, ofLevel: 0 })).toMatchObject({ key: 'pool.reclaimBarred', params: { until: 17 * DAY } });
    expect(claimIssue(inPool, 'u1', 17 * DAY, rules, { all: 0, ofLevel: 0 })).toBeNull();
    expect(claimIssue(inPool, 'u2', 11 * DAY, rules, { all: 0, ofLevel: 0 })).toBeNull();
    expect(reclaimBarredUntil(inPool, rule({ reclaimBarDays: 0 }))).toBeNull();
    expect(claimIssue({ ...inPool, level: 'A' }, 'u2', 11 * DAY, rules, { all: 50, ofLevel: 5 })).toMatchObject({ key: 'pool.ownerCapLevel', params: { cap: 5 } });
    expect(claimIssue({ ...inPool, level: 'A' }, 'u2', 11 * DAY, rules, { all: 50, ofLevel: 4 })).toBeNull();
    expect(claimIssue(inPool, 'u2', 11 * DAY, rules, { all: 100, ofLevel: 0 })).toMatchObject({ key: 'pool.ownerCap', params: { cap: 100 } });
  });

  it('going to the pool remembers the previous owner; a claim makes the claimer the owner from now', () => {
    expect(pooledValues({ ownerId: 'u1' }, 5, 'released')).toEqual({ poolState: 'pool', ownerId: POOL_OWNER, previousOwnerId: 'u1', pooledAt: 5, poolReason: 'released', nextFollowUpAt: null });
    // Released again while already owned by the pool: the last real owner stays on record.
    expect(pooledValues({ ownerId: POOL_OWNER, previousOwnerId: 'u1' }, 6, 'auto_return')).toMatchObject({ previousOwnerId: 'u1' });
    expect(claimedValues('u2', 9)).toEqual({ poolState: 'owned', ownerId: 'u2', ownedSince: 9, poolReason: null });
  });
});

describe('follow-up rules', () => {
  it('the latest activity sets the last follow-up and the next one it plans', () => {
    expect(followUpValues({ lastFollowUpAt: null, nextFollowUpAt: null }, { occurredAt: 10, nextFollowUpAt: 20 })).toEqual({ lastFollowUpAt: 10, nextFollowUpAt: 20 });
    expect(followUpValues({ lastFollowUpAt: 10, nextFollowUpAt: 20 }, { occurredAt: 10, nextFollowUpAt: 20 })).toEqual({});
  });

  it('an older activity logged late changes nothing', () => {
    expect(followUpValues({ lastFollowUpAt: 10, nextFollowUpAt: 20 }, { occurredAt: 5, nextFollowUpAt: 30 })).toEqual({});
  });

  it('the latest without a plan clears a next follow-up that was due by then, and keeps a later one', () => {
    expect(followUpValues({ lastFollowUpAt: 10, nextFollowUpAt: 20 }, { occurredAt: 25 })).toEqual({ lastFollowUpAt: 25, nextFollowUpAt: null });
    expect(followUpValues({ lastFollowUpAt: 10, nextFollowUpAt: 40 }, { occurredAt: 25 })).toEqual({ lastFollowUpAt: 25 });
    expect(followUpValues({}, { occurredAt: null })).toEqual({});
  });
});
