import type { ColumnState, FilterModel } from 'ag-grid-community';
import type { EntityName } from '../../src-shared/entities/index';
import { api } from '../api/client';

/** The column properties a user chooses; saved per grid with settings.set('grid.<entity>.columns'). */
export type SavedColumn = Pick<ColumnState, 'colId' | 'width' | 'hide' | 'pinned' | 'sort' | 'sortIndex'>;

/**
 * What a list looked like when the user left it (columns, filters, quick text, scroll position),
 * so coming back from a record, or switching the language (which rebuilds the grid), shows the
 * same rows. Only the column layout is persisted; the rest lasts for the session.
 */
interface GridMemory {
  columns: SavedColumn[] | null;
  filterModel: FilterModel | null;
  quick: string;
  firstRow: number;
}

const memory = new Map<EntityName, GridMemory>();

export function columnsSettingKey(entity: EntityName): string {
  return `grid.${entity}.columns`;
}

export function gridMemory(entity: EntityName): GridMemory {
  let m = memory.get(entity);
  if (!m) {
    m = { columns: null, filterModel: null, quick: '', firstRow: 0 };
    memory.set(entity, m);
  }
  return m;
}

function isSavedColumns(value: unknown): value is SavedColumn[] {
  return Array.isArray(value) && value.every((c) => typeof c === 'object' && c !== null && typeof (c as { colId?: unknown }).colId === 'string');
}

const loaded = new Set<EntityName>();

/**
 * After the replica was replaced the rows are others: lists start again at the top, and the saved
 * layouts are read again (a new replica may carry the user's settings from before, or none).
 */
export function forgetGridPositions(): void {
  for (const m of memory.values()) m.firstRow = 0;
  loaded.clear();
}

/** The saved layout, read once per session from the settings; later reads come from memory. */
export async function loadSavedColumns(entity: EntityName): Promise<SavedColumn[] | null> {
  const m = gridMemory(entity);
  if (loaded.has(entity)) return m.columns;
  const value = await api['settings.get']({ key: columnsSettingKey(entity) });
  loaded.add(entity);
  m.columns = isSavedColumns(value) ? value : null;
  return m.columns;
}

export function saveColumns(entity: EntityName, columns: SavedColumn[] | null): Promise<unknown> {
  gridMemory(entity).columns = columns;
  loaded.add(entity);
  return api['settings.set']({ key: columnsSettingKey(entity), value: columns });
}
