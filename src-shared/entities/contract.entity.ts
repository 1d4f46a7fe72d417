import { defineEntity } from './field';
import { contractStatuses, currencies } from './enums';

/**
 * 合同: numbered by the server; its payment plans and payments hang off it. Received and
 * outstanding amounts are summed from its payments when shown (sales/contract-money.ts), so two
 * people recording payments offline never race over a stored total.
 */
export const contractEntity = defineEntity({
  name: 'contract',
  table: 'contracts',
  titleField: 'name',
  subtitleFields: ['contractNo', 'accountId'],
  sections: ['basic', 'money'],
  defaultSort: { field: 'updatedAt', dir: 'desc' },
  fields: {
    contractNo: { kind: 'text', max: 40, search: true, list: true, indexed: true, system: true, serverAssigned: true, section: 'basic' },
    name: { kind: 'text', required: true, max: 200, search: true, list: true, section: 'basic' },
    accountId: { kind: 'ref', entity: 'account', required: true, cascade: true, search: true, list: true, indexed: true, section: 'basic' },
    opportunityId: { kind: 'ref', entity: 'opportunity', section: 'basic' },
    orderId: { kind: 'ref', entity: 'order', indexed: true, section: 'basic' },
    status: { kind: 'enum', enumName: 'contractStatus', values: contractStatuses, default: 'draft', required: true, list: true, indexed: true, section: 'basic' },
    signedOn: { kind: 'date', list: true, section: 'basic' },
    startDate: { kind: 'date', section: 'basic' },
    endDate: { kind: 'date', list: true, indexed: true, section: 'basic' },
    renewalRemindOn: { kind: 'date', section: 'basic' },
    currency: { kind: 'enum', enumName: 'currency', values: currencies, default: 'CNY', required: true, section: 'money' },
    amount: { kind: 'money', currencyField: 'currency', required: true, list: true, indexed: true, section: 'money' },
    notes: { kind: 'longtext', max: 4000, section: 'money' },
  },
});
