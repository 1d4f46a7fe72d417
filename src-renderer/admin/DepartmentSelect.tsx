import type { DepartmentNode } from './admin-org-view';

/**
 * A department picker: the tree's departments in order, indented by depth, with a first option for
 * none (the company as a whole, or the top of the tree, as `noneLabel` says).
 */
export function DepartmentSelect(props: { value: string | null; options: readonly DepartmentNode[]; noneLabel: string; onChange: (id: string | null) => void; testId: string }) {
  return (
    <select className="input" value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value === '' ? null : e.target.value)} data-testid={props.testId}>
      <option value="">{props.noneLabel}</option>
      {props.options.map((n) => (
        <option key={n.department.id} value={n.department.id}>
          {`${'\u3000'.repeat(n.depth)}${n.department.name}`}
        </option>
      ))}
    </select>
  );
}
