import { defineEntity } from './field';
import { decisionRoles } from './enums';

/**
 * 联系人: a person at an account. Deleting the account tombstones its contacts with it. The
 * account's name is part of a contact's search text (searching 华为 finds the people there).
 */
export const contactEntity = defineEntity({
  name: 'contact',
  table: 'contacts',
  titleField: 'name',
  subtitleFields: ['title', 'mobile'],
  sections: ['basic', 'contact'],
  defaultSort: { field: 'updatedAt', dir: 'desc' },
  fields: {
    accountId: { kind: 'ref', entity: 'account', required: true, cascade: true, search: true, list: true, indexed: true, section: 'basic' },
    name: { kind: 'text', required: true, max: 100, search: true, list: true, indexed: true, section: 'basic' },
    title: { kind: 'text', max: 100, list: true, section: 'basic' },
    decisionRole: { kind: 'enum', enumName: 'decisionRole', values: decisionRoles, list: true, indexed: true, section: 'basic' },
    isPrimary: { kind: 'bool', default: false, list: true, section: 'basic' },
    birthday: { kind: 'date', section: 'basic' },
    mobile: { kind: 'mobile', max: 20, search: true, list: true, indexed: true, section: 'contact' },
    phone: { kind: 'phone', max: 20, search: true, section: 'contact' },
    email: { kind: 'email', max: 200, search: true, list: true, indexed: true, section: 'contact' },
    wechat: { kind: 'text', max: 60, search: true, section: 'contact' },
  },
});
