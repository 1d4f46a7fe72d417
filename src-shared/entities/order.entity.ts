import { defineEntity } from './field';
import { currencies, orderStatuses, paymentMethods } from './enums';

/**
 * 订单: what the customer ordered, usually from an accepted quote. Numbered by the server; its
 * status moves 待审核 → 已审核 → 已发货 → 已完成 (or is cancelled) by the allowed steps only,
 * checked on both sides.
 */
export const orderEntity = defineEntity({
  name: 'order',
  table: 'orders',
  titleField: 'orderNo',
  subtitleFields: ['accountId', 'amount'],
  sections: ['basic', 'lines'],
  defaultSort: { field: 'updatedAt', dir: 'desc' },
  transitions: {
    field: 'status',
    allowed: {
      pending_review: ['approved', 'cancelled'],
      approved: ['shipped', 'cancelled'],
      shipped: ['completed'],
      completed: [],
      cancelled: [],
    },
  },
  fields: {
    orderNo: { kind: 'text', max: 40, search: true, list: true, indexed: true, system: true, serverAssigned: true, section: 'basic' },
    accountId: { kind: 'ref', entity: 'account', required: true, cascade: true, search: true, list: true, indexed: true, section: 'basic' },
    quoteId: { kind: 'ref', entity: 'quote', indexed: true, section: 'basic' },
    opportunityId: { kind: 'ref', entity: 'opportunity', section: 'basic' },
    status: { kind: 'enum', enumName: 'orderStatus', values: orderStatuses, default: 'pending_review', required: true, list: true, indexed: true, section: 'basic' },
    orderDate: { kind: 'date', list: true, indexed: true, section: 'basic' },
    paymentMethod: { kind: 'enum', enumName: 'paymentMethod', values: paymentMethods, list: true, section: 'basic' },
    currency: { kind: 'enum', enumName: 'currency', values: currencies, default: 'CNY', required: true, section: 'basic' },
    shippingAddress: { kind: 'text', max: 300, section: 'basic' },
    approvedAt: { kind: 'datetime', system: true, section: 'basic' },
    shippedAt: { kind: 'datetime', system: true, section: 'basic' },
    completedAt: { kind: 'datetime', system: true, section: 'basic' },
    lines: { kind: 'lines', currencyField: 'currency', section: 'lines' },
    amount: { kind: 'money', currencyField: 'currency', list: true, indexed: true, system: true, section: 'lines' },
    notes: { kind: 'longtext', max: 4000, section: 'lines' },
  },
});
