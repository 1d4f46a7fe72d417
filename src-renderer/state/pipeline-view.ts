import type { MethodOutput, MoneyTotal, StalledDeal } from '../../src-shared/api/client-api.contract';
import type { Locale } from '../../src-shared/i18n/index';
import { formatMoney } from '../format/field-format';
import { recordTitle } from '../format/record-title';

/**
 * What the kanban and the funnel show, computed from the core's answers: pure functions, tested
 * without a page. The pages and their filter store are PipelinePage, FunnelPage and pipeline.store.
 */
export type Board = MethodOutput<'pipeline.board'>;
export type BoardStage = Board['stages'][number];
export type Funnel = MethodOutput<'pipeline.funnel'>;
export type FunnelStage = Funnel['stages'][number];

/** Whose deals the views show: everyone's, the signed-in user's, or one person's. */
export type OwnerChoice = { kind: 'all' } | { kind: 'mine' } | { kind: 'user'; id: string };

/** The API's ownerIds for a choice; undefined means everyone. "Mine" before the user is known shows everyone. */
export function ownerIdsFor(choice: OwnerChoice, meId: string | null): string[] | undefined {
  switch (choice.kind) {
    case 'all':
      return undefined;
    case 'mine':
      return meId ? [meId] : undefined;
    case 'user':
      return [choice.id];
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}

/** The name a stage shows: a built-in stage's label in the user's language, else its own name. */
export function stageName(stage: { name: string; code: string | null }, locale: Locale): string {
  return recordTitle('stage', { name: stage.name, code: stage.code }, locale);
}

/** Each currency's amount, formatted: one line per currency, in the core's order (CNY first). */
export function amountLines(totals: readonly MoneyTotal[], locale: Locale, which: 'amount' | 'weighted' = 'amount'): string[] {
  return totals.map((total) => formatMoney(total[which], total.currency, locale));
}

/**
 * The board with one card moved to another stage, as it will look once the write is stored: shown
 * at once on drop, replaced by the core's next answer. Counts follow; totals wait for the answer.
 */
export function moveCard(board: Board, cardId: string, toStageId: string): Board {
  const from = board.stages.find((stage) => stage.cards.some((card) => card.id === cardId));
  const card = from?.cards.find((c) => c.id === cardId);
  if (!from || !card || from.id === toStageId || !board.stages.some((stage) => stage.id === toStageId)) return board;
  return {
    ...board,
    stages: board.stages.map((stage) => {
      if (stage.id === from.id) return { ...stage, count: stage.count - 1, cards: stage.cards.filter((c) => c.id !== cardId) };
      if (stage.id === toStageId) return { ...stage, count: stage.count + 1, cards: [{ ...card, stageChangedAt: board.asOf }, ...stage.cards] };
      return stage;
    }),
  };
}

/** Deals on the board in all; with filters, the ones that match. */
export function boardCount(board: Board): number {
  return board.stages.reduce((n, stage) => n + stage.count, 0);
}

export interface StalledRow extends StalledDeal {
  stageId: string;
  stageLabel: string;
  limitDays: number;
}

/** The stalled deals of every stage in one list, the most days over the limit first. */
export function stalledRows(funnel: Funnel, locale: Locale): StalledRow[] {
  const rows = funnel.stages.flatMap((stage) =>
    stage.stalled.deals.map((deal) => ({ ...deal, stageId: stage.id, stageLabel: stageName(stage, locale), limitDays: stage.limitDays ?? 0 })),
  );
  return rows.sort((a, b) => b.daysOver - a.daysOver || (a.stageChangedAt ?? 0) - (b.stageChangedAt ?? 0));
}

/**
 * The funnel's outline: for `layers` stages, the width (per cent of the drawing) of each layer's
 * top edge and, last, of the bottom edge, narrowing evenly from the full width to `narrowest`. The
 * shape stands for the order of the stages; the figures in and beside it carry the numbers (a shape
 * drawn by count would turn into an hourglass whenever a later stage holds more deals).
 */
export function funnelOutline(layers: number, narrowest = 30): number[] {
  if (layers <= 0) return [];
  return Array.from({ length: layers + 1 }, (_, i) => Math.round(100 - ((100 - narrowest) * i) / layers));
}

/** Won out of won + lost, in whole per cent; null when nothing has closed. */
export function winRate(won: number, lost: number): number | null {
  return won + lost === 0 ? null : Math.round((won * 100) / (won + lost));
}

/** 'YYYY-MM-DD' of a local calendar day. */
function isoDay(year: number, monthIndex: number, day: number): string {
  const d = new Date(Date.UTC(year, monthIndex, day));
  return d.toISOString().slice(0, 10);
}

export type PeriodPreset = 'month' | 'quarter' | 'year';

/** The first and last day of the current month / quarter / year around `now`, in local time. */
export function presetRange(preset: PeriodPreset, now: Date): { from: string; to: string } {
  const y = now.getFullYear();
  const m = now.getMonth();
  switch (preset) {
    case 'month':
      return { from: isoDay(y, m, 1), to: isoDay(y, m + 1, 0) };
    case 'quarter': {
      const first = m - (m % 3);
      return { from: isoDay(y, first, 1), to: isoDay(y, first + 3, 0) };
    }
    case 'year':
      return { from: isoDay(y, 0, 1), to: isoDay(y, 11, 31) };
    default: {
      const exhaustive: never = preset;
      return exhaustive;
    }
  }
}

/**
 * The close months offered by the kanban's month filter: January of last year to December of next
 * year around `now`, labelled in the user's language ("2026年11月"), plus `chosen` when it lies
 * outside (a month kept from before).
 */
export function closeMonthOptions(now: Date, locale: Locale, chosen: string | null = null): { value: string; label: string }[] {
  const format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  const label = (value: string) => format.format(Date.parse(`${value}-01T00:00:00Z`));
  const values: string[] = [];
  for (let year = now.getFullYear() - 1; year <= now.getFullYear() + 1; year++) {
    for (let month = 1; month <= 12; month++) values.push(`${year}-${String(month).padStart(2, '0')}`);
  }
  if (chosen && !values.includes(chosen)) values.push(chosen);
  return values.sort().map((value) => ({ value, label: label(value) }));
}
