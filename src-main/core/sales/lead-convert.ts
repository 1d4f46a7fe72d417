import type { MethodParsedInput, MethodOutput } from '../../../src-shared/api/client-api.contract';
import { entities, type FieldDef } from '../../../src-shared/entities/index';
import type { Access } from '../../../src-shared/permissions/access';
import { CrmError, type FieldIssue } from '../../../src-shared/result';
import type { RecordRepository } from '../records/record.repository';

/**
 * 线索转化: a lead becomes an account (or joins an existing one), a contact and, when asked, an
 * opportunity, in one local transaction, so it works offline and syncs as ordinary creates and
 * updates. The lead keeps links to what it became; its activities move to the account (and the
 * opportunity), where the account's people will look for them.
 * Field issues come back prefixed with the part they belong to (account.name, contact.mobile, …).
 * Every write of it is checked against the user's `access` as the server will check the changes
 * it sends (creating each part and its fields, marking the lead, moving the activities), so a
 * conversion the user's roles do not allow is refused here as a whole.
 */
export function convertLead(
  records: RecordRepository,
  sqlite: { transaction<T>(fn: () => T): () => T },
  input: MethodParsedInput<'lead.convert'>,
  access: Access | null = null,
): MethodOutput<'lead.convert'> {
  const lead = records.get('lead', input.leadId);
  if (lead.status === 'converted') throw new CrmError('BAD_REQUEST', 'this lead is already converted');
  const part = <T>(name: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof CrmError && (error.code === 'VALIDATION' || error.code === 'FORBIDDEN') && error.issues) {
        const issues = (error.issues ?? []).map((i: FieldIssue) => ({ ...i, field: `${name}.${i.field}` }));
        throw new CrmError(error.code, error.code === 'VALIDATION' ? `invalid ${name}` : error.message, issues);
      }
      throw error;
    }
  };
  // The core sets the opportunity's system fields (its lead, status, stage times); the caller may not.
  const fields = entities.opportunity.fields as Record<string, FieldDef>;
  const readOnly = Object.keys(input.opportunity?.values ?? {}).filter((k) => fields[k]?.system);
  if (readOnly.length > 0) throw new CrmError('VALIDATION', 'invalid opportunity', readOnly.map((k) => ({ field: `opportunity.${k}`, key: 'validation.readOnly' })));
  return sqlite.transaction(() => {
    const accountId =
      'existingId' in input.account
        ? part('account', () => records.get('account', (input.account as { existingId: string }).existingId).id)
        : part('account', () => records.create('account', { source: lead.source ?? null, ...(input.account as { values: Record<string, unknown> }).values }, undefined, { access }).id);
    const contactId = part('contact', () => records.create('contact', { ...input.contact.values, accountId }, undefined, { access }).id);
    const opportunityId = input.opportunity
      ? part('opportunity', () => records.create('opportunity', { source: lead.source ?? null, contactId, ...input.opportunity!.values, accountId, leadId: lead.id }, undefined, { allowSystem: true, access }).id)
      : null;
    records.update('lead', lead.id, { status: 'converted', convertedAt: Date.now(), accountId, contactId, opportunityId }, { allowSystem: true, access });
    // The lead's follow-ups now belong to the customer it became.
    const activities = records.list({ entity: 'activity', filters: [{ field: 'leadId', op: 'eq', value: lead.id }], limit: 1000, withTotal: false, offset: 0, sort: [] }).rows;
    for (const activity of activities) {
      records.update('activity', activity.id, { accountId, ...(opportunityId && !activity.opportunityId ? { opportunityId } : {}) }, { access });
    }
    return { accountId, contactId, opportunityId };
  })();
}
