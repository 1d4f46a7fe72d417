import { useId, useMemo } from 'react';
import { useT } from '../i18n/use-t';
import { useDirectory } from '../state/directory.store';
import { usePipelineFilters } from '../state/pipeline.store';
import { closeMonthOptions, presetRange, type OwnerChoice, type PeriodPreset } from '../state/pipeline-view';

/** The owner choice as one select value: 'all', 'mine' or 'user:<id>'. */
function choiceValue(choice: OwnerChoice): string {
  return choice.kind === 'user' ? `user:${choice.id}` : choice.kind;
}

function choiceOf(value: string): OwnerChoice {
  if (value === 'mine') return { kind: 'mine' };
  if (value.startsWith('user:')) return { kind: 'user', id: value.slice(5) };
  return { kind: 'all' };
}

/**
 * 负责人 filter of the kanban and the funnel: everyone, 我的, or one colleague from the directory
 * (active people first, in name order; a departed owner still finds their deals).
 */
export function OwnerSelect() {
  const t = useT();
  const id = useId();
  const users = useDirectory((s) => s.users);
  const owner = usePipelineFilters((s) => s.owner);
  const setOwner = usePipelineFilters((s) => s.setOwner);
  const people = useMemo(() => {
    const collator = new Intl.Collator(t.locale === 'zh-CN' ? 'zh-CN' : 'en');
    return [...users].sort((a, b) => Number(b.active) - Number(a.active) || collator.compare(a.name, b.name));
  }, [users, t]);
  const unknown = owner.kind === 'user' && !users.some((u) => u.id === owner.id);
  return (
    <label className="pipeline-filter" htmlFor={id}>
      <span className="pipeline-filter-label">{t('pipeline.owner')}</span>
      <select id={id} className="input" value={choiceValue(owner)} onChange={(e) => setOwner(choiceOf(e.target.value))} data-testid="pipeline-owner">
        <option value="all">{t('pipeline.owner.all')}</option>
        <option value="mine">{t('pipeline.owner.mine')}</option>
        {people.length > 0 && (
          <optgroup label={t('pipeline.owner')}>
            {people.map((u) => (
              <option key={u.id} value={`user:${u.id}`}>
                {u.active ? u.name : `${u.name}（${t('owner.inactive')}）`}
              </option>
            ))}
          </optgroup>
        )}
        {unknown && <option value={choiceValue(owner)}>{owner.id}</option>}
      </select>
    </label>
  );
}

/**
 * The kanban's expected close month: a list of months around today in the user's language (the
 * browser's own month picker speaks the browser's language, not the app's).
 */
export function CloseMonthInput() {
  const t = useT();
  const id = useId();
  const closeMonth = usePipelineFilters((s) => s.closeMonth);
  const setCloseMonth = usePipelineFilters((s) => s.setCloseMonth);
  const options = useMemo(() => closeMonthOptions(new Date(), t.locale, closeMonth), [t.locale, closeMonth]);
  return (
    <label className="pipeline-filter" htmlFor={id}>
      <span className="pipeline-filter-label">{t('pipeline.closeMonth')}</span>
      <select id={id} className="input" value={closeMonth ?? ''} onChange={(e) => setCloseMonth(e.target.value === '' ? null : e.target.value)} data-testid="pipeline-close-month">
        <option value="">{t('pipeline.closeMonth.any')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

const presets: readonly PeriodPreset[] = ['month', 'quarter', 'year'];
const presetKeys = { month: 'funnel.period.month', quarter: 'funnel.period.quarter', year: 'funnel.period.year' } as const;

/** The funnel's expected close period: quick choices (this month / quarter / year, all) and two dates. */
export function ClosePeriodInput() {
  const t = useT();
  const fromId = useId();
  const closeFrom = usePipelineFilters((s) => s.closeFrom);
  const closeTo = usePipelineFilters((s) => s.closeTo);
  const setPeriod = usePipelineFilters((s) => s.setPeriod);
  const day = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null);
  const now = new Date();
  const active = (preset: PeriodPreset) => {
    const range = presetRange(preset, now);
    return range.from === closeFrom && range.to === closeTo;
  };
  return (
    <div className="pipeline-filter" role="group" aria-label={t('funnel.period')}>
      <label className="pipeline-filter-label" htmlFor={fromId}>
        {t('funnel.period')}
      </label>
      <div className="segmented" data-testid="funnel-presets">
        <button type="button" className={closeFrom === null && closeTo === null ? 'is-active' : undefined} aria-pressed={closeFrom === null && closeTo === null} onClick={() => setPeriod(null, null)}>
          {t('funnel.period.all')}
        </button>
        {presets.map((preset) => (
          <button
            key={preset}
            type="button"
            className={active(preset) ? 'is-active' : undefined}
            aria-pressed={active(preset)}
            onClick={() => {
              const range = presetRange(preset, new Date());
              setPeriod(range.from, range.to);
            }}
          >
            {t(presetKeys[preset])}
          </button>
        ))}
      </div>
      <input
        id={fromId}
        className="input pipeline-date"
        type="date"
        value={closeFrom ?? ''}
        aria-label={`${t('funnel.period')} ${t('funnel.period.from')}`}
        onChange={(e) => setPeriod(day(e.target.value), closeTo)}
        data-testid="funnel-close-from"
      />
      <span className="pipeline-filter-sep">{t('funnel.period.to')}</span>
      <input
        className="input pipeline-date"
        type="date"
        value={closeTo ?? ''}
        aria-label={`${t('funnel.period')} ${t('funnel.period.to')}`}
        onChange={(e) => setPeriod(closeFrom, day(e.target.value))}
        data-testid="funnel-close-to"
      />
    </div>
  );
}
