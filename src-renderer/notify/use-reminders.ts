import { useEffect } from 'react';
import type { MethodOutput } from '../../src-shared/api/client-api.contract';
import { api, onCoreEvent } from '../api/client';
import { formatDateTime } from '../format/field-format';
import { makeTranslator } from '../i18n/use-t';
import { useApp } from '../state/app.store';
import { createReminderScheduler } from './reminders';

type Reminder = MethodOutput<'task.reminders'>['reminders'][number];

/** The high-water mark of shown reminders, kept in the replica's settings so a restart knows what it missed. */
export const NOTIFIED_UNTIL_KEY = 'reminders.notifiedUntil';
/** Set once the user has been asked for notifications, so a dismissed prompt is not shown again. */
const PERMISSION_ASKED_KEY = 'reminders.permissionAsked';
/** How long an in-app reminder (no notification permission) stays on screen. */
const TOAST_MS = 20_000;

/**
 * Whether desktop notifications may be shown. Asks at the first reminder that needs one rather than
 * at start (a prompt before anything is due gets dismissed), and only once: after that the answer,
 * or its absence, stands and reminders fall back to the app's own toasts.
 */
async function mayNotify(): Promise<boolean> {
  if (typeof Notification === 'undefined') return false;
  if (Notification.permission !== 'default') return Notification.permission === 'granted';
  if ((await api['settings.get']({ key: PERMISSION_ASKED_KEY })) === true) return false;
  await api['settings.set']({ key: PERMISSION_ASKED_KEY, value: true });
  return (await Notification.requestPermission()) === 'granted';
}

function openTask(id: string): void {
  window.focus();
  useApp.getState().navigate({ view: 'detail', entity: 'task', id });
}

function body(reminder: Reminder): string {
  const t = makeTranslator(useApp.getState().locale);
  const due = reminder.dueAt === null ? t('tasks.reminder.noDue') : t('tasks.reminder.due', { time: formatDateTime(reminder.dueAt, t.locale) });
  return reminder.related ? `${due} · ${reminder.related.title}` : due;
}

async function show(due: Reminder[], folded: number): Promise<void> {
  const t = makeTranslator(useApp.getState().locale);
  const notify = await mayNotify().catch(() => false);
  for (const reminder of due) {
    if (notify) {
      // The tag makes a second window's copy replace this one instead of stacking.
      const notification = new Notification(reminder.title, { body: body(reminder), tag: `task-reminder:${reminder.id}` });
      notification.onclick = () => {
        notification.close();
        openTask(reminder.id);
      };
    } else {
      useApp.getState().pushToast({
        kind: 'info',
        message: { key: 'tasks.reminder.toast', params: { title: reminder.title } },
        timeoutMs: TOAST_MS,
        action: { label: 'tasks.reminder.open', run: () => openTask(reminder.id) },
      });
    }
  }
  if (folded === 0) return;
  const openMine = () => {
    window.focus();
    useApp.getState().navigate({ view: 'page', page: 'myTasks' });
  };
  if (notify) {
    const summary = new Notification(t('tasks.reminder.missed', { count: folded }), { body: t('tasks.reminder.missedBody'), tag: 'task-reminder:missed' });
    summary.onclick = () => {
      summary.close();
      openMine();
    };
  } else {
    useApp.getState().pushToast({ kind: 'info', message: { key: 'tasks.reminder.missed', params: { count: folded } }, timeoutMs: TOAST_MS, action: { label: 'tasks.reminder.open', run: openMine } });
  }
}

function exclusive<R>(fn: () => Promise<R>): Promise<R> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  // The lock is held until fn's promise settles; the typings nest that promise, but promises flatten.
  return locks ? (locks.request('crm.reminders', fn) as Promise<R>) : fn();
}

/**
 * Desktop reminders for my open tasks, mounted once in the shell while someone is signed in.
 * Reads only the local replica, so reminders come offline too. Plans again when tasks change, when
 * the connection or the replica was replaced (dataEpoch), when the window becomes visible (a laptop
 * waking) and at least every minute (clock changes).
 */
export function useReminders(active: boolean): void {
  const dataEpoch = useApp((s) => s.dataEpoch);
  useEffect(() => {
    if (!active) return;
    const scheduler = createReminderScheduler<Reminder>({
      now: () => Date.now(),
      fetch: async (from, to) => (await api['task.reminders']({ from, to })).reminders,
      loadMark: async () => {
        const value = await api['settings.get']({ key: NOTIFIED_UNTIL_KEY });
        return typeof value === 'number' && Number.isFinite(value) ? value : null;
      },
      saveMark: async (mark) => {
        await api['settings.set']({ key: NOTIFIED_UNTIL_KEY, value: mark });
      },
      show,
      setTimer: (run, ms) => window.setTimeout(run, ms),
      clearTimer: (handle) => window.clearTimeout(handle as number),
      exclusive,
      // A failed plan is retried at the next wake-up; the user has nothing to act on.
      onError: (error) => console.warn('reminders: planning failed', error),
    });
    scheduler.replan();
    const off = onCoreEvent((event) => {
      if (event.type === 'changed' && event.entity === 'task') scheduler.replan();
    });
    const onVisible = () => document.visibilityState === 'visible' && scheduler.replan();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      off();
      document.removeEventListener('visibilitychange', onVisible);
      scheduler.stop();
    };
  }, [active, dataEpoch]);
}
