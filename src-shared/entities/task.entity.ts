import { defineEntity } from './field';
import { taskSources, taskStatuses } from './enums';

/**
 * 任务 / 提醒: something to do by a time. The owner is the assignee (the task is on their device);
 * it may name the record it is about. Reminders fire at `remindAt` on the assignee's device,
 * offline too. Rules make some (overdue follow-ups, pool warnings, overdue payments).
 */
export const taskEntity = defineEntity({
  name: 'task',
  table: 'tasks',
  titleField: 'title',
  subtitleFields: ['dueAt', 'status'],
  sections: ['basic', 'related'],
  defaultSort: { field: 'dueAt', dir: 'asc' },
  /** My open tasks by due time; my reminders by time. */
  compositeIndexes: [
    ['ownerId', 'status', 'dueAt'],
    ['ownerId', 'status', 'remindAt'],
  ],
  fields: {
    title: { kind: 'text', required: true, max: 200, search: true, list: true, section: 'basic' },
    status: { kind: 'enum', enumName: 'taskStatus', values: taskStatuses, default: 'open', required: true, list: true, indexed: true, section: 'basic' },
    dueAt: { kind: 'datetime', list: true, indexed: true, section: 'basic' },
    remindAt: { kind: 'datetime', indexed: true, section: 'basic' },
    notes: { kind: 'longtext', max: 4000, section: 'basic' },
    source: { kind: 'enum', enumName: 'taskSource', values: taskSources, default: 'manual', required: true, list: true, system: true, section: 'basic' },
    completedAt: { kind: 'datetime', system: true, section: 'basic' },
    accountId: { kind: 'ref', entity: 'account', list: true, indexed: true, section: 'related' },
    contactId: { kind: 'ref', entity: 'contact', section: 'related' },
    leadId: { kind: 'ref', entity: 'lead', indexed: true, section: 'related' },
    opportunityId: { kind: 'ref', entity: 'opportunity', indexed: true, section: 'related' },
    contractId: { kind: 'ref', entity: 'contract', section: 'related' },
  },
});
