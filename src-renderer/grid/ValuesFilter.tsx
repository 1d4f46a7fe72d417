import { useCallback } from 'react';
import { useGridFilter, type CustomFilterProps } from 'ag-grid-react';
import type { ValuesFilterModel } from './filter-model';

export interface ValuesFilterParams {
  options: { value: string; label: string }[];
  labels: { selectAll: string; clear: string };
}

/**
 * Checkbox filter for enum and bool columns, mapped to the list query's `in` operator. Everything
 * checked means no filter (model null), so a new enum value added later is not hidden by default.
 */
export function ValuesFilter(props: CustomFilterProps<unknown, unknown, ValuesFilterModel> & ValuesFilterParams) {
  const { model, onModelChange, options, labels } = props;
  // Rows come from the core already filtered (infinite row model); nothing to test client-side.
  const doesFilterPass = useCallback(() => true, []);
  useGridFilter({ doesFilterPass });

  const all = options.map((o) => o.value);
  const selected = new Set(model ? model.values : all);
  const commit = (next: Set<string>) => {
    onModelChange(next.size === all.length ? null : { filterType: 'values', values: all.filter((v) => next.has(v)) });
  };
  const toggle = (value: string) => {
    const next = new Set(selected);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    commit(next);
  };
  const allChecked = selected.size === all.length;

  return (
    <div className="values-filter" data-testid="values-filter">
      <label className="values-filter-row values-filter-all">
        <input type="checkbox" checked={allChecked} ref={(el) => { if (el) el.indeterminate = !allChecked && selected.size > 0; }} onChange={() => commit(allChecked ? new Set() : new Set(all))} />
        <span>{labels.selectAll}</span>
      </label>
      <div className="values-filter-list">
        {options.map((o) => (
          <label key={o.value} className="values-filter-row">
            <input type="checkbox" checked={selected.has(o.value)} onChange={() => toggle(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      <div className="values-filter-actions">
        <button type="button" className="btn btn-small" onClick={() => onModelChange(null)} disabled={model === null}>
          {labels.clear}
        </button>
      </div>
    </div>
  );
}
