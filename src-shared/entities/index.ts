import { accountEntity } from './account.entity';
import { contactEntity } from './contact.entity';
import type { EntityDef, EntityRecord, FieldDef } from './field';

export * from './field';
export * from './enums';
export { accountEntity, contactEntity };

/** Every synced entity, by its lowercase singular name (the name the CLI and the API use). */
export const entities = {
  account: accountEntity,
  contact: contactEntity,
} as const;

export type EntityName = keyof typeof entities;
export const entityNames = Object.keys(entities) as EntityName[];

export type Account = EntityRecord<typeof accountEntity>;
export type Contact = EntityRecord<typeof contactEntity>;

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
