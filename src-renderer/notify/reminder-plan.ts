/**
 * When desktop reminders fire: a pure decision, so the rules ("missed ones once at start, never
 * twice", "wake in time for the next one, but re-check at least every minute") are tested without
 * timers or a browser.
 *
 * The high-water mark `notifiedUntil` says every reminder at or before it has been dealt with. It
 * only moves forward: when the clock jumps back, reminders between the new time and the mark were
 * already shown and are not shown again.
 */

/** A reminder candidate: a task with its reminder time (task.reminders rows fit). */
export interface ReminderCandidate {
  id: string;
  remindAt: number;
}

export interface ReminderPlan<T extends ReminderCandidate> {
  /** Show these now, earliest first (the newest few when many were missed). */
  show: T[];
  /** Due reminders left out of `show` (many missed while the app was closed): one summary says how many. */
  folded: number;
  /** Persist this as the new mark before showing anything (so a crash cannot show them twice). */
  notifiedUntil: number;
  /** Plan again at this moment (epoch ms). */
  wakeAt: number;
}

export interface PlanOptions {
  /**
   * Longest sleep between checks. A timer cannot see the wall clock jump (a laptop waking, the
   * user changing the time), so the plan is re-made at least this often.
   */
  maxSleepMs: number;
  /** At most this many notifications at once; more are folded into one summary. */
  maxShown: number;
}

export const defaultPlanOptions: PlanOptions = { maxSleepMs: 60_000, maxShown: 3 };

/**
 * `candidates`: my open tasks with a reminder after `notifiedUntil` and up to at least
 * `now + maxSleepMs` (what task.reminders returns for that window). `notifiedUntil` null means this
 * device has never planned: nothing before `now` counts as missed (reminders of a fresh sign-in
 * were for another device or long past).
 */
export function planReminders<T extends ReminderCandidate>(candidates: readonly T[], now: number, notifiedUntil: number | null, options: PlanOptions = defaultPlanOptions): ReminderPlan<T> {
  const since = notifiedUntil ?? now;
  const due = candidates.filter((c) => c.remindAt > since && c.remindAt <= now).sort((a, b) => a.remindAt - b.remindAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const show = due.slice(Math.max(0, due.length - options.maxShown));
  const mark = Math.max(since, now);
  let next = now + options.maxSleepMs;
  for (const c of candidates) if (c.remindAt > mark && c.remindAt < next) next = c.remindAt;
  return { show, folded: due.length - show.length, notifiedUntil: mark, wakeAt: next };
}
