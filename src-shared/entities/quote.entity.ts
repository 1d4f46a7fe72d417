import { defineEntity } from './field';
import { currencies, quoteStatuses } from './enums';

/** 报价: priced lines for an account (and its opportunity); totals follow the lines. */
export const quoteEntity = defineEntity({
  name: 'quote',
  table: 'quotes',
  titleField: 'title',
  subtitleFields: ['quoteNo', 'accountId'],
  sections: ['basic', 'lines'],
  defaultSort: { field: 'updatedAt', dir: 'desc' },
  fields: {
    quoteNo: { kind: 'text', max: 40, search: true, list: true, indexed: true, system: true, serverAssigned: true, section: 'basic' },
    title: { kind: 'text', required: true, max: 200, search: true, list: true, section: 'basic' },
    accountId: { kind: 'ref', entity: 'account', required: true, cascade: true, search: true, list: true, indexed: true, section: 'basic' },
    opportunityId: { kind: 'ref', entity: 'opportunity', indexed: true, section: 'basic' },
    contactId: { kind: 'ref', entity: 'contact', section: 'basic' },
    status: { kind: 'enum', enumName: 'quoteStatus', values: quoteStatuses, default: 'draft', required: true, list: true, indexed: true, section: 'basic' },
    validUntil: { kind: 'date', list: true, section: 'basic' },
    currency: { kind: 'enum', enumName: 'currency', values: currencies, default: 'CNY', required: true, section: 'basic' },
    lines: { kind: 'lines', currencyField: 'currency', section: 'lines' },
    subtotal: { kind: 'money', currencyField: 'currency', system: true, section: 'lines' },
    discountTotal: { kind: 'money', currencyField: 'currency', system: true, section: 'lines' },
    total: { kind: 'money', currencyField: 'currency', list: true, indexed: true, system: true, section: 'lines' },
    terms: { kind: 'longtext', max: 4000, section: 'lines' },
  },
});
