/**
 * Data of the sync benchmark, shared by the server it loads (sync-server.ts) and the in-run floor
 * (sync.bench.ts): the same generated zh-CN accounts and contacts, numbered as the server numbers
 * them, so the server's rows and the floor's rows are the same records.
 */
import { entities, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { assignedNumber } from '../../src-shared/entities/numbering.util';
import { generateDemoBatches } from '../../src-shared/seed/demo-data';

export const BENCH_USER = 'bench-rep';
export const BENCH_PASSWORD = 'bench-password-1';
/** Fixed, so the server and the floor generate identical values (ids, follow-up dates). */
export const BENCH_NOW = Date.UTC(2026, 10, 20, 2, 0, 0);
const SEED = 7;

/** A record as the server stores it: the fields map (ownerId and customerNo included) and its change number. */
export interface BenchRecord {
  entity: EntityName;
  id: string;
  cn: number;
  fields: Record<string, unknown>;
}

/**
 * `accounts` accounts with exactly two contacts each, in batches of 1,000 accounts. Change numbers
 * run in generation order (an account, then its contacts), customer numbers in account order, as
 * a server that received them as creates in that order would have assigned them.
 */
export function* benchBatches(accounts: number, ownerId: string): Generator<{ account: BenchRecord[]; contact: BenchRecord[] }> {
  let cn = 0;
  let n = 0;
  for (const batch of generateDemoBatches({ accounts, seed: SEED, now: BENCH_NOW, batchSize: 1000, contactsPerAccount: [2, 2] })) {
    const account: BenchRecord[] = [];
    const contact: BenchRecord[] = [];
    const byAccount = new Map<string, typeof batch.contacts>();
    for (const c of batch.contacts) byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), c]);
    for (const a of batch.accounts) {
      account.push({ entity: 'account', id: a.id, cn: ++cn, fields: { ...a.values, ownerId, customerNo: assignedNumber('account', 'customerNo', ++n) } });
      for (const c of byAccount.get(a.id) ?? []) contact.push({ entity: 'contact', id: c.id, cn: ++cn, fields: { ...c.values, accountId: a.id, ownerId } });
    }
    yield { account, contact };
  }
}

/** The time every benchmark record was created and last updated (the server's created_at / updated_at). */
export const BENCH_STAMP = BENCH_NOW - 86_400_000;

/**
 * The values of a replica row in `columns` order (the replica's column keys), as the replica stores
 * them: tags as JSON text, booleans as 0/1, the server's version in syncVersion.
 */
export function replicaValues(r: BenchRecord, columns: string[], createdBy: string): unknown[] {
  const defs = entities[r.entity].fields as Record<string, FieldDef>;
  return columns.map((key) => {
    switch (key) {
      case 'id':
        return r.id;
      case 'createdAt':
      case 'updatedAt':
        return BENCH_STAMP;
      case 'createdBy':
      case 'updatedBy':
        return createdBy;
      case 'deletedAt':
        return null;
      case 'syncVersion':
        return r.cn;
      default: {
        const v = r.fields[key];
        const def = defs[key];
        if (def?.kind === 'tags') return JSON.stringify(Array.isArray(v) ? v : []);
        if (def?.kind === 'bool') return v ? 1 : 0;
        return v ?? null;
      }
    }
  });
}
