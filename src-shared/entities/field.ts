import type { LineItem } from '../sales/lines.util';

export type { LineItem };

/**
 * The field model. An entity definition built from these is the single source for the replica's
 * tables, validation, grid columns, form fields and labels (label keys are derived from names:
 * `field.<entity>.<field>` and `enum.<enumName>.<value>`).
 */
export type FieldKind =
  | 'text'
  | 'longtext'
  | 'email'
  | 'phone'
  | 'mobile'
  | 'url'
  | 'enum'
  | 'int'
  | 'money'
  | 'bool'
  | 'date'
  | 'datetime'
  | 'ref'
  | 'tags'
  | 'decimal'
  | 'refs'
  | 'lines';

interface FieldCommon {
  /** Must be present and non-empty on create and stay so on update. */
  required?: boolean;
  /** Indexed for the global search (for a ref field: the referenced record's title). */
  search?: boolean;
  /** Shown as a grid column by default (the user may show others). */
  list?: boolean;
  /** Gets a database index so the grid can sort and filter on it at 100k rows. */
  indexed?: boolean;
  /** Form section; fields without one go to the first. */
  section?: string;
  /** Set by the system (follow-up dates, computed values): shown, never edited in the form. */
  system?: boolean;
  /**
   * Assigned by the sync server when the record first reaches it (unique numbers). The client
   * writes a provisional value until the server's answer replaces it.
   */
  serverAssigned?: boolean;
  /**
   * The client schema version (protocol.contract CLIENT_SCHEMA_VERSION) that added this field;
   * the server leaves it out of what it sends an older client. Absent: there from the start.
   */
  since?: number;
}

export interface TextField extends FieldCommon {
  kind: 'text' | 'longtext' | 'email' | 'phone' | 'mobile' | 'url';
  max?: number;
}
export interface EnumField<V extends readonly string[] = readonly string[]> extends FieldCommon {
  kind: 'enum';
  /** Name of the value list, for label keys: enum.<enumName>.<value>. */
  enumName: string;
  values: V;
  default?: V[number];
}
export interface NumberField extends FieldCommon {
  kind: 'int';
  min?: number;
  max?: number;
}
/** Integer minor units (分). The currency lives in a sibling enum field named by `currencyField`. */
export interface MoneyField extends FieldCommon {
  kind: 'money';
  currencyField: string;
}
export interface BoolField extends FieldCommon {
  kind: 'bool';
  default?: boolean;
}
/** `date` is a calendar day 'YYYY-MM-DD'; `datetime` is epoch milliseconds (UTC). */
export interface DateField extends FieldCommon {
  kind: 'date' | 'datetime';
}
export interface RefField extends FieldCommon {
  kind: 'ref';
  entity: string;
  /** Deleting the parent tombstones this child with it (and undo restores both). */
  cascade?: boolean;
}
export interface TagsField extends FieldCommon {
  kind: 'tags';
}
/** A number with a fraction (coordinates, a probability's weight): never money. */
export interface DecimalField extends FieldCommon {
  kind: 'decimal';
  min?: number;
  max?: number;
  /** Digits after the point kept and shown. */
  scale: number;
}
/** Several records of one entity (an opportunity's competitors), stored as a JSON array of ids. */
export interface RefsField extends FieldCommon {
  kind: 'refs';
  entity: string;
}
/**
 * Line items (products, quantities, prices, discounts) of an opportunity, quote or order: a JSON
 * array of LineItem. Amounts are integer minor units in the currency named by `currencyField`;
 * totals are computed by src-shared/sales/lines.util.ts on both sides.
 */
export interface LinesField extends FieldCommon {
  kind: 'lines';
  currencyField: string;
}


export type FieldDef = TextField | EnumField | NumberField | MoneyField | BoolField | DateField | RefField | TagsField | DecimalField | RefsField | LinesField;

type Nullable<F, T> = F extends { required: true } ? T : T | null;

export type FieldValue<F> = F extends EnumField<infer V>
  ? Nullable<F, V[number]>
  : F extends { kind: 'int' | 'money' | 'datetime' | 'decimal' }
    ? Nullable<F, number>
    : F extends { kind: 'bool' }
      ? boolean
      : F extends { kind: 'tags' | 'refs' }
        ? string[]
        : F extends { kind: 'lines' }
          ? LineItem[]
          : Nullable<F, string>;

export const systemFieldNames = ['id', 'ownerId', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt'] as const;
export type SystemFieldName = (typeof systemFieldNames)[number];

/** Every record carries these; ids are client-generated UUIDv7 strings, times are epoch ms. */
export interface SystemFields {
  id: string;
  ownerId: string;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
  deletedAt: number | null;
}

export interface EntityDef<N extends string = string, F extends Record<string, FieldDef> = Record<string, FieldDef>> {
  name: N;
  /** SQL table name in the replica (and later on the server). */
  table: string;
  fields: F;
  /** The field that names a record in lists, search hits and titles. */
  titleField: string;
  /** Fields shown under the title in search hits. */
  subtitleFields: string[];
  /** Form sections in order; labels at `section.<name>`. */
  sections: string[];
  /** Default grid sort. */
  defaultSort: { field: string; dir: 'asc' | 'desc' };
  /**
   * Who sees the records: `owner` (default) by owner, or through a cascading parent; `global`:
   * everyone (products, competitors, pipeline stages).
   */
  visibility?: 'owner' | 'global';
  /** Roles that may create, change or delete records (checked by the server); absent: anyone in scope. */
  writeRoles?: readonly string[];
  /**
   * Indexes over several columns (field names, or ownerId), for the views that filter on the
   * first and sort on the next: an account's timeline, a stage's column, my open tasks by due time.
   */
  compositeIndexes?: readonly (readonly string[])[];
  /** Record statuses and their allowed next statuses, checked on both sides (orders). */
  transitions?: { field: string; allowed: Readonly<Record<string, readonly string[]>> };
}

export type EntityRecord<D extends EntityDef> = SystemFields & { [K in keyof D['fields']]: FieldValue<D['fields'][K]> };

/** Checks at compile time that the title and subtitle fields name real fields. */
export function defineEntity<const N extends string, const F extends Record<string, FieldDef>>(
  def: EntityDef<N, F> & { titleField: keyof F & string; subtitleFields: (keyof F & string)[] },
): EntityDef<N, F> {
  return def;
}

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Kinds stored as JSON arrays in a text column (tags, several refs, line items): '[]' when empty. */
export function isJsonKind(def: FieldDef | undefined): boolean {
  return def?.kind === 'tags' || def?.kind === 'refs' || def?.kind === 'lines';
}
