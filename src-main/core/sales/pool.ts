import type Database from 'better-sqlite3';
import type { RecordData } from '../../../src-shared/api/client-api.contract';
import { claimedValues, claimIssue, pooledValues, ruleFor, returnAt, POOL_OWNER, type PoolRuleValues } from '../../../src-shared/sales/pool.rules';
import { CrmError } from '../../../src-shared/result';
import type { RecordRepository } from '../records/record.repository';

/**
 * The customer pool on this device: claim (领取) and release, checked here against the synced pool
 * rules so the user hears at once, offline too, why a claim cannot be made. The server decides in
 * the end: a claim two reps made offline goes to the first to sync, and the other's inbox says so.
 */
export class PoolService {
  constructor(
    private readonly records: RecordRepository,
    private readonly sqlite: Database.Database,
    private readonly user: () => { id: string; role: string | null },
    private readonly now: () => number = Date.now,
  ) {}

  rules(): PoolRuleValues[] {
    const rows = this.sqlite
      .prepare('SELECT level, return_days AS returnDays, warn_days AS warnDays, reclaim_bar_days AS reclaimBarDays, owner_cap AS ownerCap, active FROM pool_rules WHERE deleted_at IS NULL')
      .all() as (Omit<PoolRuleValues, 'active'> & { active: number })[];
    return rows.map((r) => ({ ...r, active: r.active !== 0 }));
  }

  /** How many accounts `userId` owns on this replica, in all and of `level`. */
  owned(userId: string, level: unknown): { all: number; ofLevel: number } {
    const all = this.sqlite.prepare("SELECT count(*) AS n FROM accounts WHERE owner_id = ? AND pool_state = 'owned' AND deleted_at IS NULL").get(userId) as { n: number };
    const ofLevel =
      typeof level === 'string'
        ? (this.sqlite.prepare("SELECT count(*) AS n FROM accounts WHERE owner_id = ? AND pool_state = 'owned' AND level = ? AND deleted_at IS NULL").get(userId, level) as { n: number }).n
        : 0;
    return { all: all.n, ofLevel };
  }

  /** The rules, what the user owns, and when this account would return to the pool. */
  status(accountId: string | undefined): { rules: PoolRuleValues[]; owned: number; returnAt: number | null; claimIssue: { key: string; params?: Record<string, string | number> } | null } {
    const rules = this.rules();
    const me = this.user().id;
    const account = accountId ? this.records.get('account', accountId) : undefined;
    const issue = account && account.poolState === 'pool' ? claimIssue(account, me, this.now(), rules, this.owned(me, account.level)) : null;
    return {
      rules,
      owned: this.owned(me, null).all,
      returnAt: account ? returnAt(account, ruleFor(rules, account.level)) : null,
      claimIssue: issue ? { key: issue.key, ...(issue.params ? { params: issue.params } : {}) } : null,
    };
  }

  claim(accountId: string): RecordData {
    const account = this.records.get('account', accountId);
    const me = this.user().id;
    const now = this.now();
    const issue = claimIssue(account, me, now, this.rules(), this.owned(me, account.level));
    if (issue) throw new CrmError('VALIDATION', `cannot claim: ${issue.key}`, [issue]);
    return this.records.update('account', accountId, claimedValues(me, now), { allowSystem: true });
  }

  release(accountId: string): RecordData {
    const account = this.records.get('account', accountId);
    if (account.poolState === 'pool') throw new CrmError('VALIDATION', 'already in the pool', [{ field: 'poolState', key: 'pool.notInPool' }]);
    const { id, role } = this.user();
    const manager = role === 'admin' || role === 'sales_manager';
    if (account.ownerId !== id && !manager) throw new CrmError('VALIDATION', 'only the owner or a manager may release an account', [{ field: 'ownerId', key: 'pool.notOwner' }]);
    return this.records.update('account', accountId, pooledValues(account, this.now(), 'released'), { allowSystem: true });
  }
}

export { POOL_OWNER };
