import { defineEntity } from './field';
import { currencies, leadSources, stageKinds } from './enums';

/**
 * 商机: a deal with an account. Its stage is a pipeline stage record; `status` follows the stage's
 * kind (open / won / lost) and is kept by both sides, so "lost needs a reason" is checked on the
 * record itself. With product lines, the amount is their total.
 */
export const opportunityEntity = defineEntity({
  name: 'opportunity',
  table: 'opportunities',
  titleField: 'name',
  subtitleFields: ['accountId', 'expectedCloseDate'],
  sections: ['basic', 'products', 'competition'],
  defaultSort: { field: 'updatedAt', dir: 'desc' },
  /**
   * A stage's kanban column, in close-date order; the board's and the funnel's totals per stage,
   * currency, owner and close date from the index alone; deals sitting in a stage (stalled).
   */
  compositeIndexes: [
    ['stageId', 'expectedCloseDate'],
    ['stageId', 'currency', 'expectedCloseDate', 'ownerId', 'probability', 'amount'],
    ['stageId', 'stageChangedAt', 'ownerId'],
  ],
  fields: {
    accountId: { kind: 'ref', entity: 'account', required: true, cascade: true, search: true, list: true, indexed: true, section: 'basic' },
    name: { kind: 'text', required: true, max: 200, search: true, list: true, indexed: true, section: 'basic' },
    stageId: { kind: 'ref', entity: 'stage', required: true, list: true, indexed: true, section: 'basic' },
    status: { kind: 'enum', enumName: 'stageKind', values: stageKinds, default: 'open', required: true, indexed: true, system: true, section: 'basic' },
    probability: { kind: 'int', min: 0, max: 100, list: true, section: 'basic' },
    amount: { kind: 'money', currencyField: 'currency', list: true, indexed: true, section: 'basic' },
    currency: { kind: 'enum', enumName: 'currency', values: currencies, default: 'CNY', required: true, section: 'basic' },
    expectedCloseDate: { kind: 'date', list: true, indexed: true, section: 'basic' },
    source: { kind: 'enum', enumName: 'leadSource', values: leadSources, section: 'basic' },
    contactId: { kind: 'ref', entity: 'contact', section: 'basic' },
    /** When the deal entered its current stage (the funnel's "too long in stage"). */
    stageChangedAt: { kind: 'datetime', indexed: true, system: true, section: 'basic' },
    closedAt: { kind: 'datetime', system: true, section: 'basic' },
    lostReason: { kind: 'text', max: 500, section: 'basic' },
    leadId: { kind: 'ref', entity: 'lead', system: true, section: 'basic' },
    lines: { kind: 'lines', currencyField: 'currency', section: 'products' },
    competitorIds: { kind: 'refs', entity: 'competitor', section: 'competition' },
    notes: { kind: 'longtext', max: 4000, section: 'competition' },
  },
});
