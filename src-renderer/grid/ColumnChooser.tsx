import { useEffect, useRef, useState } from 'react';
import type { Column, GridApi } from 'ag-grid-community';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import { useT } from '../i18n/use-t';
import { reportError } from '../state/app.store';
import { saveColumns } from './grid-memory';
import { Icon } from '../components/icons';

/**
 * Show or hide columns (the Columns Tool Panel is enterprise-only). Order and width are changed by
 * dragging headers; every change is saved by the grid's column events.
 */
export function ColumnChooser({ entity, grid }: { entity: EntityName; grid: GridApi<RecordData> | null }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [columns, setColumns] = useState<Column[]>([]);
  const [, setVersion] = useState(0);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const toggleOpen = () => {
    if (!grid) return;
    setColumns(grid.getAllGridColumns());
    setOpen((o) => !o);
  };

  const toggle = (column: Column) => {
    grid?.setColumnsVisible([column], !column.isVisible());
    setVersion((v) => v + 1);
  };

  const reset = () => {
    if (!grid) return;
    grid.resetColumnState();
    setColumns(grid.getAllGridColumns());
    saveColumns(entity, null).catch(reportError);
  };

  return (
    <div className="popover-anchor" ref={box}>
      <button type="button" className="btn" onClick={toggleOpen} disabled={!grid} aria-expanded={open} data-testid="column-chooser">
        <Icon name="columns" />
        {t('grid.columns')}
      </button>
      {open && (
        <div className="popover column-chooser" role="dialog" aria-label={t('grid.columns')}>
          <div className="popover-title">{t('grid.columns.hint')}</div>
          <div className="column-chooser-list">
            {columns.map((column) => (
              <label key={column.getColId()} className={`check-row${column.getColDef().lockVisible ? ' is-locked' : ''}`}>
                <input type="checkbox" checked={column.isVisible()} disabled={column.getColDef().lockVisible === true} onChange={() => toggle(column)} />
                <span>{column.getColDef().headerName}</span>
              </label>
            ))}
          </div>
          <div className="popover-actions">
            <button type="button" className="btn btn-small" onClick={reset}>
              {t('grid.columns.reset')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
