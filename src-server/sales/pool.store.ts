import type { PoolRuleValues } from '../../src-shared/sales/pool.rules';
import type { Dialect, SqlRunner } from '../store/sql-store';

/** The live pool rules (pool_rule records), as the shared pool logic reads them. */
export async function loadPoolRules(q: SqlRunner): Promise<PoolRuleValues[]> {
  const rows = await q.all<{ fields: string }>("SELECT fields FROM records WHERE entity = 'pool_rule' AND deleted_at IS NULL");
  return rows.map((r) => {
    const f = JSON.parse(r.fields) as Record<string, unknown>;
    const int = (v: unknown) => (typeof v === 'number' ? v : null);
    return {
      level: typeof f.level === 'string' ? f.level : null,
      returnDays: int(f.returnDays),
      warnDays: int(f.warnDays),
      reclaimBarDays: int(f.reclaimBarDays),
      ownerCap: int(f.ownerCap),
      active: f.active !== false,
    };
  });
}

/**
 * How many live accounts `userId` owns, in all and of `level`. An owned account's visibility key
 * is its owner, so this walks the (vis_key, entity, id) index.
 */
export async function ownedAccounts(q: SqlRunner, dialect: Dialect, userId: string, level: unknown): Promise<{ all: number; ofLevel: number }> {
  const all = await q.get<{ n: number }>("SELECT count(*) AS n FROM records WHERE vis_key = ? AND entity = 'account' AND deleted_at IS NULL", [userId]);
  let ofLevel = 0;
  if (typeof level === 'string') {
    const levelSql = dialect === 'pg' ? "(fields::json ->> 'level')" : "json_extract(fields, '$.level')";
    const row = await q.get<{ n: number }>(`SELECT count(*) AS n FROM records WHERE vis_key = ? AND entity = 'account' AND deleted_at IS NULL AND ${levelSql} = ?`, [userId, level]);
    ofLevel = Number(row?.n ?? 0);
  }
  return { all: Number(all?.n ?? 0), ofLevel };
}
