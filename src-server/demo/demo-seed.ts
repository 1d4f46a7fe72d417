import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { MAX_PUSH_MUTATIONS } from '../../src-shared/sync/protocol.contract';
import { generateDemoBatches } from '../../src-shared/seed/demo-data';
import type { Role, UserRepository } from '../auth/user.repository';
import { sessionFor, type SyncService } from '../sync/sync.service';

/** The embedded demo's one password (printed by `npm start`; never use the demo for real data). */
export const DEMO_PASSWORD = 'crm-demo-2026';

export const DEMO_USERS: { username: string; name: string; role: Role; manager?: string }[] = [
  { username: 'admin', name: '系统管理员', role: 'admin' },
  { username: 'zhaomin', name: '赵敏', role: 'sales_manager' },
  { username: 'wangfang', name: '王芳', role: 'sales_rep', manager: 'zhaomin' },
  { username: 'lijun', name: '李军', role: 'sales_rep', manager: 'zhaomin' },
];

/** The rep `npm start` signs the app in as. */
export const DEMO_LOGIN = 'wangfang';

export interface DemoOutcome {
  createdUsers: boolean;
  accounts: number;
  contacts: number;
  users: { username: string; name: string; role: Role; password: string }[];
}

/**
 * Creates the demo users on a server that has none and, with `withData`, zh-CN demo customers and
 * contacts divided between the two reps (a few with the manager), pushed through the sync service
 * like any client's changes, so customer numbers and the change log are real.
 */
export async function seedDemoServer(users: UserRepository, sync: SyncService, options: { accounts: number; withData: boolean }): Promise<DemoOutcome> {
  const listed = DEMO_USERS.map((u) => ({ username: u.username, name: u.name, role: u.role, password: DEMO_PASSWORD }));
  if ((await users.count()) > 0) return { createdUsers: false, accounts: 0, contacts: 0, users: listed };
  const ids = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const user = await users.add({ username: u.username, password: DEMO_PASSWORD, role: u.role, name: u.name, department: '销售部', manager: u.manager });
    ids.set(u.username, user.id);
  }
  if (!options.withData) return { createdUsers: true, accounts: 0, contacts: 0, users: listed };
  const admin = (await users.byUsername('admin'))!;
  const { deviceId } = await users.registerDevice(admin.id, 'demo data');
  const session = sessionFor(admin, deviceId);
  const owners = [ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('lijun')!, ids.get('wangfang')!, ids.get('zhaomin')!];
  let seq = 0;
  let accounts = 0;
  let contacts = 0;
  let pending: Mutation[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const { results } = await sync.push(session, pending);
    const refused = results.find((r) => r.status !== 'applied');
    if (refused) throw new Error(`demo data refused: ${JSON.stringify(refused)}`);
    pending = [];
  };
  for (const batch of generateDemoBatches({ accounts: options.accounts, seed: 1, batchSize: 200 })) {
    for (const a of batch.accounts) {
      const ownerId = owners[accounts % owners.length]!;
      pending.push({ seq: ++seq, entity: 'account', recordId: a.id, op: 'create', changes: { ...a.values, ownerId } as Mutation['changes'], base: {} });
      accounts++;
      for (const c of batch.contacts.filter((x) => x.accountId === a.id)) {
        pending.push({ seq: ++seq, entity: 'contact', recordId: c.id, op: 'create', changes: { ...c.values, accountId: a.id, ownerId } as Mutation['changes'], base: {} });
        contacts++;
      }
      if (pending.length >= MAX_PUSH_MUTATIONS - 20) await flush();
    }
  }
  await flush();
  return { createdUsers: true, accounts, contacts, users: listed };
}
