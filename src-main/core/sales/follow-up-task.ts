import type Database from 'better-sqlite3';
import type { RecordData } from '../../../src-shared/api/client-api.contract';
import { translate, type Locale } from '../../../src-shared/i18n/index';
import type { RecordRepository } from '../records/record.repository';

/**
 * Follow-up discipline on the user's own device: an activity that plans a next follow-up makes a
 * task (source follow_up) due then, with a reminder at that time, so an overdue follow-up shows in
 * "my tasks" and notifies, offline too. Logging a newer activity on the same account or lead
 * completes the follow-up tasks it had waiting: the follow-up happened.
 */
export function afterActivityLogged(records: RecordRepository, sqlite: Database.Database, activity: RecordData, userId: string, locale: Locale): void {
  const parent = typeof activity.accountId === 'string' && activity.accountId !== '' ? { field: 'account_id', key: 'accountId', entity: 'account' as const } : typeof activity.leadId === 'string' && activity.leadId !== '' ? { field: 'lead_id', key: 'leadId', entity: 'lead' as const } : null;
  if (!parent) return;
  const parentId = String(activity[parent.key]);
  const waiting = sqlite
    .prepare(`SELECT id FROM tasks WHERE owner_id = ? AND status = 'open' AND source = 'follow_up' AND ${parent.field} = ? AND deleted_at IS NULL`)
    .all(userId, parentId) as { id: string }[];
  for (const task of waiting) records.update('task', task.id, { status: 'done' });
  const next = activity.nextFollowUpAt;
  if (typeof next !== 'number') return;
  const name = String(records.find(parent.entity, parentId)?.name ?? '');
  records.create(
    'task',
    {
      title: translate(locale, 'followUp.taskTitle', { name }),
      dueAt: next,
      remindAt: next,
      notes: typeof activity.nextStep === 'string' && activity.nextStep !== '' ? activity.nextStep : null,
      source: 'follow_up',
      [parent.key]: parentId,
      ...(typeof activity.contactId === 'string' && activity.contactId !== '' ? { contactId: activity.contactId } : {}),
      ...(typeof activity.opportunityId === 'string' && activity.opportunityId !== '' ? { opportunityId: activity.opportunityId } : {}),
    },
    undefined,
    { allowSystem: true },
  );
}
