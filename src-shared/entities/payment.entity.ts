import { defineEntity } from './field';
import { currencies, paymentMethods } from './enums';

/** 回款: money received against a contract, optionally against one of its plans. */
export const paymentEntity = defineEntity({
  name: 'payment',
  table: 'payments',
  titleField: 'reference',
  subtitleFields: ['receivedOn', 'amount'],
  sections: ['basic'],
  defaultSort: { field: 'receivedOn', dir: 'desc' },
  fields: {
    contractId: { kind: 'ref', entity: 'contract', required: true, cascade: true, search: true, list: true, indexed: true, section: 'basic' },
    planId: { kind: 'ref', entity: 'payment_plan', indexed: true, list: true, section: 'basic' },
    reference: { kind: 'text', required: true, max: 100, search: true, list: true, section: 'basic' },
    receivedOn: { kind: 'date', required: true, list: true, indexed: true, section: 'basic' },
    currency: { kind: 'enum', enumName: 'currency', values: currencies, default: 'CNY', required: true, section: 'basic' },
    amount: { kind: 'money', currencyField: 'currency', required: true, list: true, section: 'basic' },
    method: { kind: 'enum', enumName: 'paymentMethod', values: paymentMethods, default: 'bank_transfer', required: true, list: true, section: 'basic' },
    notes: { kind: 'text', max: 500, section: 'basic' },
  },
});
