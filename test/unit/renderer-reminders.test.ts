import { describe, expect, it } from 'vitest';
import { planReminders, type ReminderCandidate } from '../../src-renderer/notify/reminder-plan';
import { createReminderScheduler, type ReminderDeps } from '../../src-renderer/notify/reminders';

const T0 = Date.parse('2026-03-10T09:00:00+08:00');
const MIN = 60_000;
const options = { maxSleepMs: MIN, maxShown: 3 };
const r = (id: string, remindAt: number): ReminderCandidate => ({ id, remindAt });
const ids = (list: ReminderCandidate[]) => list.map((c) => c.id);

describe('the reminder planner', () => {
  it('shows what fell due since the mark, moves the mark to now and wakes for the next one', () => {
    const plan = planReminders([r('a', T0 - 5000), r('b', T0), r('c', T0 + 20_000), r('d', T0 + 50_000)], T0, T0 - 10_000, options);
    expect(ids(plan.show)).toEqual(['a', 'b']);
    expect(plan.folded).toBe(0);
    expect(plan.notifiedUntil).toBe(T0);
    expect(plan.wakeAt).toBe(T0 + 20_000);
  });

  it('never shows a reminder at or before the mark again', () => {
    const plan = planReminders([r('a', T0 - 5000), r('b', T0 - 10_000)], T0, T0 - 5000, options);
    expect(plan.show).toEqual([]);
  });

  it('sleeps at most the re-check interval when nothing is coming', () => {
    const plan = planReminders([], T0, T0 - MIN, options);
    expect(plan).toEqual({ show: [], folded: 0, notifiedUntil: T0, wakeAt: T0 + MIN });
  });

  it('counts nothing as missed on a device that never planned before', () => {
    const plan = planReminders([r('old', T0 - 1000), r('soon', T0 + 1000)], T0, null, options);
    expect(plan.show).toEqual([]);
    expect(plan.notifiedUntil).toBe(T0);
    expect(plan.wakeAt).toBe(T0 + 1000);
  });

  it('shows many missed reminders as the newest few plus a count of the rest', () => {
    const missed = Array.from({ length: 8 }, (_, i) => r(`m${i}`, T0 - (8 - i) * MIN));
    const plan = planReminders(missed, T0, T0 - 24 * 60 * MIN, options);
    expect(ids(plan.show)).toEqual(['m5', 'm6', 'm7']);
    expect(plan.folded).toBe(5);
  });

  it('keeps the mark when the clock jumps back, so nothing shows twice', () => {
    // Shown up to 09:00, then the clock is set back to 08:50: the 08:55 reminder was already shown.
    const back = T0 - 10 * MIN;
    const plan = planReminders([r('shown', T0 - 5 * MIN), r('next', T0 + 30_000)], back, T0, options);
    expect(plan.show).toEqual([]);
    expect(plan.notifiedUntil).toBe(T0);
    expect(plan.wakeAt).toBe(back + MIN);
  });

  it('catches up at once when the clock jumps forward past a reminder', () => {
    const plan = planReminders([r('skipped', T0 + 30 * MIN)], T0 + 2 * 60 * MIN, T0, options);
    expect(ids(plan.show)).toEqual(['skipped']);
  });
});

/** A reminder loop against fakes: the replica's reminders, a stored mark, a clock and one timer. */
function harness(reminders: ReminderCandidate[], stored: { mark: number | null }) {
  let now = T0;
  let timer: { run: () => void; at: number } | null = null;
  const shown: string[][] = [];
  const folded: number[] = [];
  const fetches: [number, number][] = [];
  const errors: unknown[] = [];
  let settle: () => void = () => undefined;
  let idle = Promise.resolve();
  const deps: ReminderDeps<ReminderCandidate> = {
    now: () => now,
    fetch: (from, to) => {
      fetches.push([from, to]);
      return Promise.resolve(reminders.filter((c) => c.remindAt > from && c.remindAt <= to).sort((a, b) => a.remindAt - b.remindAt));
    },
    loadMark: () => Promise.resolve(stored.mark),
    saveMark: (mark) => {
      stored.mark = mark;
      return Promise.resolve();
    },
    show: (due, more) => {
      shown.push(ids(due));
      folded.push(more);
    },
    setTimer: (run, ms) => {
      timer = { run, at: now + ms };
      settle();
      return timer;
    },
    clearTimer: (handle) => {
      if (timer === handle) timer = null;
    },
    onError: (error) => errors.push(error),
  };
  const scheduler = createReminderScheduler(deps, options);
  /** Resolves once the loop has gone back to sleep. */
  const planned = () => {
    idle = new Promise<void>((resolve) => (settle = resolve));
    return idle;
  };
  return {
    scheduler,
    shown,
    folded,
    fetches,
    errors,
    get timer() {
      return timer;
    },
    async start() {
      const done = planned();
      scheduler.replan();
      await done;
    },
    /** Moves the clock to the timer and runs it. */
    async fire() {
      const pending = timer;
      if (!pending) throw new Error('no timer set');
      now = pending.at;
      const done = planned();
      pending.run();
      await done;
    },
    setNow(at: number) {
      now = at;
    },
  };
}

describe('the reminder loop', () => {
  it('fires reminders missed while the app was closed once at start, and not again after a restart', async () => {
    const stored = { mark: T0 - 60 * MIN as number | null };
    const reminders = [r('missed', T0 - 30 * MIN), r('soon', T0 + 20_000)];
    const first = harness(reminders, stored);
    await first.start();
    expect(first.shown).toEqual([['missed']]);
    expect(stored.mark).toBe(T0);
    expect(first.timer?.at).toBe(T0 + 20_000);
    first.scheduler.stop();
    expect(first.timer).toBeNull();

    const second = harness(reminders, stored);
    await second.start();
    expect(second.shown).toEqual([]);
    second.scheduler.stop();
  });

  it('wakes at the reminder time and shows it once, then keeps re-checking every minute', async () => {
    const stored = { mark: T0 as number | null };
    const h = harness([r('soon', T0 + 20_000)], stored);
    await h.start();
    expect(h.shown).toEqual([]);
    await h.fire();
    expect(h.shown).toEqual([['soon']]);
    expect(stored.mark).toBe(T0 + 20_000);
    expect(h.timer?.at).toBe(T0 + 20_000 + MIN);
    await h.fire();
    expect(h.shown).toEqual([['soon']]);
    h.scheduler.stop();
  });

  it('asks for missed and coming reminders separately, so a backlog cannot hide the next one', async () => {
    const stored = { mark: T0 - 120 * MIN as number | null };
    const h = harness([], stored);
    await h.start();
    expect(h.fetches).toEqual([
      [T0 - 120 * MIN, T0],
      [T0, T0 + MIN],
    ]);
    h.scheduler.stop();
  });

  it('folds a long backlog into a count', async () => {
    const stored = { mark: T0 - 24 * 60 * MIN as number | null };
    const h = harness(Array.from({ length: 10 }, (_, i) => r(`m${i}`, T0 - (i + 1) * MIN)), stored);
    await h.start();
    expect(h.shown).toEqual([['m2', 'm1', 'm0']]);
    expect(h.folded).toEqual([7]);
    h.scheduler.stop();
  });

  it('does not show reminders again when the clock is set back', async () => {
    const stored = { mark: T0 as number | null };
    const h = harness([r('earlier', T0 - 5 * MIN)], stored);
    h.setNow(T0 - 10 * MIN);
    await h.start();
    expect(h.shown).toEqual([]);
    expect(stored.mark).toBe(T0);
    h.scheduler.stop();
  });
});
