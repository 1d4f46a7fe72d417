import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { MAX_PUSH_MUTATIONS } from '../../src-shared/sync/protocol.contract';
import { generateDemoBatches } from '../../src-shared/seed/demo-data';
import { DemoSalesGenerator, demoSalesAccount, demoSalesContact, type DemoSalesAccount } from '../../src-shared/seed/demo-sales';
import type { Role, UserRepository } from '../auth/user.repository';
import { sessionFor, type SyncService } from '../sync/sync.service';
import { fullAccess } from '../auth/org.store';

/** The embedded demo's one password (printed by `npm start`; never use the demo for real data). */
export const DEMO_PASSWORD = 'crm-demo-2026';

/** `department`: a path in the demo's department tree (created as the users are). */
export const DEMO_USERS: { username: string; name: string; role: Role; department?: string; manager?: string }[] = [
  { username: 'admin', name: '系统管理员', role: 'admin', department: '信息部' },
  { username: 'zhaomin', name: '赵敏', role: 'sales_manager', department: '销售部' },
  { username: 'wangfang', name: '王芳', role: 'sales_rep', department: '销售部/华东区', manager: 'zhaomin' },
  { username: 'lijun', name: '李军', role: 'sales_rep', department: '销售部/华南区', manager: 'zhaomin' },
];

/** The rep `npm start` signs the app in as. */
export const DEMO_LOGIN = 'wangfang';

export interface DemoOutcome {
  createdUsers: boolean;
  accounts: number;
  contacts: number;
  opportunities: number;
  activities: number;
  tasks: number;
  users: { username: string; name: string; role: Role; password: string }[];
}

/**
 * Creates the demo users on a server that has none and, with `withData`, zh-CN demo customers and
 * contacts divided between the two reps (a few with the manager), with their deals, activities
 * and the owners' tasks (src-shared/seed/demo-sales.ts), pushed through the sync service like any
 * client's changes, so customer numbers, the follow-up rule and the change log are real.
 * `now`: the time the generated data is relative to (tests fix it); default Date.now().
 */
export async function seedDemoServer(users: UserRepository, sync: SyncService, options: { accounts: number; withData: boolean; now?: number }): Promise<DemoOutcome> {
  const listed = DEMO_USERS.map((u) => ({ username: u.username, name: u.name, role: u.role, password: DEMO_PASSWORD }));
  const none = { accounts: 0, contacts: 0, opportunities: 0, activities: 0, tasks: 0 };
  if ((await users.count()) > 0) return { createdUsers: false, ...none, users: listed };
  const ids = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const user = await users.add({ username: u.username, password: DEMO_PASSWORD, role: u.role, name: u.name, department: u.department, manager: u.manager });
    ids.set(u.username, user.id);
  }
  if (!options.withData) return { createdUsers: true, ...none, users: listed };
  const admin = (await users.byUsername('admin'))!;
  const { deviceId } = await users.registerDevice(admin.id, 'demo data');
  const session = sessionFor(admin, deviceId, undefined, fullAccess());
  const owners = [ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('zhaomin')!];
  let seq = 0;
  // The pool's rules as a sales director might set them: A customers get longer, C shorter.
  const rules = [
    { name: '默认规则', level: null, returnDays: 30, warnDays: 3, reclaimBarDays: 7, ownerCap: 2000 },
    { name: 'A 类客户', level: 'A', returnDays: 60, warnDays: 7, reclaimBarDays: null, ownerCap: null },
    { name: 'C 类客户', level: 'C', returnDays: 15, warnDays: 2, reclaimBarDays: null, ownerCap: null },
  ];
  const ruleResults = await sync.push(
    session,
    rules.map((r, i) => ({ seq: ++seq, entity: 'pool_rule', recordId: `pool-rule-demo-${i + 1}`, op: 'create', changes: { ...r, active: true } as Mutation['changes'], base: {} })),
  );
  if (ruleResults.results.some((r) => r.status !== 'applied')) throw new Error(`demo pool rules refused: ${JSON.stringify(ruleResults.results)}`);
  const counts = { ...none };
  let pending: Mutation[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const { results } = await sync.push(session, pending);
    const refused = results.find((r) => r.status !== 'applied');
    if (refused) throw new Error(`demo data refused: ${JSON.stringify(refused)}`);
    pending = [];
  };
  // Parents go before their children in the same order across flushes, so every reference resolves.
  const create = async (entity: 'account' | 'contact' | 'opportunity' | 'activity' | 'task', recordId: string, changes: Record<string, unknown>) => {
    pending.push({ seq: ++seq, entity, recordId, op: 'create', changes: changes as Mutation['changes'], base: {} });
    if (pending.length >= MAX_PUSH_MUTATIONS) await flush();
  };
  const now = options.now ?? Date.now();
  // Owners are the accounts' (a pool account's activities are its previous rep's); pool accounts get no deals or tasks.
  const sales = new DemoSalesGenerator({ seed: 1, now });
  for (const batch of generateDemoBatches({ accounts: options.accounts, seed: 1, now, batchSize: 200 })) {
    const salesAccounts: DemoSalesAccount[] = [];
    for (const a of batch.accounts) {
      const ownerId = owners[counts.accounts % owners.length]!;
      await create('account', a.id, { ...a.values, ownerId });
      counts.accounts++;
      for (const c of batch.contacts.filter((x) => x.accountId === a.id)) {
        await create('contact', c.id, { ...c.values, accountId: a.id, ownerId });
        counts.contacts++;
      }
      salesAccounts.push(demoSalesAccount(a, ownerId));
    }
    const generated = sales.batch(salesAccounts, batch.contacts.map((c) => demoSalesContact(c)));
    for (const o of generated.opportunities) await create('opportunity', o.id, { ...o.values, ownerId: o.ownerId });
    for (const x of generated.activities) await create('activity', x.id, { ...x.values, ownerId: x.ownerId });
    counts.opportunities += generated.opportunities.length;
    counts.activities += generated.activities.length;
  }
  for (const tasks of sales.tasks()) {
    for (const t of tasks) await create('task', t.id, { ...t.values, ownerId: t.ownerId });
    counts.tasks += tasks.length;
  }
  await flush();
  return { createdUsers: true, ...counts, users: listed };
}
