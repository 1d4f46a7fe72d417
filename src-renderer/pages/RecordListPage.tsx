import { useCallback, useEffect, useState } from 'react';
import type { GridApi } from 'ag-grid-community';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import { Icon, entityIcon } from '../components/icons';
import { ColumnChooser } from '../grid/ColumnChooser';
import { gridMemory, loadSavedColumns } from '../grid/grid-memory';
import { RecordGrid, type GridTotals } from '../grid/RecordGrid';
import { useT } from '../i18n/use-t';
import { setKey, useCan, useHiddenFields } from '../state/access';
import { reportError, useApp } from '../state/app.store';
import { entityText } from '../state/entity-text';

/** Delay between the last keystroke in the quick filter and the query. */
const QUICK_DEBOUNCE_MS = 250;

/** A module's list: toolbar (count, quick filter, columns, new) over the grid, or the empty state. */
export function RecordListPage({ entity }: { entity: EntityName }) {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const navigate = useApp((s) => s.navigate);
  const [columnsLoaded, setColumnsLoaded] = useState(false);
  const [quickText, setQuickText] = useState(() => gridMemory(entity).quick);
  const [quick, setQuick] = useState(quickText);
  const [totals, setTotals] = useState<GridTotals | null>(null);
  const [grid, setGrid] = useState<GridApi<RecordData> | null>(null);
  const text = entityText[entity];
  const canCreate = useCan(entity, 'create');
  // The grid is built again when fields become hidden or visible (its columns come from them).
  const hiddenKey = setKey(useHiddenFields(entity));

  useEffect(() => {
    let cancelled = false;
    loadSavedColumns(entity)
      .catch((error: unknown) => {
        reportError(error);
        return null;
      })
      .finally(() => !cancelled && setColumnsLoaded(true));
    return () => {
      cancelled = true;
    };
  }, [entity]);

  useEffect(() => {
    gridMemory(entity).quick = quickText;
    const timer = window.setTimeout(() => setQuick(quickText), QUICK_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [entity, quickText]);

  const onOpen = useCallback((id: string) => navigate({ view: 'detail', entity, id }), [navigate, entity]);
  const onOpenRef = useCallback((target: EntityName, id: string) => navigate({ view: 'detail', entity: target, id }), [navigate]);
  const onApi = useCallback((api: GridApi<RecordData> | null) => setGrid(api), []);
  const create = () => openForm({ entity, openAfterCreate: true });
  const clearFilters = () => {
    grid?.setFilterModel(null);
    setQuickText('');
    setQuick('');
  };

  const empty = totals !== null && totals.total === 0 && !totals.filtered;
  const noMatches = totals !== null && totals.total === 0 && totals.filtered;

  return (
    <section className="page list-page" data-testid={`list-${entity}`}>
      <header className="page-header">
        <div className="page-title">
          <h1>{t(text.nav)}</h1>
          <span className="page-count" data-testid="row-count">
            {totals === null ? t('common.loading') : t(totals.filtered ? text.countFiltered : text.count, { count: totals.total.toLocaleString(t.locale) })}
          </span>
        </div>
        <div className="toolbar">
          <div className="search-input">
            <Icon name="search" />
            <input
              type="search"
              value={quickText}
              placeholder={t(text.quickPlaceholder)}
              aria-label={t(text.quickPlaceholder)}
              onChange={(e) => setQuickText(e.target.value)}
              data-testid="quick-filter"
            />
          </div>
          {totals?.filtered && (
            <button type="button" className="btn btn-ghost" onClick={clearFilters} data-testid="clear-filters">
              <Icon name="filterOff" />
              {t('grid.clearFilters')}
            </button>
          )}
          <ColumnChooser entity={entity} grid={grid} />
          {canCreate && (
            <button type="button" className="btn btn-primary" onClick={create} data-testid="create-record">
              <Icon name="plus" />
              {t(text.new)}
            </button>
          )}
        </div>
      </header>
      <div className="grid-area">
        {columnsLoaded && <RecordGrid key={`${entity}-${t.locale}-${hiddenKey}`} entity={entity} quick={quick} onTotals={setTotals} onOpen={onOpen} onOpenRef={onOpenRef} onApi={onApi} />}
        {empty && (
          <div className="empty-state" data-testid="empty-state">
            <div className="empty-illustration" aria-hidden="true">
              <Icon name={entityIcon[entity]} size={40} />
            </div>
            <h2>{t(text.emptyTitle)}</h2>
            <p>{t(text.emptyBody)}</p>
            {canCreate && (
              <button type="button" className="btn btn-primary btn-large" onClick={create} data-testid="empty-create">
                <Icon name="plus" />
                {t(text.new)}
              </button>
            )}
          </div>
        )}
        {noMatches && (
          <div className="grid-overlay-message" data-testid="no-matches">
            <p>{t('grid.noMatches')}</p>
            <button type="button" className="btn" onClick={clearFilters}>
              {t('grid.clearFilters')}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
