import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';

/**
 * What the record pages show beyond the fields by section: the header's badges and key facts,
 * the lists of child records beside, what a related list says about each child, and what a child
 * made from a parent's page starts with.
 */

export interface HeaderSpec {
  /** Enum fields shown as badges under the title (statuses, types). */
  badges: string[];
  /** Fields shown as label / value pairs under the header (account, amount, dates). */
  facts: string[];
}

export const headerSpec: Record<EntityName, HeaderSpec> = {
  account: { badges: ['level', 'industry', 'type'], facts: [] },
  contact: { badges: ['decisionRole'], facts: [] },
  lead: { badges: ['status', 'source'], facts: ['company', 'mobile', 'score', 'nextFollowUpAt'] },
  opportunity: { badges: ['status'], facts: ['accountId', 'stageId', 'amount', 'probability', 'expectedCloseDate'] },
  activity: { badges: ['type'], facts: ['occurredAt', 'accountId', 'leadId', 'opportunityId'] },
  task: { badges: ['status', 'source'], facts: ['dueAt', 'remindAt', 'accountId', 'leadId'] },
  product: { badges: [], facts: ['code', 'listPrice', 'unit', 'category', 'active'] },
  quote: { badges: ['status'], facts: ['quoteNo', 'accountId', 'opportunityId', 'total', 'validUntil'] },
  order: { badges: ['status'], facts: ['accountId', 'quoteId', 'amount', 'orderDate', 'paymentMethod'] },
  contract: { badges: ['status'], facts: ['contractNo', 'accountId', 'amount', 'signedOn', 'endDate'] },
  payment_plan: { badges: [], facts: ['contractId', 'plannedDate', 'amount'] },
  payment: { badges: ['method'], facts: ['contractId', 'planId', 'receivedOn', 'amount'] },
  competitor: { badges: [], facts: ['website'] },
  stage: { badges: ['kind'], facts: ['probability', 'position', 'limitDays', 'active'] },
  pool_rule: { badges: ['level'], facts: ['returnDays', 'warnDays', 'reclaimBarDays', 'ownerCap', 'active'] },
};

/**
 * Fields the page shows elsewhere: the lines table's footer has a quote's totals and an order's
 * amount, so their sections do not repeat them.
 */
export const omitFromSections: Partial<Record<EntityName, string[]>> = {
  quote: ['subtotal', 'discountTotal', 'total'],
  order: ['amount'],
};

/** A list of child records on a parent's page: the children whose `field` names the parent. */
export interface RelatedSpec {
  entity: EntityName;
  field: string;
}

/** Activities are not listed here: accounts, contacts, leads and deals show them as a timeline (ActivityTimeline). */
export const relatedLists: Partial<Record<EntityName, RelatedSpec[]>> = {
  account: [
    { entity: 'opportunity', field: 'accountId' },
    { entity: 'task', field: 'accountId' },
    { entity: 'quote', field: 'accountId' },
    { entity: 'order', field: 'accountId' },
    { entity: 'contract', field: 'accountId' },
  ],
  lead: [{ entity: 'task', field: 'leadId' }],
  opportunity: [
    { entity: 'quote', field: 'opportunityId' },
    { entity: 'task', field: 'opportunityId' },
    { entity: 'order', field: 'opportunityId' },
    { entity: 'contract', field: 'opportunityId' },
  ],
  quote: [{ entity: 'order', field: 'quoteId' }],
  order: [{ entity: 'contract', field: 'orderId' }],
  contract: [
    { entity: 'payment_plan', field: 'contractId' },
    { entity: 'payment', field: 'contractId' },
    { entity: 'task', field: 'contractId' },
  ],
  payment_plan: [{ entity: 'payment', field: 'planId' }],
  competitor: [{ entity: 'opportunity', field: 'competitorIds' }],
  stage: [{ entity: 'opportunity', field: 'stageId' }],
  product: [
    { entity: 'quote', field: 'lines' },
    { entity: 'order', field: 'lines' },
    { entity: 'opportunity', field: 'lines' },
  ],
};

/** What a related list shows of each child: enum fields as badges, then a few values. */
export interface ItemSpec {
  badges: string[];
  fields: string[];
}

export const itemSpec: Record<EntityName, ItemSpec> = {
  account: { badges: ['level'], fields: ['city', 'phone'] },
  contact: { badges: ['decisionRole'], fields: ['title', 'mobile'] },
  lead: { badges: ['status'], fields: ['company', 'mobile'] },
  // The stage says more than the open / won / lost it implies.
  opportunity: { badges: [], fields: ['stageId', 'amount', 'expectedCloseDate'] },
  activity: { badges: ['type'], fields: ['occurredAt', 'outcome'] },
  task: { badges: ['status'], fields: ['dueAt'] },
  product: { badges: [], fields: ['code', 'listPrice'] },
  quote: { badges: ['status'], fields: ['quoteNo', 'total', 'validUntil'] },
  order: { badges: ['status'], fields: ['amount', 'orderDate'] },
  contract: { badges: ['status'], fields: ['contractNo', 'amount', 'endDate'] },
  payment_plan: { badges: [], fields: ['plannedDate', 'amount'] },
  payment: { badges: ['method'], fields: ['receivedOn', 'amount'] },
  competitor: { badges: [], fields: ['website'] },
  stage: { badges: ['kind'], fields: ['probability'] },
  pool_rule: { badges: ['level'], fields: ['returnDays'] },
};

function fieldsOf(entity: EntityName): Record<string, FieldDef> {
  return entities[entity].fields as Record<string, FieldDef>;
}

/**
 * Whether the list offers to add a child: through a plain reference only (a product or a
 * competitor is not what a quote or a deal is made from).
 */
export function childCanBeAdded(spec: RelatedSpec): boolean {
  const def = fieldsOf(spec.entity)[spec.field];
  return def?.kind === 'ref' && !def.system;
}

/** The filter that finds a parent's children: a reference, a list of references or a product line naming it. */
export function relatedFilter(spec: RelatedSpec, parentId: string): { field: string; op: 'eq'; value: string } {
  return { field: spec.field, op: 'eq', value: parentId };
}

/**
 * What a child made on a parent's page starts with (报价 → 订单 → 合同 → 回款计划 → 回款: each step
 * from the previous one): the reference to the parent, the references they share (a quote made on
 * a deal gets the deal's account and contact), the currency, the lines, and the amount a contract
 * or a payment carries over. Titles of the references go with them for the pickers.
 */
export function childDefaults(
  parentEntity: EntityName,
  parent: RecordData,
  spec: RelatedSpec,
  titleOfRef: (entity: EntityName, id: string) => string | undefined,
  parentTitle: string,
): { defaults: Record<string, unknown>; refTitles: Record<string, string> } {
  const defaults: Record<string, unknown> = { [spec.field]: parent.id };
  const refTitles: Record<string, string> = { [spec.field]: parentTitle };
  const parentFields = fieldsOf(parentEntity);
  for (const [name, def] of Object.entries(fieldsOf(spec.entity))) {
    if (name === spec.field || def.system) continue;
    const own = Object.hasOwn(parentFields, name) ? parentFields[name] : undefined;
    const value = parent[name];
    if (def.kind === 'ref' && own?.kind === 'ref' && own.entity === def.entity && typeof value === 'string' && value !== '') {
      defaults[name] = value;
      const title = isEntityName(def.entity) ? titleOfRef(def.entity, value) : undefined;
      if (title) refTitles[name] = title;
    } else if (def.kind === 'ref' && def.entity === parentEntity) {
      defaults[name] = parent.id;
      refTitles[name] = parentTitle;
    } else if (def.kind === 'enum' && def.enumName === 'currency' && typeof parent.currency === 'string') {
      defaults[name] = parent.currency;
    } else if (def.kind === 'lines' && own?.kind === 'lines' && Array.isArray(value)) {
      defaults[name] = value;
    }
  }
  // Amounts carried: a contract from an order or a deal, a payment from its instalment.
  if ((spec.entity === 'contract' || spec.entity === 'payment') && typeof parent.amount === 'number') defaults.amount = parent.amount;
  // A quote or a contract made on a deal is named after it until the rep says otherwise.
  if (parentEntity === 'opportunity' && typeof parent.name === 'string') {
    if (spec.entity === 'quote') defaults.title = parent.name;
    if (spec.entity === 'contract') defaults.name = parent.name;
  }
  return { defaults, refTitles };
}

/**
 * The parent whose owner answers for a record (a quote's account, an activity's account or else
 * its lead): the first cascading reference that is set. Null for records owned in their own right.
 */
export function owningParent(entity: EntityName, record: RecordData): { entity: EntityName; id: string } | null {
  for (const [name, def] of Object.entries(fieldsOf(entity))) {
    if (def.kind !== 'ref' || !def.cascade || !isEntityName(def.entity)) continue;
    const id = record[name];
    if (typeof id === 'string' && id !== '') return { entity: def.entity, id };
  }
  return null;
}

/** Records everyone sees and admins keep (products, competitors, stages) have no owner to show. */
export function hasOwner(entity: EntityName): boolean {
  return entities[entity].visibility !== 'global';
}
