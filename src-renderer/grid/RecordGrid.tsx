import { useEffect, useMemo, useRef, useState } from 'react';
import { AgGridReact } from 'ag-grid-react';
import type { CellClickedEvent, CellKeyDownEvent, ColDef, GridApi, GridReadyEvent, IDatasource, IGetRowsParams, RowDoubleClickedEvent } from 'ag-grid-community';
import { AG_GRID_LOCALE_CN, AG_GRID_LOCALE_EN } from '@ag-grid-community/locale';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { entities, isEntityName, type EntityName, type FieldDef, type RefField, type RefsField } from '../../src-shared/entities/index';
import { api, onCoreEvent } from '../api/client';
import { forgetRefTitles, loadRefTitles } from '../api/ref-titles';
import { useT } from '../i18n/use-t';
import { useHiddenFields } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import { userName, userView } from '../state/directory';
import { lookupUser, useDirectory } from '../state/directory.store';
import { buildColumnDefs, columnField, type OwnerColumnSupport } from './columns';
import { OwnerFilter } from './OwnerFilter';
import { toListFilters, toListSort } from './filter-model';
import { gridMemory, saveColumns, type SavedColumn } from './grid-memory';
import { gridTheme } from './grid-theme';

/** Rows per request: a screenful or two, so scrolling 100k rows never loads more than it shows. */
const BLOCK_SIZE = 100;
/** Blocks kept in memory; older ones are dropped and read again if the user scrolls back. */
const MAX_BLOCKS = 20;

/** A constant: a new object on each render would make the grid rebuild its columns. */
const defaultColDef: ColDef<RecordData> = { resizable: true, suppressHeaderMenuButton: true };

export interface GridTotals {
  total: number;
  /** A column filter or the quick filter is narrowing the rows. */
  filtered: boolean;
}

interface RecordGridProps {
  entity: EntityName;
  quick: string;
  onTotals(totals: GridTotals): void;
  onOpen(id: string): void;
  /** A click on a reference cell (a contact's account). */
  onOpenRef?(entity: EntityName, id: string): void;
  onApi?(api: GridApi<RecordData> | null): void;
}

/**
 * A list of records of one entity: ag-grid's infinite row model backed by record.list, so sorting,
 * filtering and the quick filter run in the core and only the blocks on screen cross the boundary.
 * The caller loads the saved column layout (loadSavedColumns) before mounting, so the first
 * request already uses the saved sort.
 */
export function RecordGrid({ entity, quick, onTotals, onOpen, onOpenRef, onApi }: RecordGridProps) {
  const t = useT();
  const dataEpoch = useApp((s) => s.dataEpoch);
  const gridApi = useRef<GridApi<RecordData> | null>(null);
  const quickRef = useRef(quick);
  const totalRef = useRef<number | null>(null);
  const generation = useRef(0);
  const restoring = useRef(false);
  const pendingScroll = useRef(0);
  const saveTimer = useRef<number | undefined>(undefined);
  const callbacks = useRef({ onTotals, onOpen, onOpenRef });
  useEffect(() => {
    callbacks.current = { onTotals, onOpen, onOpenRef };
  });

  // Owner names are read from the directory when a cell is drawn; its arrival redraws that column.
  const ownerSupport = useMemo<OwnerColumnSupport>(
    () => ({
      name: (id) => {
        const { loaded, byId } = useDirectory.getState();
        return !loaded && typeof id === 'string' && !byId.has(id) ? '' : userName(lookupUser, id);
      },
      title: (id) => userView(t, lookupUser, id).title,
      filter: OwnerFilter,
    }),
    [t],
  );
  // Fields the user's roles hide have no column, so the column chooser does not offer them either.
  const hidden = useHiddenFields(entity);
  const columnDefs = useMemo(() => buildColumnDefs(entity, t, ownerSupport, hidden), [entity, t, ownerSupport, hidden]);
  // Without a saved layout, the default columns share the grid's width; afterwards the user's widths rule.
  const [fitOnFirstVisit] = useState(() => !gridMemory(entity).columns?.length);
  const localeText = t.locale === 'zh-CN' ? AG_GRID_LOCALE_CN : AG_GRID_LOCALE_EN;
  const refFields = useMemo(
    () => Object.entries(entities[entity].fields as Record<string, FieldDef>).filter((e): e is [string, RefField | RefsField] => e[1].kind === 'ref' || e[1].kind === 'refs'),
    [entity],
  );

  const makeDatasource = useMemo(
    () => (): IDatasource => {
      const gen = ++generation.current;
      totalRef.current = null;
      const fieldOf = (colId: string) => columnField(entity, colId);
      return {
        getRows(params: IGetRowsParams) {
          const filters = toListFilters(fieldOf, params.filterModel as Parameters<typeof toListFilters>[1]);
          const q = quickRef.current.trim();
          const limit = params.endRow - params.startRow;
          // The count is only needed once per query; scrolling further reuses it.
          const wantTotal = params.startRow === 0 || totalRef.current === null;
          api['record.list']({ entity, offset: params.startRow, limit, sort: toListSort(params.sortModel), filters, ...(q ? { quick: q } : {}), withTotal: wantTotal })
            .then(async ({ rows, total }) => {
              // The names of every referenced entity, asked for in parallel rather than one after another.
              await Promise.all(
                refFields.map(([field, def]) =>
                  isEntityName(def.entity) ? loadRefTitles(def.entity, rows.flatMap((r) => (Array.isArray(r[field]) ? (r[field] as unknown[]) : [r[field]]))) : undefined,
                ),
              );
              if (gen !== generation.current) return;
              if (total !== null) totalRef.current = total;
              const last = totalRef.current ?? (rows.length < limit ? params.startRow + rows.length : undefined);
              params.successCallback(rows, last);
              if (total !== null) callbacks.current.onTotals({ total, filtered: filters.length > 0 || q !== '' });
              if (pendingScroll.current > 0 && gridApi.current) {
                const row = Math.min(pendingScroll.current, (last ?? 1) - 1);
                pendingScroll.current = 0;
                gridApi.current.ensureIndexVisible(row, 'top');
              }
            })
            .catch((error: unknown) => {
              params.failCallback();
              reportError(error);
            });
        },
      };
    },
    [entity, refFields],
  );

  const scheduleSave = () => {
    const grid = gridApi.current;
    if (restoring.current || !grid) return;
    window.clearTimeout(saveTimer.current);
    saveTimer.current = window.setTimeout(() => {
      if (grid.isDestroyed()) return;
      const state: SavedColumn[] = grid.getColumnState().map(({ colId, width, hide, pinned, sort, sortIndex }) => ({ colId, width, hide, pinned, sort, sortIndex }));
      saveColumns(entity, state).catch(reportError);
    }, 400);
  };

  const onGridReady = (event: GridReadyEvent<RecordData>) => {
    gridApi.current = event.api;
    const memory = gridMemory(entity);
    restoring.current = true;
    // A layout or filter saved while a field was visible may name it after it became hidden.
    const known = (memory.columns ?? []).filter((c) => columnField(entity, c.colId) && !hidden.has(c.colId));
    if (known.length > 0) event.api.applyColumnState({ state: known, applyOrder: true });
    if (memory.filterModel) event.api.setFilterModel(Object.fromEntries(Object.entries(memory.filterModel).filter(([colId]) => !hidden.has(colId))));
    restoring.current = false;
    pendingScroll.current = memory.firstRow;
    event.api.setGridOption('datasource', makeDatasource());
    onApi?.(event.api);
  };

  // Quick filter: a new datasource starts again from the top with the new text.
  useEffect(() => {
    if (quickRef.current === quick) return;
    quickRef.current = quick;
    gridMemory(entity).firstRow = 0;
    gridApi.current?.setGridOption('datasource', makeDatasource());
  }, [quick, entity, makeDatasource]);

  // A view (or later a sync) changed rows of this entity or of one it shows names from.
  useEffect(() => {
    return onCoreEvent((event) => {
      if (event.type !== 'changed') return;
      const touchesRef = refFields.some(([, def]) => def.entity === event.entity);
      if (touchesRef) forgetRefTitles(event.entity, event.ids);
      if (event.entity === entity || touchesRef) {
        totalRef.current = null;
        gridApi.current?.refreshInfiniteCache();
      }
    });
  }, [entity, refFields]);

  useEffect(
    () =>
      useDirectory.subscribe((now, before) => {
        if (now.byId !== before.byId) gridApi.current?.refreshCells({ columns: ['ownerId'], force: true });
      }),
    [],
  );

  // Back from a disconnect: events may have been missed while it lasted.
  useEffect(() => {
    if (dataEpoch === 0) return;
    totalRef.current = null;
    gridApi.current?.refreshInfiniteCache();
  }, [dataEpoch]);

  useEffect(
    () => () => {
      window.clearTimeout(saveTimer.current);
      onApi?.(null);
    },
    [onApi],
  );

  return (
    <div className="record-grid" data-testid={`grid-${entity}`}>
      <AgGridReact<RecordData>
        theme={gridTheme}
        localeText={localeText}
        columnDefs={columnDefs}
        defaultColDef={defaultColDef}
        autoSizeStrategy={fitOnFirstVisit ? { type: 'fitGridWidth' } : undefined}
        rowModelType="infinite"
        cacheBlockSize={BLOCK_SIZE}
        maxBlocksInCache={MAX_BLOCKS}
        maxConcurrentDatasourceRequests={2}
        blockLoadDebounceMillis={50}
        getRowId={(p) => p.data.id}
        onGridReady={onGridReady}
        onRowDoubleClicked={(e: RowDoubleClickedEvent<RecordData>) => e.data && callbacks.current.onOpen(e.data.id)}
        onCellClicked={(e: CellClickedEvent<RecordData>) => {
          if (!e.data || !e.colDef.colId) return;
          if (e.colDef.colId === entities[entity].titleField) {
            callbacks.current.onOpen(e.data.id);
            return;
          }
          const def = columnField(entity, e.colDef.colId);
          const target = e.data[e.colDef.colId];
          if (def?.kind === 'ref' && isEntityName(def.entity) && typeof target === 'string') callbacks.current.onOpenRef?.(def.entity, target);
        }}
        onCellKeyDown={(e: CellKeyDownEvent<RecordData>) => {
          if ((e.event as KeyboardEvent | null | undefined)?.key === 'Enter' && e.data) callbacks.current.onOpen(e.data.id);
        }}
        onFilterChanged={(e) => {
          gridMemory(entity).filterModel = e.api.getFilterModel();
          gridMemory(entity).firstRow = 0;
        }}
        onBodyScrollEnd={(e) => {
          gridMemory(entity).firstRow = e.api.getFirstDisplayedRowIndex();
        }}
        onColumnMoved={(e) => e.finished && scheduleSave()}
        // Only what the user did: the first-visit fit must not freeze widths for a later, wider window.
        onColumnResized={(e) => e.finished && (e.source === 'uiColumnResized' || e.source === 'autosizeColumns' || e.source === 'columnMenu') && scheduleSave()}
        onColumnVisible={scheduleSave}
        onColumnPinned={scheduleSave}
        onSortChanged={scheduleSave}
      />
    </div>
  );
}
