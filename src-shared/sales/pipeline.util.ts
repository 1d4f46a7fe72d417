/**
 * How long a deal has sat in its stage, the same for the core's funnel (stalled deals) and the
 * kanban's cards, so a card flagged on the board is the deal the funnel lists and vice versa.
 */
export const DAY_MS = 86_400_000;

/** The funnel lists this many of each stage's stalled deals, the most overdue; its count says how many in all. */
export const STALLED_LISTED = 20;

export interface StageAge {
  /** Whole days since the deal entered its stage. */
  days: number;
  /** Time in stage exceeds the stage's limit (now − stageChangedAt > limitDays × 24 h). */
  over: boolean;
  /** Whole days past the limit; 0 in the first day after it ran out (or when not over). */
  daysOver: number;
}

/** The deal's age in its stage as of `now`, or null when it has no stage time. */
export function stageAge(stageChangedAt: number | null | undefined, now: number, limitDays: number | null | undefined): StageAge | null {
  if (typeof stageChangedAt !== 'number') return null;
  // A stage time after `now` (another device's clock ahead of ours) reads as just entered.
  const elapsed = Math.max(0, now - stageChangedAt);
  const days = Math.floor(elapsed / DAY_MS);
  if (typeof limitDays !== 'number') return { days, over: false, daysOver: 0 };
  const over = elapsed > limitDays * DAY_MS;
  return { days, over, daysOver: over ? days - limitDays : 0 };
}

/**
 * The latest stage time a deal can have and still be stalled: stalled ⇔ stageChangedAt < cutoff.
 * The SQL form of `stageAge(...).over`.
 */
export function stalledCutoff(now: number, limitDays: number): number {
  return now - limitDays * DAY_MS;
}

/** The first and last day of a close month 'YYYY-MM', for comparing 'YYYY-MM-DD' strings. */
export function closeMonthDays(month: string): { from: string; to: string } {
  // Day 31 as the upper bound works for every month: the dates compared are real ones, and no
  // real date in the month sorts after 'YYYY-MM-31'.
  return { from: `${month}-01`, to: `${month}-31` };
}
