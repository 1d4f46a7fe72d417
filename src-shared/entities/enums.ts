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
/** Why an account is in the pool: its owner released it, or it had no follow-up for too long. */
export const poolReasons = ['released', 'auto_return'] as const;
export const decisionRoles = ['decision_maker', 'influencer', 'user'] as const;
export const currencies = ['CNY', 'USD', 'EUR', 'HKD'] as const;

// --- sales -----------------------------------------------------------------------------------
export const leadStatuses = ['new', 'contacted', 'qualified', 'converted', 'lost'] as const;
/** What a pipeline stage means for the deals in it: still open, won, or lost. */
export const stageKinds = ['open', 'won', 'lost'] as const;
export const activityTypes = ['call', 'visit', 'email', 'meeting', 'wechat', 'checkin'] as const;
export const taskStatuses = ['open', 'done', 'cancelled'] as const;
/** Where a task came from: made by hand, or by a rule (overdue follow-up, pool warning, overdue payment). */
export const taskSources = ['manual', 'follow_up', 'pool_warning', 'payment_overdue'] as const;
export const quoteStatuses = ['draft', 'sent', 'accepted', 'rejected', 'expired'] as const;
/** 待审核 → 已审核 → 已发货 → 已完成, or cancelled (see sales/order-flow.ts). */
export const orderStatuses = ['pending_review', 'approved', 'shipped', 'completed', 'cancelled'] as const;
export const paymentMethods = ['bank_transfer', 'cash', 'cheque', 'alipay', 'wechat_pay', 'acceptance_bill', 'other'] as const;
export const contractStatuses = ['draft', 'in_approval', 'signed', 'expired', 'voided'] as const;
export const paymentPlanStatuses = ['pending', 'partial', 'done', 'overdue'] as const;
