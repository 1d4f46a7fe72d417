import type { RecordRepository } from '../records/record.repository';
import { generateDemoBatches } from '../../../src-shared/seed/demo-data';

/** How many accounts a first start shows: enough to feel like a working CRM, quick to load. */
export const DEMO_ACCOUNTS = 240;

/** Loads generated accounts and contacts into the replica without outbox entries. */
export function seedDemo(records: RecordRepository, options: { accounts: number; seed?: number; onProgress?: (done: number) => void }): { accounts: number; contacts: number } {
  let accounts = 0;
  let contacts = 0;
  for (const batch of generateDemoBatches({ accounts: options.accounts, seed: options.seed ?? 1, batchSize: 1000 })) {
    records.bulkLoad('account', batch.accounts.map((a) => ({ ...a.values, id: a.id })));
    records.bulkLoad('contact', batch.contacts.map((c) => ({ ...c.values, id: c.id, accountId: c.accountId })));
    accounts += batch.accounts.length;
    contacts += batch.contacts.length;
    options.onProgress?.(accounts);
  }
  records.analyze();
  return { accounts, contacts };
}
