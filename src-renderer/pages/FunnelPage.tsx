import type { MoneyTotal } from '../../src-shared/api/client-api.contract';
import { STALLED_LISTED } from '../../src-shared/sales/pipeline.util';
import { Icon } from '../components/icons';
import { UserName } from '../components/UserName';
import { formatMoney } from '../format/field-format';
import { useT, type Translator } from '../i18n/use-t';
import { NoStages, PipelineLoading } from './pipeline-common';
import { useApp } from '../state/app.store';
import { usePipelineFilters } from '../state/pipeline.store';
import { amountLines, funnelOutline, ownerIdsFor, stageName, stalledRows, winRate, type FunnelStage } from '../state/pipeline-view';
import { usePipelineQuery } from '../state/use-pipeline';
import { ClosePeriodInput, OwnerSelect } from './PipelineFilters';
import '../styles/pipeline.css';

/** Fills of the funnel's layers, top to bottom (dark enough for white figures). */
const LAYER_FILLS = ['#1e40af', '#1d4ed8', '#2563eb', '#3b6fe0', '#4f7fd9', '#5b8bd6'];

/** Several currencies' money, one line each; a dash for none. */
function Money({ totals, which = 'amount', testId }: { totals: readonly MoneyTotal[]; which?: 'amount' | 'weighted'; testId?: string }) {
  const t = useT();
  const lines = amountLines(totals, t.locale, which);
  if (lines.length === 0) return <span className="value-empty">—</span>;
  return (
    <span className="funnel-money" data-testid={testId}>
      {lines.map((line) => (
        <span key={line}>{line}</span>
      ))}
    </span>
  );
}

/** Open deals' totals over every open stage, per currency. */
function openTotals(stages: readonly FunnelStage[]): MoneyTotal[] {
  const sum = new Map<string, MoneyTotal>();
  for (const stage of stages) {
    for (const total of stage.totals) {
      const into = sum.get(total.currency) ?? { currency: total.currency, amount: 0, weighted: 0 };
      sum.set(total.currency, { currency: total.currency, amount: into.amount + total.amount, weighted: into.weighted + total.weighted });
    }
  }
  return [...sum.values()];
}

/**
 * 销售漏斗: the open stages drawn as a funnel, each layer with its count, amount and weighted
 * amount; won and lost beside it; and the deals that have sat in their stage past its limit.
 */
export function FunnelPage() {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const meId = useApp((s) => s.info?.user.id ?? null);
  const owner = usePipelineFilters((s) => s.owner);
  const closeFrom = usePipelineFilters((s) => s.closeFrom);
  const closeTo = usePipelineFilters((s) => s.closeTo);
  const query = usePipelineQuery('pipeline.funnel', { ownerIds: ownerIdsFor(owner, meId), closeFrom, closeTo });
  const funnel = query.state.status === 'ready' ? query.state.value : null;
  const open = (id: string) => navigate({ view: 'detail', entity: 'opportunity', id });

  let body;
  if (query.state.status === 'loading') {
    body = <PipelineLoading />;
  } else if (!funnel) {
    body = <div className="page-message">{t('error.internal')}</div>;
  } else if (funnel.stages.length === 0) {
    body = <NoStages testId="funnel-no-stages" />;
  } else {
    const openCount = funnel.stages.reduce((n, stage) => n + stage.count, 0);
    const outline = funnelOutline(funnel.stages.length);
    const rate = winRate(funnel.won.count, funnel.lost.count);
    const rows = stalledRows(funnel, t.locale);
    const stalledCount = funnel.stages.reduce((n, stage) => n + stage.stalled.count, 0);
    const anyLimit = funnel.stages.some((stage) => stage.limitDays !== null);
    const partial = funnel.stages.some((stage) => stage.stalled.count > stage.stalled.deals.length);
    const totals = openTotals(funnel.stages);
    body = (
      <>
        <div className="funnel-layout">
          <section className="card funnel-card" data-testid="funnel-chart" aria-label={t('funnel.title')}>
            <header className="card-header">
              <h2 className="card-title">{t('funnel.open')}</h2>
              <span className="funnel-summary" data-testid="funnel-open-summary">
                {t('funnel.openSummary', { count: openCount.toLocaleString(t.locale) })}
              </span>
            </header>
            {openCount === 0 && <p className="funnel-empty-note">{t('funnel.noDeals')}</p>}
            <ol className="funnel-layers">
              {funnel.stages.map((stage, i) => (
                <FunnelLayer key={stage.id} t={t} stage={stage} top={outline[i] ?? 100} bottom={outline[i + 1] ?? 30} fill={LAYER_FILLS[i % LAYER_FILLS.length] ?? '#2563eb'} />
              ))}
            </ol>
          </section>
          <aside className="funnel-side">
            <section className="card funnel-outcome funnel-outcome-open">
              <h2 className="funnel-outcome-title">{t('funnel.weightedAmount')}</h2>
              <Money totals={totals} which="weighted" testId="funnel-weighted-total" />
              <div className="funnel-outcome-sub">
                {t('funnel.amount')} <Money totals={totals} />
              </div>
            </section>
            <section className="card funnel-outcome funnel-outcome-won" data-testid="funnel-won">
              <h2 className="funnel-outcome-title">
                <span className="funnel-dot" aria-hidden="true" />
                {t('funnel.won')}
              </h2>
              <div className="funnel-outcome-count" data-testid="funnel-won-count">
                {t('funnel.deals', { count: funnel.won.count.toLocaleString(t.locale) })}
              </div>
              <Money totals={funnel.won.totals} />
              {rate !== null && <div className="funnel-outcome-sub">{t('funnel.winRate', { rate })}</div>}
            </section>
            <section className="card funnel-outcome funnel-outcome-lost" data-testid="funnel-lost">
              <h2 className="funnel-outcome-title">
                <span className="funnel-dot" aria-hidden="true" />
                {t('funnel.lost')}
              </h2>
              <div className="funnel-outcome-count" data-testid="funnel-lost-count">
                {t('funnel.deals', { count: funnel.lost.count.toLocaleString(t.locale) })}
              </div>
              <Money totals={funnel.lost.totals} />
            </section>
          </aside>
        </div>
        <section className="card funnel-stalled" data-testid="funnel-stalled">
          <header className="card-header">
            <h2 className="card-title">
              <Icon name="alert" size={16} />
              {t('funnel.stalled.title')}
              <span className="count-pill" data-testid="funnel-stalled-count">
                {stalledCount}
              </span>
            </h2>
            {partial && <span className="funnel-summary">{t('funnel.stalled.partial', { count: STALLED_LISTED })}</span>}
          </header>
          {rows.length === 0 ? (
            <p className="funnel-empty-note">{anyLimit ? t('funnel.stalled.none') : t('funnel.stalled.noLimits')}</p>
          ) : (
            <table className="funnel-table">
              <thead>
                <tr>
                  <th scope="col">{t('funnel.stalled.deal')}</th>
                  <th scope="col">{t('funnel.stalled.account')}</th>
                  <th scope="col">{t('funnel.stalled.stage')}</th>
                  <th scope="col">{t('funnel.stalled.owner')}</th>
                  <th scope="col" className="is-number">
                    {t('funnel.stalled.amount')}
                  </th>
                  <th scope="col" className="is-number">
                    {t('funnel.stalled.days')}
                  </th>
                  <th scope="col" className="is-number">
                    {t('funnel.stalled.over')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id} data-testid="stalled-row" data-deal-id={row.id}>
                    <td>
                      <a
                        href={`#/opportunities/${encodeURIComponent(row.id)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          open(row.id);
                        }}
                        data-testid="stalled-link"
                      >
                        {row.name}
                      </a>
                    </td>
                    <td className="funnel-table-muted">{row.accountName ?? '—'}</td>
                    <td>{row.stageLabel}</td>
                    <td>
                      <UserName id={row.ownerId} />
                    </td>
                    <td className="is-number">{row.amount === null ? '—' : formatMoney(row.amount, row.currency, t.locale)}</td>
                    <td className="is-number">
                      {t('funnel.stalled.daysValue', { days: row.daysInStage })}
                      <span className="funnel-table-muted"> / {t('funnel.stalled.limit', { days: row.limitDays })}</span>
                    </td>
                    <td className="is-number">
                      <span className="pipeline-age is-over" data-testid="stalled-over">
                        {row.daysOver > 0 ? t('funnel.stalled.daysValue', { days: row.daysOver }) : t('funnel.stalled.lessThanDay')}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </>
    );
  }

  return (
    <section className="page funnel-page" data-testid="funnel-page">
      <header className="page-header">
        <div className="page-title">
          <h1>{t('funnel.title')}</h1>
          {!query.fresh && query.state.status === 'ready' && <span className="spinner spinner-small" aria-label={t('common.loading')} />}
        </div>
        <div className="toolbar pipeline-toolbar">
          <OwnerSelect />
          <ClosePeriodInput />
        </div>
      </header>
      {body}
    </section>
  );
}

/** One open stage: a trapezoid from its width to the next stage's, and its figures beside it. */
function FunnelLayer({ t, stage, top, bottom, fill }: { t: Translator; stage: FunnelStage; top: number; bottom: number; fill: string }) {
  const name = stageName(stage, t.locale);
  // Drawn in a 100-wide box, centred: the top edge spans `top` per cent, the bottom edge `bottom`.
  const points = `${50 - top / 2},0 ${50 + top / 2},0 ${50 + bottom / 2},100 ${50 - bottom / 2},100`;
  return (
    <li className="funnel-layer" data-testid="funnel-stage" data-stage-id={stage.id} data-stage-code={stage.code ?? ''}>
      <div className="funnel-shape">
        <svg viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">
          <polygon points={points} fill={fill} />
        </svg>
        <span className="funnel-shape-count" data-testid="funnel-stage-count">
          {stage.count.toLocaleString(t.locale)}
        </span>
      </div>
      <div className="funnel-info">
        <div className="funnel-info-name">
          <span title={name}>{name}</span>
          {stage.probability !== null && <span className="funnel-info-probability">{stage.probability}%</span>}
          {stage.stalled.count > 0 && (
            <span className="pipeline-age is-over" data-testid="funnel-stage-stalled">
              {t('funnel.stalled.chip', { count: stage.stalled.count })}
            </span>
          )}
        </div>
        <dl className="funnel-figures">
          <div>
            <dt>{t('funnel.amount')}</dt>
            <dd data-testid="funnel-stage-amount">
              <Money totals={stage.totals} />
            </dd>
          </div>
          <div>
            <dt>{t('funnel.weightedAmount')}</dt>
            <dd data-testid="funnel-stage-weighted">
              <Money totals={stage.totals} which="weighted" />
            </dd>
          </div>
        </dl>
      </div>
    </li>
  );
}
