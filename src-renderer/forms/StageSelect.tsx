import type { RecordData } from '../../src-shared/api/client-api.contract';
import { rememberRefTitle } from '../api/ref-titles';
import { recordTitle } from '../format/record-title';
import { useT } from '../i18n/use-t';
import { useRecordList } from '../state/use-record';

interface StageSelectProps {
  id: string;
  value: string;
  invalid: boolean;
  describedBy?: string;
  testId: string;
  onChange(id: string, title: string): void;
  onBlur(): void;
}

/** The stage's kind and default probability beside its name, so a rep sees where a choice leads. */
function optionLabel(stage: RecordData, title: string): string {
  return typeof stage.probability === 'number' ? `${title} · ${stage.probability}%` : title;
}

/**
 * 销售阶段 of a deal: a short, admin-kept list, so a plain drop-down in pipeline order instead of a
 * search. Inactive stages are left out unless the record is already in one.
 */
export function StageSelect({ id, value, invalid, describedBy, testId, onChange, onBlur }: StageSelectProps) {
  const t = useT();
  const stages = useRecordList({ entity: 'stage', sort: [{ field: 'position', dir: 'asc' }], limit: 200 });
  const rows = stages.status === 'ready' ? stages.value.rows.filter((s) => s.active !== false || s.id === value) : [];
  const missing = stages.status === 'ready' && rows.length === 0;
  return (
    <>
      <select
        id={id}
        className={`input${invalid ? ' is-invalid' : ''}`}
        value={value}
        data-field="stageId"
        data-testid={testId}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onBlur={onBlur}
        onChange={(e) => {
          const stage = rows.find((s) => s.id === e.target.value);
          const title = stage ? recordTitle('stage', stage, t.locale) : '';
          if (stage) rememberRefTitle('stage', stage.id, String(stage.name ?? title));
          onChange(e.target.value, title);
        }}
      >
        <option value="">{stages.status === 'loading' ? t('common.loading') : t('form.choose')}</option>
        {rows.map((stage) => (
          <option key={stage.id} value={stage.id}>
            {optionLabel(stage, recordTitle('stage', stage, t.locale))}
          </option>
        ))}
      </select>
      {missing && <div className="form-note">{t('empty.stage.title')}</div>}
    </>
  );
}
