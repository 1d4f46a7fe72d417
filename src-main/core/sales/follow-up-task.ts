import type Database from 'better-sqlite3';
import type { RecordData } from '../../../src-shared/api/client-api.contract';
import { translate, type Locale } from '../../../src-shared/i18n/index';
import type { RecordRepository } from '../records/record.repository';

type Parent = { entity: 'account' | 'lead'; id: string };

/** The account (or, without one, the lead) an activity or a task is about. */
function parentOf(record: Record<string, unknown>): Parent | null {
  if (typeof record.accountId === 'string' && record.accountId !== '') return { entity: 'account', id: record.accountId };
  if (typeof record.leadId === 'string' && record.leadId !== '') return { entity: 'lead', id: record.leadId };
  return null;
}

/** My open follow-up tasks about `parent`, oldest first. */
function waitingTasks(sqlite: Database.Database, parent: Parent, userId: string): { id: string }[] {
  const column = parent.entity === 'account' ? 'account_id' : 'lead_id';
  return sqlite
    .prepare(`SELECT id FROM tasks WHERE owner_id = ? AND status = 'open' AND source = 'follow_up' AND ${column} = ? AND deleted_at IS NULL ORDER BY created_at`)
    .all(userId, parent.id) as { id: string }[];
}

/**
 * Follow-up discipline on the user's own device: a planned next follow-up is a task (source
 * follow_up) due then, with a reminder at that time, so an overdue follow-up shows in "my tasks"
 * and notifies, offline too. One such task per account or lead: planning again moves it.
 */
function planFollowUp(records: RecordRepository, sqlite: Database.Database, parent: Parent, at: number, extra: Record<string, unknown>, userId: string, locale: Locale): void {
  const [task, ...older] = waitingTasks(sqlite, parent, userId);
  for (const t of older) records.update('task', t.id, { status: 'done' });
  if (task) {
    records.update('task', task.id, { dueAt: at, remindAt: at, ...(extra.notes ? { notes: extra.notes } : {}) });
    return;
  }
  const name = String(records.find(parent.entity, parent.id)?.name ?? '');
  const key = parent.entity === 'account' ? 'accountId' : 'leadId';
  records.create('task', { title: translate(locale, 'followUp.taskTitle', { name }), dueAt: at, remindAt: at, source: 'follow_up', [key]: parent.id, ...extra }, undefined, { allowSystem: true });
}

/**
 * An activity was logged: the follow-ups that were waiting on its account or lead happened, so
 * their tasks are done; a next follow-up the activity plans becomes the new task.
 */
export function afterActivityLogged(records: RecordRepository, sqlite: Database.Database, activity: RecordData, userId: string, locale: Locale): void {
  const parent = parentOf(activity);
  if (!parent) return;
  // An older activity typed in late changes neither the follow-up dates nor the tasks.
  if (records.find(parent.entity, parent.id)?.lastFollowUpAt !== activity.occurredAt) return;
  for (const t of waitingTasks(sqlite, parent, userId)) records.update('task', t.id, { status: 'done' });
  if (typeof activity.nextFollowUpAt !== 'number') return;
  const extra: Record<string, unknown> = {};
  if (typeof activity.nextStep === 'string' && activity.nextStep !== '') extra.notes = activity.nextStep;
  if (typeof activity.contactId === 'string' && activity.contactId !== '') extra.contactId = activity.contactId;
  if (typeof activity.opportunityId === 'string' && activity.opportunityId !== '') extra.opportunityId = activity.opportunityId;
  planFollowUp(records, sqlite, parent, activity.nextFollowUpAt, extra, userId, locale);
}

/**
 * The next follow-up of an account or a lead was set by hand: its follow-up task moves with it,
 * or is cancelled when the date is cleared.
 */
export function afterNextFollowUpSet(records: RecordRepository, sqlite: Database.Database, entity: 'account' | 'lead', record: RecordData, userId: string, locale: Locale): void {
  const parent = { entity, id: record.id };
  if (typeof record.nextFollowUpAt === 'number') {
    planFollowUp(records, sqlite, parent, record.nextFollowUpAt, {}, userId, locale);
    return;
  }
  for (const t of waitingTasks(sqlite, parent, userId)) records.update('task', t.id, { status: 'cancelled' });
}
