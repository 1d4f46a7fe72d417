import { defineEntity } from './field';
import { leadSources, leadStatuses } from './enums';

/**
 * 线索: a person at a company who may buy, not yet a customer. Converting one makes an account,
 * a contact and an opportunity in one step (sales/lead-convert.ts) and records what it became.
 */
export const leadEntity = defineEntity({
  name: 'lead',
  table: 'leads',
  titleField: 'name',
  subtitleFields: ['company', 'mobile'],
  sections: ['basic', 'contact', 'followUp', 'conversion'],
  defaultSort: { field: 'updatedAt', dir: 'desc' },
  fields: {
    name: { kind: 'text', required: true, max: 100, search: true, list: true, indexed: true, section: 'basic' },
    company: { kind: 'text', max: 200, search: true, list: true, indexed: true, section: 'basic' },
    title: { kind: 'text', max: 100, section: 'basic' },
    status: { kind: 'enum', enumName: 'leadStatus', values: leadStatuses, default: 'new', required: true, list: true, indexed: true, section: 'basic' },
    source: { kind: 'enum', enumName: 'leadSource', values: leadSources, list: true, indexed: true, section: 'basic' },
    /** 线索评分 0–100: interest and behaviour. */
    score: { kind: 'int', min: 0, max: 100, list: true, indexed: true, section: 'basic' },
    mobile: { kind: 'mobile', max: 20, search: true, list: true, indexed: true, section: 'contact' },
    phone: { kind: 'phone', max: 20, search: true, section: 'contact' },
    email: { kind: 'email', max: 200, search: true, list: true, section: 'contact' },
    wechat: { kind: 'text', max: 60, search: true, section: 'contact' },
    province: { kind: 'text', max: 40, section: 'contact' },
    city: { kind: 'text', max: 40, list: true, indexed: true, section: 'contact' },
    lastFollowUpAt: { kind: 'datetime', list: true, indexed: true, system: true, section: 'followUp' },
    nextFollowUpAt: { kind: 'datetime', indexed: true, section: 'followUp' },
    notes: { kind: 'longtext', max: 4000, section: 'followUp' },
    lostReason: { kind: 'text', max: 500, section: 'followUp' },
    convertedAt: { kind: 'datetime', system: true, section: 'conversion' },
    accountId: { kind: 'ref', entity: 'account', system: true, section: 'conversion' },
    contactId: { kind: 'ref', entity: 'contact', system: true, section: 'conversion' },
    opportunityId: { kind: 'ref', entity: 'opportunity', system: true, section: 'conversion' },
  },
});
