import { defineEntity } from './field';
import { currencies } from './enums';

/**
 * 回款计划: an instalment of a contract, due on a day. Its status (pending / partial / done /
 * overdue) follows from the payments recorded against it and the day (sales/contract-money.ts).
 */
export const paymentPlanEntity = defineEntity({
  name: 'payment_plan',
  table: 'payment_plans',
  titleField: 'title',
  subtitleFields: ['plannedDate', 'amount'],
  sections: ['basic'],
  defaultSort: { field: 'plannedDate', dir: 'asc' },
  fields: {
    contractId: { kind: 'ref', entity: 'contract', required: true, cascade: true, search: true, list: true, indexed: true, section: 'basic' },
    title: { kind: 'text', required: true, max: 100, list: true, section: 'basic' },
    plannedDate: { kind: 'date', required: true, list: true, indexed: true, section: 'basic' },
    currency: { kind: 'enum', enumName: 'currency', values: currencies, default: 'CNY', required: true, section: 'basic' },
    amount: { kind: 'money', currencyField: 'currency', required: true, list: true, section: 'basic' },
    notes: { kind: 'text', max: 500, section: 'basic' },
  },
});
