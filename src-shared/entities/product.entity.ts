import { defineEntity } from './field';
import { currencies } from './enums';

/** 产品: what is sold. Seen by everyone; kept by admins and sales managers. */
export const productEntity = defineEntity({
  name: 'product',
  table: 'products',
  titleField: 'name',
  subtitleFields: ['code', 'spec'],
  sections: ['basic'],
  defaultSort: { field: 'code', dir: 'asc' },
  visibility: 'global',
  writeRoles: ['admin', 'sales_manager'],
  fields: {
    code: { kind: 'text', required: true, max: 40, search: true, list: true, indexed: true, section: 'basic' },
    name: { kind: 'text', required: true, max: 200, search: true, list: true, indexed: true, section: 'basic' },
    spec: { kind: 'text', max: 200, search: true, list: true, section: 'basic' },
    unit: { kind: 'text', max: 20, list: true, section: 'basic' },
    listPrice: { kind: 'money', currencyField: 'currency', required: true, list: true, indexed: true, section: 'basic' },
    currency: { kind: 'enum', enumName: 'currency', values: currencies, default: 'CNY', required: true, section: 'basic' },
    category: { kind: 'text', max: 60, list: true, indexed: true, section: 'basic' },
    active: { kind: 'bool', default: true, list: true, section: 'basic' },
    description: { kind: 'longtext', max: 4000, section: 'basic' },
  },
});
