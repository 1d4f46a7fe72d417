import { uuidv7 } from 'uuidv7';
import { returnAt, ruleFor, warnAt, POOL_OWNER } from '../../src-shared/sales/pool.rules';
import type { Mutation } from '../../src-shared/sync/protocol.contract';
import { MAX_PUSH_MUTATIONS } from '../../src-shared/sync/protocol.contract';
import type { User } from '../auth/user.repository';
import { planStatus } from '../../src-shared/sales/payment-plan.util';
import { loadPoolRules } from '../sales/pool.store';
import type { SqlStore } from '../store/sql-store';
import { nextSequence } from '../sync/record.store';
import { RULES_USER_ID, sessionFor, type SyncService } from '../sync/sync.service';
import { fullAccess } from '../auth/org.store';

const DAY = 86_400_000;
/** The device the rules' changes are logged from. */
export const RULES_DEVICE = 'server-rules';

const rulesUser: User = { id: RULES_USER_ID, username: 'system', name: '系统', role: 'admin', roles: ['admin'], department: null, managerId: null, disabledAt: null };

export interface RulesOutcome {
  /** Accounts returned to the pool for want of follow-up. */
  returned: number;
  /** Owners warned (a task) that an account will return. */
  warned: number;
  /** Overdue payment plans whose contract owner got a task. */
  overduePlans: number;
}

type Row = { id: string; fields: string; created_at: number; version: number };

/**
 * The server's scheduled rules: owned accounts without follow-up for their level's N days return
 * to the pool, their owners are warned (a task, which the app notifies) warnDays before, and the
 * owner of a contract with an overdue payment plan gets a task. Changes go through the sync
 * service as the system user, so they are checked, logged and pushed to clients like any other;
 * rule_marks make each warning happen once per occasion.
 */
export class RulesJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RulesOutcome> | null = null;

  constructor(
    private readonly store: SqlStore,
    private readonly sync: SyncService,
    private readonly now: () => number = Date.now,
    /** The server's local day boundary for payment dates (minutes east of UTC; China: 480). */
    private readonly utcOffsetMinutes: number = -new Date().getTimezoneOffset(),
  ) {}

  /** Runs now and then every `everyMs` until stopped; a run still going is not started twice. */
  schedule(everyMs: number, onError: (error: unknown) => void): void {
    this.stop();
    const tick = () => {
      this.run().catch(onError);
    };
    tick();
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Waits for a run in progress (shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  run(): Promise<RulesOutcome> {
    this.running ??= this.runOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async runOnce(): Promise<RulesOutcome> {
    const now = this.now();
    const outcome: RulesOutcome = { returned: 0, warned: 0, overduePlans: 0 };
    const mutations: Mutation[] = [];
    const marks: { kind: string; recordId: string; occasion: number }[] = [];

    const rules = await loadPoolRules(this.store);
    if (rules.some((r) => r.active !== false && r.returnDays !== null)) {
      const accounts = await this.store.all<Row>(
        "SELECT id, fields, created_at, version FROM records WHERE entity = 'account' AND deleted_at IS NULL AND vis_key <> ?",
        [POOL_OWNER],
      );
      for (const row of accounts) {
        const fields = JSON.parse(row.fields) as Record<string, unknown>;
        if (fields.poolState === 'pool') continue;
        const account = { ...fields, createdAt: Number(row.created_at) };
        const rule = ruleFor(rules, fields.level);
        const due = returnAt(account, rule);
        if (due === null) continue;
        if (now >= due) {
          mutations.push({ seq: 0, entity: 'account', recordId: row.id, op: 'update', changes: { poolState: 'pool' }, base: { poolState: 'owned' }, baseVersion: Number(row.version) });
          outcome.returned++;
          continue;
        }
        const warn = warnAt(account, rule);
        if (warn === null || now < warn || typeof fields.ownerId !== 'string') continue;
        if (await this.marked('pool_warning', row.id, due)) continue;
        const days = Math.max(1, Math.ceil((due - now) / DAY));
        mutations.push(
          this.task(fields.ownerId, {
            title: `客户「${String(fields.name ?? '')}」${days} 天后将退回公海，请及时跟进`,
            dueAt: due,
            remindAt: now,
            source: 'pool_warning',
            accountId: row.id,
          }),
        );
        marks.push({ kind: 'pool_warning', recordId: row.id, occasion: due });
        outcome.warned++;
      }
    }

    for (const plan of await this.overduePlans(now)) {
      if (await this.marked('payment_overdue', plan.id, plan.occasion)) continue;
      mutations.push(
        this.task(plan.ownerId, {
          title: `回款逾期：${plan.contractNo} ${plan.title}（计划 ${plan.plannedDate}）`,
          dueAt: now,
          remindAt: now,
          source: 'payment_overdue',
          contractId: plan.contractId,
          ...(plan.accountId ? { accountId: plan.accountId } : {}),
        }),
      );
      marks.push({ kind: 'payment_overdue', recordId: plan.id, occasion: plan.occasion });
      outcome.overduePlans++;
    }

    if (mutations.length === 0) return outcome;
    const { deviceId } = { deviceId: RULES_DEVICE };
    const session = sessionFor(rulesUser, deviceId, undefined, fullAccess());
    for (let i = 0; i < mutations.length; i += MAX_PUSH_MUTATIONS) {
      const chunk = mutations.slice(i, i + MAX_PUSH_MUTATIONS);
      for (const m of chunk) m.seq = await this.store.tx((q) => nextSequence(q, 'rules.seq'));
      await this.sync.push(session, chunk);
    }
    await this.store.tx(async (q) => {
      for (const m of marks) {
        await q.run('INSERT INTO rule_marks (kind, record_id, occasion, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [m.kind, m.recordId, m.occasion, now]);
      }
    });
    return outcome;
  }

  private task(ownerId: string, values: Record<string, unknown>): Mutation {
    return { seq: 0, entity: 'task', recordId: uuidv7(), op: 'create', changes: { ...values, ownerId, status: 'open' } as Mutation['changes'], base: {} };
  }

  private async marked(kind: string, recordId: string, occasion: number): Promise<boolean> {
    const row = await this.store.get<{ kind: string }>('SELECT kind FROM rule_marks WHERE kind = ? AND record_id = ? AND occasion = ?', [kind, recordId, occasion]);
    return row !== undefined;
  }

  /** Payment plans overdue as the contract page shows them (planStatus), by the server's local day. */
  private async overduePlans(now: number): Promise<{ id: string; occasion: number; ownerId: string; contractId: string; contractNo: string; accountId: string | null; title: string; plannedDate: string }[]> {
    const today = new Date(now + this.utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
    const plans = await this.store.all<{ id: string; fields: string }>("SELECT id, fields FROM records WHERE entity = 'payment_plan' AND deleted_at IS NULL");
    const due = plans
      .map((p) => ({ id: p.id, f: JSON.parse(p.fields) as Record<string, unknown> }))
      .filter((p) => typeof p.f.plannedDate === 'string' && p.f.plannedDate < today && typeof p.f.contractId === 'string');
    if (due.length === 0) return [];
    const received = new Map<string, number>();
    const payments = await this.store.all<{ fields: string }>("SELECT fields FROM records WHERE entity = 'payment' AND deleted_at IS NULL");
    for (const p of payments) {
      const f = JSON.parse(p.fields) as Record<string, unknown>;
      if (typeof f.planId === 'string' && typeof f.amount === 'number') received.set(f.planId, (received.get(f.planId) ?? 0) + f.amount);
    }
    const out = [];
    for (const p of due) {
      if (planStatus(p.f, received.get(p.id) ?? 0, today) !== 'overdue') continue;
      const contract = await this.store.get<{ fields: string; deleted_at: number | null }>("SELECT fields, deleted_at FROM records WHERE entity = 'contract' AND id = ?", [String(p.f.contractId)]);
      if (!contract || contract.deleted_at !== null) continue;
      const c = JSON.parse(contract.fields) as Record<string, unknown>;
      if (c.status === 'voided' || typeof c.ownerId !== 'string') continue;
      out.push({
        id: p.id,
        occasion: Date.parse(`${String(p.f.plannedDate)}T00:00:00Z`),
        ownerId: c.ownerId,
        contractId: String(p.f.contractId),
        contractNo: String(c.contractNo ?? ''),
        accountId: typeof c.accountId === 'string' ? c.accountId : null,
        title: String(p.f.title ?? ''),
        plannedDate: String(p.f.plannedDate),
      });
    }
    return out;
  }
}
