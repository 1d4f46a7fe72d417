import { describe, expect, it } from 'vitest';
import { pipelineEn, pipelineZh } from '../../src-shared/i18n/parts/pipeline';
import { DAY_MS, closeMonthDays, stageAge, stalledCutoff } from '../../src-shared/sales/pipeline.util';
import {
  amountLines,
  boardCount,
  closeMonthOptions,
  funnelOutline,
  moveCard,
  ownerIdsFor,
  presetRange,
  stageName,
  stalledRows,
  winRate,
  type Board,
  type Funnel,
} from '../../src-renderer/state/pipeline-view';

const T = Date.UTC(2026, 5, 10, 12, 0, 0);

describe('days in stage (shared by the board and the funnel)', () => {
  it('counts whole days and flags a deal only once its time exceeds the limit', () => {
    expect(stageAge(T, T, 14)).toEqual({ days: 0, over: false, daysOver: 0 });
    expect(stageAge(T - 14 * DAY_MS, T, 14)).toEqual({ days: 14, over: false, daysOver: 0 });
    expect(stageAge(T - 14 * DAY_MS - 1, T, 14)).toEqual({ days: 14, over: true, daysOver: 0 });
    expect(stageAge(T - 20.5 * DAY_MS, T, 14)).toEqual({ days: 20, over: true, daysOver: 6 });
    // No limit: never flagged; no stage time: nothing to say; a clock ahead of ours: just entered.
    expect(stageAge(T - 400 * DAY_MS, T, null)).toEqual({ days: 400, over: false, daysOver: 0 });
    expect(stageAge(null, T, 14)).toBeNull();
    expect(stageAge(T + DAY_MS, T, 14)).toEqual({ days: 0, over: false, daysOver: 0 });
  });

  it('puts the SQL cut-off exactly where stageAge starts flagging', () => {
    const cutoff = stalledCutoff(T, 14);
    expect(stageAge(cutoff, T, 14)?.over).toBe(false);
    expect(stageAge(cutoff - 1, T, 14)?.over).toBe(true);
  });

  it('bounds a close month by its first and 31st day, which every real date of the month sorts within', () => {
    expect(closeMonthDays('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-31' });
    for (const day of ['2026-02-01', '2026-02-28']) expect(day >= '2026-02-01' && day <= '2026-02-31').toBe(true);
    for (const day of ['2026-01-31', '2026-03-01']) expect(day >= '2026-02-01' && day <= '2026-02-31').toBe(false);
  });
});

const stage = (id: string, over: Partial<Board['stages'][number]> = {}): Board['stages'][number] => ({
  id,
  name: id,
  code: null,
  kind: 'open',
  position: 0,
  probability: 10,
  limitDays: null,
  count: 0,
  totals: [],
  cards: [],
  more: false,
  ...over,
});
const card = (id: string) => ({ id, name: id, accountId: null, accountName: null, amount: 100, currency: 'CNY', ownerId: 'u', stageChangedAt: 1, probability: 10, expectedCloseDate: null, lostReason: null });

describe('the board in the renderer', () => {
  it('moves a card to another column at once, counts included, and leaves the board alone otherwise', () => {
    const board: Board = { asOf: 500, stages: [stage('a', { count: 3, cards: [card('x'), card('y')], more: true }), stage('b', { count: 1, cards: [card('z')] })] };
    const moved = moveCard(board, 'x', 'b');
    expect(moved.stages.map((s) => [s.id, s.count, s.cards.map((c) => c.id)])).toEqual([
      ['a', 2, ['y']],
      ['b', 2, ['x', 'z']],
    ]);
    // It has just entered the stage.
    expect(moved.stages[1]?.cards[0]?.stageChangedAt).toBe(500);
    expect(boardCount(moved)).toBe(4);
    expect(board.stages[0]?.cards).toHaveLength(2);
    expect(moveCard(board, 'x', 'a')).toBe(board);
    expect(moveCard(board, 'nope', 'b')).toBe(board);
    expect(moveCard(board, 'x', 'nowhere')).toBe(board);
  });

  it('names built-in stages in the user’s language and others by their name', () => {
    expect(stageName({ name: 'Lost', code: 'lost' }, 'zh-CN')).toBe('输单');
    expect(stageName({ name: '输单', code: 'lost' }, 'en')).toBe('Lost');
    expect(stageName({ name: '大客户评审', code: null }, 'en')).toBe('大客户评审');
  });

  it('turns the owner choice into the API’s ownerIds', () => {
    expect(ownerIdsFor({ kind: 'all' }, 'me')).toBeUndefined();
    expect(ownerIdsFor({ kind: 'mine' }, 'me')).toEqual(['me']);
    expect(ownerIdsFor({ kind: 'mine' }, null)).toBeUndefined();
    expect(ownerIdsFor({ kind: 'user', id: 'li' }, 'me')).toEqual(['li']);
  });

  it('formats each currency’s amount or weighted amount on its own line', () => {
    const totals = [
      { currency: 'CNY', amount: 123_456_78, weighted: 12_345_68 },
      { currency: 'USD', amount: 5_000_00, weighted: 500_00 },
    ];
    expect(amountLines(totals, 'zh-CN')).toEqual(['¥123,456.78', 'US$5,000.00']);
    expect(amountLines(totals, 'en', 'weighted')).toEqual(['CN¥12,345.68', '$500.00']);
    expect(amountLines([], 'en')).toEqual([]);
  });

  it('offers the months from January last year to December next year, and a month kept from before', () => {
    const now = new Date(2026, 10, 23);
    const months = closeMonthOptions(now, 'zh-CN');
    expect(months).toHaveLength(36);
    expect(months[0]).toEqual({ value: '2025-01', label: '2025年1月' });
    expect(months.at(-1)?.value).toBe('2027-12');
    expect(closeMonthOptions(now, 'en').find((m) => m.value === '2026-11')?.label).toBe('November 2026');
    expect(closeMonthOptions(now, 'zh-CN', '2020-03')[0]?.value).toBe('2020-03');
  });
});

describe('the funnel in the renderer', () => {
  it('lists every stage’s stalled deals together, most days over the limit first', () => {
    const deal = (id: string, daysOver: number, stageChangedAt: number) => ({ id, name: id, accountId: null, accountName: null, amount: null, currency: 'CNY', ownerId: 'u', stageChangedAt, daysInStage: 14 + daysOver, daysOver });
    const funnelStage = (id: string, code: string | null, deals: ReturnType<typeof deal>[]): Funnel['stages'][number] => ({
      id,
      name: id,
      code,
      kind: 'open',
      position: 0,
      probability: 10,
      limitDays: 14,
      count: deals.length,
      totals: [],
      stalled: { count: deals.length, deals },
    });
    const funnel: Funnel = {
      asOf: 0,
      stages: [funnelStage('s1', 'prospecting', [deal('a', 3, 30), deal('b', 1, 50)]), funnelStage('s2', null, [deal('c', 9, 10), deal('d', 3, 20)])],
      won: { count: 0, totals: [] },
      lost: { count: 0, totals: [] },
    };
    const rows = stalledRows(funnel, 'zh-CN');
    expect(rows.map((r) => r.id)).toEqual(['c', 'd', 'a', 'b']);
    expect(rows[2]).toMatchObject({ stageId: 's1', stageLabel: '初步接洽', limitDays: 14 });
  });

  it('draws an outline that narrows evenly, whatever the counts', () => {
    expect(funnelOutline(4)).toEqual([100, 83, 65, 48, 30]);
    expect(funnelOutline(1)).toEqual([100, 30]);
    expect(funnelOutline(0)).toEqual([]);
  });

  it('gives the win rate of closed deals, or none before anything closed', () => {
    expect(winRate(1, 2)).toBe(33);
    expect(winRate(0, 0)).toBeNull();
    expect(winRate(3, 0)).toBe(100);
  });

  it('knows this month, quarter and year in local days', () => {
    const now = new Date(2026, 1, 14);
    expect(presetRange('month', now)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('quarter', now)).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(presetRange('quarter', new Date(2026, 10, 30))).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(presetRange('year', now)).toEqual({ from: '2026-01-01', to: '2026-12-31' });
  });

  it('has every text in both languages with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, zh] of Object.entries(pipelineZh)) {
      const en = pipelineEn[key as keyof typeof pipelineZh];
      expect(en, key).toBeTruthy();
      expect(placeholders(en), key).toEqual(placeholders(zh));
    }
  });
});
