import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LineItem } from '../../src-shared/entities/field';
import { validateValues } from '../../src-shared/entities/record.schema';
import { derivedValues, recordIssues, transitionIssue } from '../../src-shared/entities/rules';
import { lineAmount, lineGross, linesTotals } from '../../src-shared/sales/lines.util';

const line = (qty: number, unitPrice: number, discountBp = 0): LineItem => ({ productId: null, name: 'x', code: null, unit: null, qty, unitPrice, discountBp });

describe('line amounts in minor units', () => {
  it('multiplies, discounts and rounds half away from zero once per line', () => {
    expect(lineAmount(line(2, 12_345))).toBe(24_690);
    // 3 × ¥99.99 with 15% off = 254.9745 → ¥254.97
    expect(lineAmount(line(3, 9_999, 1_500))).toBe(25_497);
    // 0.5 kg × ¥0.01 = 0.5 分 → 1 分
    expect(lineAmount(line(0.5, 1))).toBe(1);
    expect(lineGross(line(1.234, 100_000))).toBe(123_400);
    expect(lineAmount(line(1, 100, 10_000))).toBe(0);
  });

  it('stays exact where floating point would not (large quantities and prices)', () => {
    // 123,456.789 units × ¥9,876,543.21: 1.2193e15 分, exact (a float product is off by several 分).
    expect(lineAmount(line(123_456.789, 987_654_321))).toBe(Number((123_456_789n * 987_654_321n + 500n) / 1000n));
    expect(lineAmount(line(0.001, 99_999_999_999, 1))).toBe(Number((1n * 99_999_999_999n * 9_999n + 5_000_000n) / 10_000_000n));
  });

  it('totals: subtotal − discount = total, discount never negative, for any lines', () => {
    const arbLine = fc.record({
      qty: fc.integer({ min: 1, max: 10_000_000 }).map((t) => t / 1000),
      unitPrice: fc.integer({ min: 0, max: 100_000_000 }),
      discountBp: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 30 }), (raw) => {
        const lines = raw.map((r) => line(r.qty, r.unitPrice, r.discountBp));
        const t = linesTotals(lines);
        expect(t.subtotal - t.discountTotal).toBe(t.total);
        expect(t.discountTotal).toBeGreaterThanOrEqual(0);
        expect(t.total).toBe(lines.reduce((s, l) => s + lineAmount(l), 0));
      }),
      { numRuns: 300 },
    );
  });
});

describe('record rules', () => {
  it('derives quote totals and order amounts from lines; an opportunity only when it has lines', () => {
    const lines = [line(2, 10_000, 1_000), line(1, 5_000)];
    expect(derivedValues('quote', { lines })).toEqual({ subtotal: 25_000, discountTotal: 2_000, total: 23_000 });
    expect(derivedValues('order', { lines })).toEqual({ amount: 23_000 });
    expect(derivedValues('opportunity', { lines: [], amount: 777 })).toEqual({});
    expect(derivedValues('opportunity', { lines })).toEqual({ amount: 23_000 });
  });

  it('allows only the order steps 待审核 → 已审核 → 已发货 → 已完成, or cancelling before shipping', () => {
    const ok = (from: string | null, to: string) => transitionIssue('order', from === null ? null : { status: from }, { status: to }) === null;
    expect(ok(null, 'pending_review')).toBe(true);
    expect(ok(null, 'approved')).toBe(false);
    expect(ok('pending_review', 'approved')).toBe(true);
    expect(ok('approved', 'shipped')).toBe(true);
    expect(ok('shipped', 'completed')).toBe(true);
    expect(ok('pending_review', 'shipped')).toBe(false);
    expect(ok('shipped', 'cancelled')).toBe(false);
    expect(ok('approved', 'cancelled')).toBe(true);
    expect(ok('completed', 'pending_review')).toBe(false);
    expect(ok('cancelled', 'approved')).toBe(false);
    expect(transitionIssue('order', { status: 'shipped' }, { status: 'pending_review' })).toEqual({ field: 'status', key: 'validation.transition', params: { from: 'shipped', to: 'pending_review' } });
  });

  it('needs a reason for a lost deal or lead, and an account or lead for an activity', () => {
    expect(recordIssues('opportunity', null, { status: 'lost', lostReason: '  ' })).toEqual([{ field: 'lostReason', key: 'validation.lostReason' }]);
    expect(recordIssues('opportunity', null, { status: 'lost', lostReason: '价格高于竞品' })).toEqual([]);
    expect(recordIssues('lead', null, { status: 'lost', lostReason: null })).toHaveLength(1);
    expect(recordIssues('activity', null, { accountId: null, leadId: null })).toEqual([{ field: 'accountId', key: 'validation.activityParent' }]);
    expect(recordIssues('activity', null, { accountId: 'a1', leadId: null })).toEqual([]);
  });

  it('validates lines, several refs and decimals as stored values', () => {
    const good = validateValues('quote', { title: '报价', accountId: 'a1', lines: [{ name: '服务器', qty: 2, unitPrice: 100, discountBp: 500 }] }, 'create');
    expect(good.issues).toEqual([]);
    expect(good.values.lines).toEqual([{ productId: null, name: '服务器', code: null, unit: null, qty: 2, unitPrice: 100, discountBp: 500 }]);
    for (const bad of [{ name: '', qty: 1, unitPrice: 1 }, { name: 'a', qty: 0, unitPrice: 1 }, { name: 'a', qty: 1.0001, unitPrice: 1 }, { name: 'a', qty: 1, unitPrice: 1.5 }, { name: 'a', qty: 1, unitPrice: 1, discountBp: 10_001 }]) {
      expect(validateValues('quote', { title: 'q', accountId: 'a1', lines: [bad] }, 'create').issues, JSON.stringify(bad)).toEqual([{ field: 'lines', key: 'validation.lines' }]);
    }
    expect(validateValues('opportunity', { competitorIds: ['c1', 'c1', 'c2'] }, 'update').values.competitorIds).toEqual(['c1', 'c2']);
    expect(validateValues('activity', { latitude: '30.2741234567' }, 'update').values.latitude).toBe(30.274123);
    expect(validateValues('activity', { latitude: 91 }, 'update').issues).toEqual([{ field: 'latitude', key: 'validation.range', params: { max: 90 } }]);
  });
});
