import type { EntityName } from '../../src-shared/entities/index';
import type { MessageKey } from '../../src-shared/i18n/index';

/**
 * Sentences about a kind of record, per entity: translators see whole phrases ("新建联系人",
 * "New contact") instead of a noun glued into a template, which reads wrong in one language or the other.
 */
export interface EntityText {
  nav: MessageKey;
  new: MessageKey;
  edit: MessageKey;
  created: MessageKey;
  updated: MessageKey;
  deleted: MessageKey;
  /** When the delete took children with it (an account's contacts). */
  deletedWithChildren: MessageKey;
  restored: MessageKey;
  count: MessageKey;
  countFiltered: MessageKey;
  quickPlaceholder: MessageKey;
  back: MessageKey;
  kind: MessageKey;
}

export const entityText: Record<EntityName, EntityText> = {
  account: {
    nav: 'nav.accounts',
    new: 'account.new',
    edit: 'account.edit',
    created: 'account.created',
    updated: 'account.updated',
    deleted: 'account.deleted',
    deletedWithChildren: 'account.deletedWithContacts',
    restored: 'account.restored',
    count: 'account.count',
    countFiltered: 'account.countFiltered',
    quickPlaceholder: 'account.quickPlaceholder',
    back: 'account.back',
    kind: 'entity.account',
  },
  contact: {
    nav: 'nav.contacts',
    new: 'contact.new',
    edit: 'contact.edit',
    created: 'contact.created',
    updated: 'contact.updated',
    deleted: 'contact.deleted',
    deletedWithChildren: 'contact.deleted',
    restored: 'contact.restored',
    count: 'contact.count',
    countFiltered: 'contact.countFiltered',
    quickPlaceholder: 'contact.quickPlaceholder',
    back: 'contact.back',
    kind: 'entity.contact',
  },
};
