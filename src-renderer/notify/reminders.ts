import { defaultPlanOptions, planReminders, type PlanOptions, type ReminderCandidate } from './reminder-plan';

/**
 * The reminder loop: read the mark, ask the replica for reminders around now, decide with
 * planReminders, store the new mark, show, sleep until the next one (or the re-check). Everything
 * it touches comes in through `deps`, so the loop runs the same against the core and in tests.
 */
export interface ReminderDeps<T extends ReminderCandidate> {
  now(): number;
  /** My open tasks with a reminder in (from, to], earliest first. */
  fetch(from: number, to: number): Promise<T[]>;
  loadMark(): Promise<number | null>;
  saveMark(mark: number): Promise<void>;
  /** Shows the reminders that are due and says how many more were folded away. */
  show(due: T[], folded: number): void | Promise<void>;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /**
   * Runs `fn` alone among the app's windows (two tabs of the browser host would otherwise both read
   * the old mark and both notify). Without it, plans run one at a time within this window only.
   */
  exclusive?<R>(fn: () => Promise<R>): Promise<R>;
  onError(error: unknown): void;
}

export interface ReminderScheduler {
  /** Plan again now (tasks changed, the window woke up); calls made while planning coalesce. */
  replan(): void;
  stop(): void;
}

export function createReminderScheduler<T extends ReminderCandidate>(deps: ReminderDeps<T>, options: PlanOptions = defaultPlanOptions): ReminderScheduler {
  let timer: unknown = null;
  let running = false;
  let again = false;
  let stopped = false;

  const sleep = (until: number) => {
    if (timer !== null) deps.clearTimer(timer);
    timer = deps.setTimer(
      () => {
        timer = null;
        replan();
      },
      Math.max(0, until - deps.now()),
    );
  };

  const decide = async () => {
    const mark = await deps.loadMark();
    const now = deps.now();
    const since = mark ?? now;
    const upTo = Math.max(since, now);
    // Two windows: what fell due since the mark, and what comes before the next re-check. Apart,
    // so a long list of missed reminders cannot crowd out the one due in ten seconds.
    const [missed, coming] = await Promise.all([since < now ? deps.fetch(since, now) : Promise.resolve([]), deps.fetch(upTo, now + options.maxSleepMs)]);
    const plan = planReminders([...missed, ...coming], now, mark, options);
    if (stopped) return null;
    // Stored before anything shows: a crash in between loses a reminder rather than repeating it.
    if (plan.notifiedUntil !== mark) await deps.saveMark(plan.notifiedUntil);
    return plan;
  };

  async function run(): Promise<void> {
    running = true;
    try {
      do {
        again = false;
        const plan = await (deps.exclusive ? deps.exclusive(decide) : decide());
        if (!plan || stopped) return;
        if (plan.show.length > 0 || plan.folded > 0) await deps.show(plan.show, plan.folded);
        if (!stopped) sleep(plan.wakeAt);
      } while (again && !stopped);
    } catch (error) {
      deps.onError(error);
      if (!stopped) sleep(deps.now() + options.maxSleepMs);
    } finally {
      running = false;
    }
  }

  function replan(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    void run();
  }

  return {
    replan,
    stop() {
      stopped = true;
      if (timer !== null) deps.clearTimer(timer);
      timer = null;
    },
  };
}
