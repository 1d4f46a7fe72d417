import { accountEntity } from './account.entity';
import { activityEntity } from './activity.entity';
import { competitorEntity } from './competitor.entity';
import { contactEntity } from './contact.entity';
import { contractEntity } from './contract.entity';
import type { EntityDef, EntityRecord, FieldDef } from './field';
import { leadEntity } from './lead.entity';
import { opportunityEntity } from './opportunity.entity';
import { orderEntity } from './order.entity';
import { paymentPlanEntity } from './payment-plan.entity';
import { paymentEntity } from './payment.entity';
import { poolRuleEntity } from './pool-rule.entity';
import { productEntity } from './product.entity';
import { quoteEntity } from './quote.entity';
import { stageEntity } from './stage.entity';
import { taskEntity } from './task.entity';

export * from './field';
export * from './enums';
export { accountEntity, activityEntity, competitorEntity, contactEntity, contractEntity, leadEntity, opportunityEntity, orderEntity, paymentEntity, paymentPlanEntity, poolRuleEntity, productEntity, quoteEntity, stageEntity, taskEntity };

/**
 * Every synced entity, by its lowercase singular name (the name the CLI and the API use). The
 * order matters to the first sync: parents come before the records that point at them.
 */
export const entities = {
  account: accountEntity,
  contact: contactEntity,
  stage: stageEntity,
  product: productEntity,
  competitor: competitorEntity,
  pool_rule: poolRuleEntity,
  lead: leadEntity,
  opportunity: opportunityEntity,
  activity: activityEntity,
  task: taskEntity,
  quote: quoteEntity,
  order: orderEntity,
  contract: contractEntity,
  payment_plan: paymentPlanEntity,
  payment: paymentEntity,
} as const;

export type EntityName = keyof typeof entities;
export const entityNames = Object.keys(entities) as EntityName[];

export type Account = EntityRecord<typeof accountEntity>;
export type Contact = EntityRecord<typeof contactEntity>;
export type Lead = EntityRecord<typeof leadEntity>;
export type Opportunity = EntityRecord<typeof opportunityEntity>;
export type Stage = EntityRecord<typeof stageEntity>;
export type Activity = EntityRecord<typeof activityEntity>;
export type Task = EntityRecord<typeof taskEntity>;
export type Product = EntityRecord<typeof productEntity>;
export type Quote = EntityRecord<typeof quoteEntity>;
export type Order = EntityRecord<typeof orderEntity>;
export type Contract = EntityRecord<typeof contractEntity>;
export type PaymentPlan = EntityRecord<typeof paymentPlanEntity>;
export type Payment = EntityRecord<typeof paymentEntity>;
export type Competitor = EntityRecord<typeof competitorEntity>;
export type PoolRule = EntityRecord<typeof poolRuleEntity>;

export function isEntityName(name: string): name is EntityName {
  return Object.hasOwn(entities, name);
}

export function entityDef(name: EntityName): EntityDef {
  return entities[name];
}

export function fieldDef(entity: EntityName, field: string): FieldDef | undefined {
  const fields: Record<string, FieldDef> = entities[entity].fields;
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** Child entities whose ref field cascades from `parent` (contacts of an account, ...). */
export function cascadeChildren(parent: EntityName): { entity: EntityName; field: string }[] {
  const out: { entity: EntityName; field: string }[] = [];
  for (const name of entityNames) {
    for (const [field, def] of Object.entries(entities[name].fields as Record<string, FieldDef>)) {
      if (def.kind === 'ref' && def.cascade && def.entity === parent) out.push({ entity: name, field });
    }
  }
  return out;
}
