import { defineEntity } from './field';
import { activityTypes } from './enums';

/**
 * 跟进记录: a call, visit, e-mail, meeting, WeChat message or field check-in (外勤签到), on an
 * account (and maybe one of its contacts or opportunities) or on a lead. It is seen with the
 * account or the lead it belongs to; a converted lead's activities move to its account.
 * Logging one moves the account's (or lead's) last and next follow-up.
 */
export const activityEntity = defineEntity({
  name: 'activity',
  table: 'activities',
  titleField: 'subject',
  subtitleFields: ['type', 'occurredAt'],
  sections: ['basic', 'related', 'checkin'],
  defaultSort: { field: 'occurredAt', dir: 'desc' },
  /** Timelines: one record's activities, newest first. */
  compositeIndexes: [
    ['accountId', 'occurredAt'],
    ['leadId', 'occurredAt'],
    ['contactId', 'occurredAt'],
    ['opportunityId', 'occurredAt'],
  ],
  fields: {
    type: { kind: 'enum', enumName: 'activityType', values: activityTypes, default: 'call', required: true, list: true, indexed: true, section: 'basic' },
    subject: { kind: 'text', required: true, max: 200, search: true, list: true, section: 'basic' },
    occurredAt: { kind: 'datetime', required: true, list: true, indexed: true, section: 'basic' },
    content: { kind: 'longtext', max: 8000, search: true, section: 'basic' },
    outcome: { kind: 'text', max: 500, section: 'basic' },
    nextStep: { kind: 'text', max: 500, section: 'basic' },
    nextFollowUpAt: { kind: 'datetime', section: 'basic' },
    accountId: { kind: 'ref', entity: 'account', cascade: true, search: true, list: true, indexed: true, section: 'related' },
    leadId: { kind: 'ref', entity: 'lead', cascade: true, list: true, indexed: true, section: 'related' },
    contactId: { kind: 'ref', entity: 'contact', indexed: true, section: 'related' },
    opportunityId: { kind: 'ref', entity: 'opportunity', indexed: true, section: 'related' },
    location: { kind: 'text', max: 300, section: 'checkin' },
    latitude: { kind: 'decimal', min: -90, max: 90, scale: 6, section: 'checkin' },
    longitude: { kind: 'decimal', min: -180, max: 180, scale: 6, section: 'checkin' },
  },
});
