import { defineEntity } from './field';
import { accountLevels } from './enums';

/**
 * 公海规则: how the customer pool treats accounts of one level, or, without a level, the default
 * for every level (a level's rule takes each blank setting from the default rule). Set by an admin, seen by everyone; the server applies them
 * (automatic return, warnings, claims) and clients check claims against them for a friendly answer
 * offline. See src-shared/sales/pool.rules.ts.
 */
export const poolRuleEntity = defineEntity({
  name: 'pool_rule',
  table: 'pool_rules',
  titleField: 'name',
  subtitleFields: ['level', 'returnDays'],
  sections: ['basic'],
  defaultSort: { field: 'level', dir: 'asc' },
  visibility: 'global',
  writeRoles: ['admin'],
  fields: {
    name: { kind: 'text', required: true, max: 60, search: true, list: true, section: 'basic' },
    /** Blank: the default rule for levels without their own. */
    level: { kind: 'enum', enumName: 'accountLevel', values: accountLevels, list: true, section: 'basic' },
    /** An owned account with no follow-up for this many days returns to the pool; blank: never. */
    returnDays: { kind: 'int', min: 1, max: 3650, list: true, section: 'basic' },
    /** The owner is warned (a task and a notification) this many days before the return. */
    warnDays: { kind: 'int', min: 0, max: 365, list: true, section: 'basic' },
    /** The previous owner may not claim the account back for this many days after it left them. */
    reclaimBarDays: { kind: 'int', min: 0, max: 3650, list: true, section: 'basic' },
    /** The most accounts of this level one rep may own (the default rule: accounts in all); blank: no cap. */
    ownerCap: { kind: 'int', min: 1, max: 1000000, list: true, section: 'basic' },
    active: { kind: 'bool', default: true, list: true, section: 'basic' },
  },
});
