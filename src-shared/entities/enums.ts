/** Value lists shared by several entities. Labels: enum.<name>.<value> in the i18n resources. */
export const accountTypes = ['company', 'individual'] as const;
export const industries = [
  'manufacturing',
  'it',
  'finance',
  'retail',
  'education',
  'healthcare',
  'real_estate',
  'logistics',
  'energy',
  'government',
  'construction',
  'agriculture',
  'media',
  'other',
] as const;
export const companySizes = ['xs', 's', 'm', 'l', 'xl'] as const;
/** 客户分级: A = high value, B = medium, C = low. */
export const accountLevels = ['A', 'B', 'C'] as const;
export const leadSources = ['online_ad', 'offline_event', 'referral', 'website', 'cold_call', 'partner'] as const;
export const accountStatuses = ['normal', 'locked'] as const;
/** 公海: an account is either owned by a rep or sits in the shared pool. */
export const poolStates = ['owned', 'pool'] as const;
export const decisionRoles = ['decision_maker', 'influencer', 'user'] as const;
export const currencies = ['CNY', 'USD', 'EUR', 'HKD'] as const;
