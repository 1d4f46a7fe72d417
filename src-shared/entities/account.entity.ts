import { defineEntity } from './field';
import { accountLevels, accountStatuses, accountTypes, companySizes, industries, leadSources, poolReasons, poolStates } from './enums';

/** 客户. Fields as DOMAIN.md lists them; the address is split province / city / district / street. */
export const accountEntity = defineEntity({
  name: 'account',
  table: 'accounts',
  titleField: 'name',
  subtitleFields: ['city', 'phone'],
  sections: ['basic', 'contact', 'address', 'followUp', 'pool'],
  defaultSort: { field: 'updatedAt', dir: 'desc' },
  fields: {
    name: { kind: 'text', required: true, max: 200, search: true, list: true, indexed: true, section: 'basic' },
    /** 客户编号 C-000123: assigned by the sync server; a record made offline shows a provisional one. */
    customerNo: { kind: 'text', max: 40, search: true, list: true, indexed: true, system: true, serverAssigned: true, since: 3, section: 'basic' },
    type: { kind: 'enum', enumName: 'accountType', values: accountTypes, default: 'company', required: true, list: true, indexed: true, section: 'basic' },
    industry: { kind: 'enum', enumName: 'industry', values: industries, list: true, indexed: true, section: 'basic' },
    size: { kind: 'enum', enumName: 'companySize', values: companySizes, section: 'basic' },
    level: { kind: 'enum', enumName: 'accountLevel', values: accountLevels, list: true, indexed: true, section: 'basic' },
    source: { kind: 'enum', enumName: 'leadSource', values: leadSources, list: true, indexed: true, section: 'basic' },
    creditCode: { kind: 'text', max: 18, search: true, section: 'basic' },
    status: { kind: 'enum', enumName: 'accountStatus', values: accountStatuses, default: 'normal', required: true, indexed: true, section: 'basic' },
    poolState: { kind: 'enum', enumName: 'poolState', values: poolStates, default: 'owned', required: true, indexed: true, system: true, section: 'basic' },
    /** 公海 (src-shared/sales/pool.rules.ts): who had it before it went to the pool, when and why. */
    previousOwnerId: { kind: 'text', max: 64, system: true, since: 4, section: 'pool' },
    pooledAt: { kind: 'datetime', indexed: true, system: true, since: 4, section: 'pool' },
    poolReason: { kind: 'enum', enumName: 'poolReason', values: poolReasons, system: true, since: 4, section: 'pool' },
    /** When the current owner got it (created, claimed or assigned): the pool clock starts here without follow-ups. */
    ownedSince: { kind: 'datetime', system: true, since: 4, section: 'pool' },
    tags: { kind: 'tags', search: true, section: 'basic' },
    phone: { kind: 'phone', max: 20, search: true, list: true, section: 'contact' },
    email: { kind: 'email', max: 200, search: true, section: 'contact' },
    website: { kind: 'url', max: 300, section: 'contact' },
    province: { kind: 'text', max: 40, list: true, indexed: true, section: 'address' },
    city: { kind: 'text', max: 40, list: true, indexed: true, search: true, section: 'address' },
    district: { kind: 'text', max: 40, section: 'address' },
    street: { kind: 'text', max: 200, section: 'address' },
    lastFollowUpAt: { kind: 'datetime', list: true, indexed: true, system: true, section: 'followUp' },
    nextFollowUpAt: { kind: 'datetime', indexed: true, section: 'followUp' },
    notes: { kind: 'longtext', max: 4000, section: 'followUp' },
  },
});
