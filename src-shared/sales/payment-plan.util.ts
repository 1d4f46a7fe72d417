/** A record as the renderer and the server read it: field values by name. */
type RecordData = Record<string, unknown>;

export type PlanStatus = 'pending' | 'partial' | 'done' | 'overdue';

/** Payments of a contract summed: all of them, and per payment plan they name. */
export function receivedByPlan(payments: readonly RecordData[]): { total: number; byPlan: Map<string, number> } {
  let total = 0;
  const byPlan = new Map<string, number>();
  for (const p of payments) {
    const amount = typeof p.amount === 'number' ? p.amount : 0;
    total += amount;
    if (typeof p.planId === 'string' && p.planId !== '') byPlan.set(p.planId, (byPlan.get(p.planId) ?? 0) + amount);
  }
  return { total, byPlan };
}

/**
 * An instalment's status from what was received against it and the day: paid in full is done,
 * something is partial, nothing past its planned date is overdue, else pending. (A partly paid
 * instalment past its date stays partial: the amount still owed shows on the contract.)
 */
export function planStatus(plan: RecordData, received: number, today: string): PlanStatus {
  const amount = typeof plan.amount === 'number' ? plan.amount : 0;
  if (received >= amount && amount > 0) return 'done';
  if (received > 0) return 'partial';
  return typeof plan.plannedDate === 'string' && plan.plannedDate < today ? 'overdue' : 'pending';
}
