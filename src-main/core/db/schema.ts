import { getTableColumns } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, type AnySQLiteColumn, type SQLiteColumnBuilderBase } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { entities, snakeCase, type EntityDef, type EntityName, type FieldDef } from '../../../src-shared/entities/index';

/**
 * The replica's tables, derived from the entity definitions in src-shared: adding a field there and
 * running `npm run db:generate` is the whole change. Synced columns are nullable at the SQL level
 * even when the form requires them, because a required-ness that changes between app versions
 * must not break older replicas; validation enforces it instead.
 */
function columnFor(name: string, def: FieldDef): SQLiteColumnBuilderBase {
  const col = snakeCase(name);
  switch (def.kind) {
    case 'int':
    case 'money':
    case 'datetime':
      return integer(col);
    case 'bool':
      return integer(col, { mode: 'boolean' }).notNull().default(false);
    case 'tags':
    case 'refs':
      return text(col, { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`);
    case 'lines':
      return text(col, { mode: 'json' }).$type<unknown[]>().notNull().default(sql`'[]'`);
    case 'decimal':
      return real(col);
    case 'text':
    case 'longtext':
    case 'email':
    case 'phone':
    case 'mobile':
    case 'url':
    case 'enum':
    case 'date':
    case 'ref':
      return text(col);
    default: {
      const exhaustive: never = def;
      return exhaustive;
    }
  }
}

/** Every live row has an entry here, which makes it the cheapest way to count live rows. */
export function updatedAtIndexName(def: EntityDef): string {
  return `${def.table}_updated_at_idx`;
}

function entityTable(def: EntityDef) {
  const columns: Record<string, SQLiteColumnBuilderBase> = {
    id: text('id').primaryKey(),
    ownerId: text('owner_id').notNull(),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').notNull(),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    deletedAt: integer('deleted_at'),
    /** The server's version of this record (the change number of its last change), null until synced. */
    syncVersion: integer('sync_version'),
  };
  for (const [name, field] of Object.entries(def.fields)) columns[name] = columnFor(name, field);
  return sqliteTable(def.table, columns, (t) => {
    const cols = t as unknown as Record<string, AnySQLiteColumn>;
    const live = sql`deleted_at IS NULL`;
    // Partial indexes over live rows: every list query filters on deleted_at IS NULL, and
    // tombstones (kept for undo and sync) should not slow the grid down. An index entry ends with
    // the row's rowid, the grid's tie-breaker, so ORDER BY <field>, rowid LIMIT/OFFSET walks the
    // index without a sort (and the 36-character id is not repeated in every index).
    const out = [
      index(updatedAtIndexName(def)).on(cols.updatedAt as AnySQLiteColumn).where(live),
      index(`${def.table}_owner_idx`).on(cols.ownerId as AnySQLiteColumn).where(live),
    ];
    for (const [name, field] of Object.entries(def.fields)) {
      if (field.indexed) out.push(index(`${def.table}_${snakeCase(name)}_idx`).on(cols[name] as AnySQLiteColumn).where(live));
    }
    for (const names of def.compositeIndexes ?? []) {
      const [first, ...rest] = names.map((name) => {
        const col = cols[name];
        if (!col) throw new Error(`${def.name}: composite index names unknown field ${name}`);
        return col;
      });
      out.push(index(`${def.table}_${names.map(snakeCase).join('_')}_idx`).on(first!, ...rest).where(live));
    }
    return out;
  });
}

export const accounts = entityTable(entities.account);
export const contacts = entityTable(entities.contact);
export const stages = entityTable(entities.stage);
export const products = entityTable(entities.product);
export const competitors = entityTable(entities.competitor);
export const poolRules = entityTable(entities.pool_rule);
export const leads = entityTable(entities.lead);
export const opportunities = entityTable(entities.opportunity);
export const activities = entityTable(entities.activity);
export const tasks = entityTable(entities.task);
export const quotes = entityTable(entities.quote);
export const orders = entityTable(entities.order);
export const contracts = entityTable(entities.contract);
export const paymentPlans = entityTable(entities.payment_plan);
export const payments = entityTable(entities.payment);

export const entityTables = {
  account: accounts,
  contact: contacts,
  stage: stages,
  product: products,
  competitor: competitors,
  pool_rule: poolRules,
  lead: leads,
  opportunity: opportunities,
  activity: activities,
  task: tasks,
  quote: quotes,
  order: orders,
  contract: contracts,
  payment_plan: paymentPlans,
  payment: payments,
} satisfies Record<EntityName, unknown>;
export type EntityTable = (typeof entityTables)[EntityName];

export function tableColumns(entity: EntityName): Record<string, AnySQLiteColumn> {
  return getTableColumns(entityTables[entity]) as Record<string, AnySQLiteColumn>;
}

/**
 * Local changes waiting for the sync server, in the order they were made. `changes` holds the new
 * values of the fields touched; `base` their values before, which field-level merge needs.
 */
export const outbox = sqliteTable(
  'outbox',
  {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  mutationId: text('mutation_id').notNull().unique(),
  entity: text('entity').notNull(),
  recordId: text('record_id').notNull(),
  op: text('op', { enum: ['create', 'update', 'delete', 'restore'] }).notNull(),
  changes: text('changes', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  base: text('base', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer('created_at').notNull(),
  /** The record's server version when the edit was made (null: created locally, never synced). */
  baseVersion: integer('base_version'),
  },
  // Applying a pulled change or a push answer asks for the unsent entries of that one record.
  (t) => [index('outbox_record_idx').on(t.entity, t.recordId)],
);

/**
 * The conflict inbox: values of mine that lost a same-field race, edits to records someone
 * deleted, and changes the server rejected, each kept with what I typed until I settle it.
 */
export const conflicts = sqliteTable(
  'conflict',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['field', 'deleted', 'rejected'] }).notNull(),
    entity: text('entity').notNull(),
    recordId: text('record_id').notNull(),
    title: text('title').notNull(),
    op: text('op').notNull(),
    field: text('field'),
    mine: text('mine', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    theirs: text('theirs', { mode: 'json' }).$type<Record<string, unknown>>(),
    byName: text('by_name'),
    at: integer('at'),
    /** The server version that won; "use mine" edits on top of it. */
    winningVersion: integer('winning_version'),
    code: text('code'),
    message: text('message'),
    issues: text('issues', { mode: 'json' }).$type<{ field: string; key: string }[]>(),
    createdAt: integer('created_at').notNull(),
    resolvedAt: integer('resolved_at'),
    resolution: text('resolution'),
  },
  (t) => [index('conflict_open_idx').on(t.resolvedAt)],
);

/** What the sync engine did, for the support export; trimmed to the newest entries. */
export const syncLog = sqliteTable('sync_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: integer('at').notNull(),
  kind: text('kind').notNull(),
  ok: integer('ok', { mode: 'boolean' }).notNull(),
  detail: text('detail').notNull(),
  ms: integer('ms'),
  bytes: integer('bytes'),
});

/**
 * Server values pulled for fields that had unsent local edits: the local edit stays on top, and
 * this is what the field falls back to if the server rejects the edit or someone wrote after it.
 */
export const pulledShadow = sqliteTable(
  'pulled_shadow',
  {
    entity: text('entity').notNull(),
    recordId: text('record_id').notNull(),
    field: text('field').notNull(),
    value: text('value', { mode: 'json' }).$type<unknown>(),
    cn: integer('cn').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.recordId, t.field] })],
);

/** Per-user UI settings (language, grid columns); JSON values. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).$type<unknown>(),
  updatedAt: integer('updated_at').notNull(),
});

/** Facts about this replica: its local user, the app version that last wrote it. */
export const replicaMeta = sqliteTable('replica_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Maps search index rows to records. The FTS5 table itself (search_fts, contentless) is created
 * by a hand-written migration because drizzle has no virtual tables; its rowid is doc_id here.
 */
export const searchDocs = sqliteTable(
  'search_doc',
  {
    docId: integer('doc_id').primaryKey(),
    entity: text('entity').notNull(),
    recordId: text('record_id').notNull(),
    /**
     * A hash of the entry's text: a record written again with the same searchable text (a push
     * acknowledged, one's own change pulled back, an edit of a field search does not cover) keeps
     * its entry, since replacing an FTS5 entry costs more than the rest of such a write. Null:
     * unknown (entries from before it existed), replaced at the next write.
     */
    textHash: integer('text_hash'),
  },
  (t) => [index('search_doc_record_idx').on(t.entity, t.recordId)],
);

/**
 * Search entries taken out of search (their search_doc row is gone) whose FTS5 rows are deleted
 * in batches: see SearchIndex.retire.
 */
export const searchDead = sqliteTable('search_dead', {
  docId: integer('doc_id').primaryKey(),
});
