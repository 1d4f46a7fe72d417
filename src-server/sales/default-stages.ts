import type { SqlStore } from '../store/sql-store';
import { GLOBAL_KEY } from '../sync/visibility';
import { insertRecord, logChange, nextCn } from '../sync/record.store';
import { createdValues, writeAudit } from '../sync/audit.store';

/**
 * The pipeline a new server starts with (DOMAIN.md): 初步接洽 10% → 需求确认 30% → 方案报价 60% →
 * 谈判 80% → 赢单 100% / 输单 0%. Fixed ids, so every server's built-in stages are the same
 * records; an admin may rename them, change probabilities and limits, or add stages.
 */
export const DEFAULT_STAGES = [
  { id: 'stage-prospecting', code: 'prospecting', name: '初步接洽', kind: 'open', position: 10, probability: 10, limitDays: 14 },
  { id: 'stage-qualification', code: 'qualification', name: '需求确认', kind: 'open', position: 20, probability: 30, limitDays: 21 },
  { id: 'stage-proposal', code: 'proposal', name: '方案报价', kind: 'open', position: 30, probability: 60, limitDays: 30 },
  { id: 'stage-negotiation', code: 'negotiation', name: '谈判', kind: 'open', position: 40, probability: 80, limitDays: 30 },
  { id: 'stage-won', code: 'won', name: '赢单', kind: 'won', position: 90, probability: 100, limitDays: null },
  { id: 'stage-lost', code: 'lost', name: '输单', kind: 'lost', position: 99, probability: 0, limitDays: null },
] as const;

/** Who the server's own records name as their creator and owner. */
export const SYSTEM_USER = 'system';

/** Creates the built-in stages when the server has no stage at all (first start). Idempotent. */
export async function ensureDefaultStages(store: SqlStore, now: number = Date.now()): Promise<number> {
  return store.tx(async (q) => {
    const any = await q.get<{ id: string }>("SELECT id FROM records WHERE entity = 'stage' LIMIT 1");
    if (any) return 0;
    for (const stage of DEFAULT_STAGES) {
      const cn = await nextCn(q);
      const { id, ...rest } = stage;
      const fields = { ...rest, active: true, ownerId: SYSTEM_USER };
      await insertRecord(q, {
        entity: 'stage',
        id,
        visKey: GLOBAL_KEY,
        fields,
        fieldVersions: Object.fromEntries(Object.keys(fields).map((k) => [k, cn])),
        version: cn,
        createdAt: now,
        createdBy: SYSTEM_USER,
        updatedAt: now,
        updatedBy: SYSTEM_USER,
        deletedAt: null,
        deletedBy: null,
      });
      await logChange(q, { cn, entity: 'stage', recordId: id, kind: 'create', fields: null, visKey: GLOBAL_KEY, oldVisKey: null, userId: null, deviceId: null, at: now });
      await writeAudit(q, { cn, entity: 'stage', recordId: id, kind: 'create', userId: SYSTEM_USER, deviceId: null, at: now }, createdValues(fields));
    }
    return DEFAULT_STAGES.length;
  });
}
