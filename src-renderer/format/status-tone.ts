/**
 * Colours of status values in lists and on record pages: a badge reads at a glance whether a deal
 * is open, won or lost, an order waits for review or is done, a plan is overdue.
 */
export type Tone = 'info' | 'progress' | 'success' | 'warning' | 'danger' | 'muted';

const tones: Record<string, Record<string, Tone>> = {
  leadStatus: { new: 'info', contacted: 'progress', qualified: 'progress', converted: 'success', lost: 'muted' },
  stageKind: { open: 'info', won: 'success', lost: 'danger' },
  taskStatus: { open: 'info', done: 'success', cancelled: 'muted' },
  quoteStatus: { draft: 'muted', sent: 'info', accepted: 'success', rejected: 'danger', expired: 'warning' },
  orderStatus: { pending_review: 'warning', approved: 'info', shipped: 'progress', completed: 'success', cancelled: 'muted' },
  contractStatus: { draft: 'muted', in_approval: 'warning', signed: 'success', expired: 'muted', voided: 'danger' },
  paymentPlanStatus: { pending: 'info', partial: 'warning', done: 'success', overdue: 'danger' },
};

/** Enums shown as coloured badges (the account's level and status have colours of their own). */
export function isBadgeEnum(enumName: string): boolean {
  return enumName === 'accountLevel' || enumName === 'accountStatus' || Object.hasOwn(tones, enumName);
}

/** The badge classes of one enum value. */
export function badgeClass(enumName: string, value: string): string {
  const tone = Object.hasOwn(tones, enumName) ? tones[enumName]?.[value] : undefined;
  return `badge badge-${enumName}-${value}${tone ? ` badge-tone-${tone}` : ''}`;
}
