import type { RecordRepository } from '../records/record.repository';
import { generateDemoBatches } from '../../../src-shared/seed/demo-data';
import { BUILT_IN_STAGES, DemoSalesGenerator, demoSalesAccount, demoSalesContact, type DemoSalesOptions } from '../../../src-shared/seed/demo-sales';
import { followUpValues } from '../../../src-shared/sales/follow-up.rules';

/** How many accounts a first start shows: enough to feel like a working CRM, quick to load. */
export const DEMO_ACCOUNTS = 240;

/**
 * The owner key the sales generator groups tasks by. It never reaches the replica: bulkLoad gives
 * every row the replica's current user as owner, as it does the accounts.
 */
const LOCAL_OWNER = 'local-user';
/** Who the built-in stages belong to, as on the sync server (src-server/sales/default-stages.ts). */
const STAGE_OWNER = 'system';

export interface SeedDemoOptions {
  accounts: number;
  seed?: number;
  /** Epoch ms the generated times are relative to; default Date.now(). */
  now?: number;
  /** Volumes of deals, activities and tasks; `false`: accounts and contacts only. Default: the generator's. */
  sales?: Omit<DemoSalesOptions, 'seed' | 'now'> | false;
  onProgress?: (done: number) => void;
}

export interface SeedDemoResult {
  accounts: number;
  contacts: number;
  /** Built-in stages loaded (0 when the replica had stages already, or without sales data). */
  stages: number;
  opportunities: number;
  activities: number;
  tasks: number;
}

/**
 * Loads generated accounts and contacts, and their deals, activities and tasks, into the replica
 * without outbox entries. Without a sync server nobody else creates the pipeline stages the deals
 * point at, so the built-in ones are loaded when the replica has none.
 */
export function seedDemo(records: RecordRepository, options: SeedDemoOptions): SeedDemoResult {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now();
  const sales = options.sales === false ? null : new DemoSalesGenerator({ ...options.sales, seed, now });
  const result: SeedDemoResult = { accounts: 0, contacts: 0, stages: 0, opportunities: 0, activities: 0, tasks: 0 };
  if (sales && records.isEmpty('stage')) {
    records.bulkLoad(
      'stage',
      BUILT_IN_STAGES.map((s) => ({ id: s.id, name: s.name, code: s.code, kind: s.kind, position: s.position, probability: s.probability, limitDays: s.limitDays, active: true, ownerId: STAGE_OWNER })),
    );
    result.stages = BUILT_IN_STAGES.length;
  }
  for (const batch of generateDemoBatches({ accounts: options.accounts, seed, now, batchSize: 1000 })) {
    const generated = sales?.batch(
      batch.accounts.map((a) => demoSalesAccount(a, LOCAL_OWNER)),
      batch.contacts.map((c) => demoSalesContact(c)),
    );
    if (generated) {
      // What the sync server's follow-up rule does when these activities reach it, so an account
      // agrees with its timeline here too.
      const byId = new Map(batch.accounts.map((a) => [a.id, a]));
      for (const activity of generated.activities) {
        const account = byId.get(activity.accountId);
        if (account) Object.assign(account.values, followUpValues(account.values, activity.values));
      }
    }
    records.bulkLoad('account', batch.accounts.map((a) => ({ ...a.values, id: a.id })));
    records.bulkLoad('contact', batch.contacts.map((c) => ({ ...c.values, id: c.id, accountId: c.accountId })));
    result.accounts += batch.accounts.length;
    result.contacts += batch.contacts.length;
    if (generated) {
      records.bulkLoad('opportunity', generated.opportunities.map((o) => ({ ...o.values, id: o.id })));
      records.bulkLoad('activity', generated.activities.map((a) => ({ ...a.values, id: a.id })));
      result.opportunities += generated.opportunities.length;
      result.activities += generated.activities.length;
    }
    options.onProgress?.(result.accounts);
  }
  if (sales) {
    for (const tasks of sales.tasks()) {
      records.bulkLoad('task', tasks.map((t) => ({ ...t.values, id: t.id })));
      result.tasks += tasks.length;
    }
  }
  records.analyze();
  return result;
}
