import type { ColDef, ICellRendererParams, ValueFormatterParams, ValueGetterParams } from 'ag-grid-community';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName, type FieldDef } from '../../src-shared/entities/index';
import { isProvisionalNumber } from '../../src-shared/entities/numbering.util';
import { refTitle, refTitles } from '../api/ref-titles';
import { formatFieldValue, formatPhoneForReading } from '../format/field-format';
import { recordTitle } from '../format/record-title';
import { badgeClass, isBadgeEnum } from '../format/status-tone';
import type { Translator } from '../i18n/use-t';
import { dateFilterOptions, dateTimeFilterOptions, numberFilterOptions, tagsFilterOptions, textFilterOptions } from './filter-model';
import { ValuesFilter, type ValuesFilterParams } from './ValuesFilter';

/** System columns a user may add to a grid (sortable and filterable in the core). */
export const systemColumns: Record<string, FieldDef> = {
  createdAt: { kind: 'datetime' },
  updatedAt: { kind: 'datetime' },
};

/** 负责人: a user id; the core filters it (`in` the ticked people) but sorting it would order ids, not names. */
export const ownerField: FieldDef = { kind: 'ref', entity: 'user' };

/** The definition behind a grid column: an entity field or a system column. */
export function columnField(entity: EntityName, colId: string): FieldDef | undefined {
  const fields = entities[entity].fields as Record<string, FieldDef>;
  if (Object.hasOwn(fields, colId)) return fields[colId];
  if (colId === 'ownerId') return ownerField;
  return Object.hasOwn(systemColumns, colId) ? systemColumns[colId] : undefined;
}

/** What the owner column needs from the user directory (given by the grid, so this file stays pure). */
export interface OwnerColumnSupport {
  /** The person's name; '' while the directory has not arrived, the raw id for an unknown user. */
  name(id: unknown): string;
  /** Hover text: name, role, department. */
  title(id: unknown): string;
  /** The filter component: a tick list of the directory's users. */
  filter: ColDef['filter'];
}

/** Entities whose grid offers the owner column, and whether it shows by default. */
const ownerColumnShown: Partial<Record<EntityName, boolean>> = { account: true };

/** Default widths; fitted to the grid's width on a first visit (no saved layout). */
const widths: Record<FieldDef['kind'], number> = {
  text: 110,
  longtext: 240,
  email: 200,
  phone: 136,
  mobile: 136,
  url: 180,
  enum: 116,
  int: 100,
  money: 120,
  bool: 110,
  date: 120,
  datetime: 150,
  ref: 200,
  tags: 160,
  decimal: 120,
  refs: 200,
  lines: 100,
};
/** Below these a header (label, sort arrow, filter button) or a typical value no longer fits. */
const minWidths: Record<FieldDef['kind'], number> = {
  text: 88,
  longtext: 140,
  email: 140,
  phone: 120,
  mobile: 120,
  url: 120,
  enum: 100,
  int: 84,
  money: 100,
  bool: 92,
  date: 112,
  datetime: 136,
  ref: 140,
  tags: 110,
  decimal: 100,
  refs: 140,
  lines: 90,
};

let measureContext: CanvasRenderingContext2D | null | undefined;

/** Width of a text in the grid's font; 0 where there is no canvas. */
function textWidth(text: string, weight: number): number {
  if (measureContext === undefined) measureContext = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!measureContext) return 0;
  const family = getComputedStyle(document.documentElement).getPropertyValue('--font-sans') || 'sans-serif';
  measureContext.font = `${weight} 13px ${family}`;
  return Math.ceil(measureContext.measureText(text).width);
}

/** Cell padding on both sides plus the header's filter button and sort arrow. */
const HEADER_CHROME = 52;
/** A badge's own padding plus the cell's. */
const BADGE_CHROME = 44;
const MAX_MIN_WIDTH = 200;

function BadgeCell(props: ICellRendererParams<RecordData> & { enumName: string }) {
  if (props.value === null || props.value === undefined || props.value === '') return null;
  const label = props.valueFormatted ?? String(props.value);
  return (
    <span className={badgeClass(props.enumName, String(props.value))} title={label}>
      {label}
    </span>
  );
}

function OwnerCell(props: ICellRendererParams<RecordData> & { owner: OwnerColumnSupport }) {
  if (!props.data || !props.value) return null;
  const title = props.owner.title(props.data.ownerId);
  return (
    <span className="user-ref" title={title || undefined}>
      {String(props.value)}
    </span>
  );
}

function ownerColumn(entity: EntityName, t: Translator, owner: OwnerColumnSupport, visible: boolean): ColDef<RecordData> {
  const header = t.field(entity, 'ownerId');
  const minWidth = Math.min(MAX_MIN_WIDTH, Math.max(minWidths.text, textWidth(header, 600) + HEADER_CHROME));
  return {
    colId: 'ownerId',
    field: 'ownerId',
    headerName: header,
    headerTooltip: header,
    initialHide: !visible,
    initialWidth: Math.max(widths.text, minWidth),
    minWidth,
    // The core sorts ownerId by id: an order that means nothing to the reader.
    sortable: false,
    filter: owner.filter,
    filterParams: { labels: { selectAll: t('grid.filter.selectAll'), clear: t('grid.filter.clear') } },
    valueGetter: (p: ValueGetterParams<RecordData>) => (p.data ? owner.name(p.data.ownerId) : ''),
    cellRenderer: OwnerCell,
    cellRendererParams: { owner },
  };
}

function TitleCell(props: ICellRendererParams<RecordData> & { provisionalHint?: string }) {
  if (!props.data) return null;
  // A number the server has not assigned yet (an order made offline) says so.
  if (props.provisionalHint && isProvisionalNumber(props.value)) {
    return (
      <span className="cell-title is-provisional" title={props.provisionalHint}>
        {String(props.value)}
      </span>
    );
  }
  return <span className="cell-title">{String(props.value ?? '')}</span>;
}

/** A referenced record's name; clicking it opens that record (RecordGrid handles the click). */
function RefCell(props: ICellRendererParams<RecordData>) {
  if (!props.data || !props.value) return null;
  return <span className="cell-link">{String(props.value)}</span>;
}

function filterFor(def: FieldDef, t: Translator): Pick<ColDef, 'filter' | 'filterParams'> {
  const common = { maxNumConditions: 1, debounceMs: 400, buttons: ['reset'] as ('reset' | 'apply' | 'clear' | 'cancel')[] };
  switch (def.kind) {
    case 'enum':
    case 'bool': {
      const options =
        def.kind === 'enum'
          ? def.values.map((v) => ({ value: v, label: t.enumLabel(def.enumName, v) }))
          : [
              { value: 'true', label: t('common.yes') },
              { value: 'false', label: t('common.no') },
            ];
      const params: ValuesFilterParams = { options, labels: { selectAll: t('grid.filter.selectAll'), clear: t('grid.filter.clear') } };
      return { filter: ValuesFilter, filterParams: params };
    }
    case 'int':
    case 'money':
    case 'decimal':
      return { filter: 'agNumberColumnFilter', filterParams: { ...common, filterOptions: [...numberFilterOptions] } };
    case 'date':
      return { filter: 'agDateColumnFilter', filterParams: { ...common, filterOptions: [...dateFilterOptions] } };
    case 'datetime':
      return { filter: 'agDateColumnFilter', filterParams: { ...common, filterOptions: [...dateTimeFilterOptions] } };
    case 'tags':
      return { filter: 'agTextColumnFilter', filterParams: { ...common, filterOptions: [...tagsFilterOptions] } };
    case 'ref':
    case 'refs':
    case 'lines':
      // The list query filters a ref by id only (picking an account is done from its page), and
      // lines by product: neither fits a text box.
      return { filter: false };
    default:
      return { filter: 'agTextColumnFilter', filterParams: { ...common, filterOptions: [...textFilterOptions] } };
  }
}

function columnFor(entity: EntityName, name: string, def: FieldDef, t: Translator, visible: boolean): ColDef<RecordData> {
  const isTitle = entities[entity].titleField === name;
  const header = t.field(entity, name);
  // Headers and enum labels differ in length between languages: size from the text actually shown.
  let minWidth = Math.min(MAX_MIN_WIDTH, Math.max(isTitle ? 170 : minWidths[def.kind], textWidth(header, 600) + HEADER_CHROME));
  let width = isTitle ? 220 : widths[def.kind];
  if (def.kind === 'enum') {
    const longest = Math.max(...def.values.map((v) => textWidth(t.enumLabel(def.enumName, v), 400)));
    minWidth = Math.min(MAX_MIN_WIDTH, Math.max(minWidth, longest + (isBadgeEnum(def.enumName) ? BADGE_CHROME : 28)));
  }
  width = Math.max(width, minWidth);
  const col: ColDef<RecordData> = {
    colId: name,
    field: name,
    headerName: header,
    headerTooltip: header,
    // initial*: the user's layout (restored from settings) is never reset when the definitions are re-read.
    initialHide: !visible,
    initialWidth: width,
    minWidth,
    // Sorting a JSON array, a reference id or free text at 100k rows is neither useful nor cheap.
    sortable: !(def.kind === 'tags' || def.kind === 'ref' || def.kind === 'refs' || def.kind === 'lines' || def.kind === 'longtext'),
    ...filterFor(def, t),
  };
  if (isTitle) {
    col.initialPinned = 'left';
    col.lockVisible = true;
    col.cellRenderer = TitleCell;
    if (def.serverAssigned) col.cellRendererParams = { provisionalHint: t('record.provisional.hint') };
    // A built-in pipeline stage reads in the user's language (stage.<code>).
    if (entity === 'stage') col.valueGetter = (p: ValueGetterParams<RecordData>) => (p.data ? recordTitle(entity, p.data, t.locale) : '');
  }
  if (def.kind === 'ref') {
    const target = def.entity;
    col.valueGetter = (p: ValueGetterParams<RecordData>) => (p.data && isEntityName(target) ? (refTitle(target, p.data[name]) ?? '') : '');
    col.cellRenderer = RefCell;
  } else if (def.kind === 'refs') {
    const target = def.entity;
    col.valueGetter = (p: ValueGetterParams<RecordData>) => (p.data && isEntityName(target) ? formatFieldValue(def, p.data[name], t, { refTitles: refTitles(target, p.data[name]) }) : '');
  } else {
    col.valueFormatter = (p: ValueFormatterParams<RecordData>) => {
      const text = formatFieldValue(def, p.value, t, { record: p.data ?? {} });
      return def.kind === 'mobile' || def.kind === 'phone' ? formatPhoneForReading(text) : text;
    };
  }
  if (def.kind === 'enum' && isBadgeEnum(def.enumName)) {
    col.cellRenderer = BadgeCell;
    col.cellRendererParams = { enumName: def.enumName };
  }
  if (def.kind === 'int' || def.kind === 'money' || def.kind === 'decimal') col.type = 'rightAligned';
  return col;
}

/**
 * Grid columns generated from the entity definition: `list` fields shown, the others on offer,
 * except the `hidden` ones (fields the user's roles may not see).
 * With `owner`, entities that have one get the owner column (names from the directory).
 */
export function buildColumnDefs(entity: EntityName, t: Translator, owner?: OwnerColumnSupport, hidden: ReadonlySet<string> = new Set()): ColDef<RecordData>[] {
  const def = entities[entity];
  const fields = def.fields as Record<string, FieldDef>;
  const cols: ColDef<RecordData>[] = [];
  const title = fields[def.titleField];
  if (title) cols.push(columnFor(entity, def.titleField, title, t, true));
  for (const [name, field] of Object.entries(fields)) {
    if (name === def.titleField || field.kind === 'longtext' || hidden.has(name)) continue;
    cols.push(columnFor(entity, name, field, t, field.list === true));
  }
  const ownerShown = ownerColumnShown[entity];
  if (owner && ownerShown !== undefined) cols.push(ownerColumn(entity, t, owner, ownerShown));
  for (const [name, field] of Object.entries(systemColumns)) cols.push(columnFor(entity, name, field, t, false));
  return cols;
}
