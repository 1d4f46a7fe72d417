import type { FieldIssue } from '../result';
import { linesTotals } from '../sales/lines.util';
import type { LineItem } from './field';
import { entities, type EntityName } from './index';

/**
 * Rules that span fields of one record, the same on every client and on the server (which applies
 * them to the merged record, so two offline edits cannot combine into a record that breaks them).
 */

/** Values computed from the record's other fields: totals from lines. */
export function derivedValues(entity: EntityName, record: Record<string, unknown>): Record<string, unknown> {
  const lines = Array.isArray(record.lines) ? (record.lines as LineItem[]) : null;
  switch (entity) {
    case 'quote': {
      const t = linesTotals(lines ?? []);
      return { subtotal: t.subtotal, discountTotal: t.discountTotal, total: t.total };
    }
    case 'order':
      return { amount: linesTotals(lines ?? []).total };
    case 'opportunity':
      // With product lines the amount is their total; without, what the rep typed.
      return lines && lines.length > 0 ? { amount: linesTotals(lines).total } : {};
    default:
      return {};
  }
}

/** A status change the entity's transitions do not allow (orders), as a field issue. */
export function transitionIssue(entity: EntityName, before: Record<string, unknown> | null, after: Record<string, unknown>): FieldIssue | null {
  const t = entities[entity].transitions;
  if (!t) return null;
  const to = after[t.field];
  if (typeof to !== 'string') return null;
  if (before === null) {
    // A new record starts in a status nothing leads to (the first one).
    const first = Object.keys(t.allowed)[0];
    return to === first ? null : { field: t.field, key: 'validation.transition', params: { from: '', to } };
  }
  const from = before[t.field];
  if (from === to || typeof from !== 'string') return null;
  return (t.allowed[from] ?? []).includes(to) ? null : { field: t.field, key: 'validation.transition', params: { from, to } };
}

/** Cross-field checks on the record as it would be stored. */
export function recordIssues(entity: EntityName, before: Record<string, unknown> | null, after: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const transition = transitionIssue(entity, before, after);
  if (transition) issues.push(transition);
  if ((entity === 'opportunity' || entity === 'lead') && after.status === 'lost' && !(typeof after.lostReason === 'string' && after.lostReason.trim() !== '')) {
    issues.push({ field: 'lostReason', key: 'validation.lostReason' });
  }
  if (entity === 'activity' && !after.accountId && !after.leadId) issues.push({ field: 'accountId', key: 'validation.activityParent' });
  return issues;
}

/**
 * Fields copied from a referenced record when the reference is set (an opportunity's status is
 * its stage's kind). The writer looks the referenced record up and copies the value.
 */
export const copiedFromRef: Partial<Record<EntityName, { field: string; ref: string; from: string }[]>> = {
  opportunity: [{ field: 'status', ref: 'stageId', from: 'kind' }],
};
