import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LineItem } from '../../src-shared/sales/lines.util';
import {
  addressLine,
  discountPercent,
  formatMinorUnits,
  isLetterheadEmpty,
  moneyText,
  parseLetterhead,
  printTable,
  productIdsOf,
  quotePdfFileName,
  safeFileName,
} from '../../src-shared/sales/quote-print.util';

const line = (over: Partial<LineItem>): LineItem => ({ productId: null, name: '安装调试服务', code: null, unit: null, qty: 1, unitPrice: 0, discountBp: 0, ...over });

describe('the printed quote table', () => {
  it('numbers the rows, takes specs from the products and computes amounts and totals in minor units', () => {
    const lines = [
      line({ productId: 'p1', name: '工业控制器', code: 'PLC-X200', unit: '台', qty: 2, unitPrice: 500_000, discountBp: 1_000 }),
      line({ productId: 'p2', name: '伺服电机', code: 'SV-750W', unit: '台', qty: 3, unitPrice: 114_855 }),
      line({ name: '现场培训', qty: 1.5, unitPrice: 80_000 }),
    ];
    const specs = new Map([['p1', '24 路 I/O，以太网']]);
    const { rows, totals } = printTable(lines, (id) => specs.get(id));
    expect(rows.map((r) => [r.no, r.code, r.name, r.spec, r.unit, r.gross, r.amount])).toEqual([
      [1, 'PLC-X200', '工业控制器', '24 路 I/O，以太网', '台', 1_000_000, 900_000],
      [2, 'SV-750W', '伺服电机', '', '台', 344_565, 344_565],
      [3, '', '现场培训', '', '', 120_000, 120_000],
    ]);
    expect(totals).toEqual({ subtotal: 1_464_565, discountTotal: 100_000, total: 1_364_565 });
  });

  it('keeps subtotal − discount = total = the sum of the printed amounts, for any lines', () => {
    const arbLine = fc.record({
      qty: fc.integer({ min: 1, max: 10_000_000 }).map((n) => n / 1000),
      unitPrice: fc.integer({ min: 0, max: 100_000_000 }),
      discountBp: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(fc.array(arbLine, { maxLength: 80 }), (raw) => {
        const { rows, totals } = printTable(raw.map((r) => line(r)), () => undefined);
        expect(rows.map((r) => r.no)).toEqual(raw.map((_, i) => i + 1));
        expect(totals.subtotal - totals.discountTotal).toBe(totals.total);
        expect(rows.reduce((sum, r) => sum + r.amount, 0)).toBe(totals.total);
        expect(rows.reduce((sum, r) => sum + r.gross, 0)).toBe(totals.subtotal);
      }),
    );
  });

  it('looks each product up once, free lines not at all', () => {
    expect(productIdsOf([line({ productId: 'a' }), line({}), line({ productId: 'b' }), line({ productId: 'a' })])).toEqual(['a', 'b']);
  });
});

describe('money and discounts as printed', () => {
  it('formats minor units exactly, grouped by thousands', () => {
    expect(formatMinorUnits(0)).toBe('0.00');
    expect(formatMinorUnits(5)).toBe('0.05');
    expect(formatMinorUnits(1_244_565)).toBe('12,445.65');
    expect(formatMinorUnits(100_000_000)).toBe('1,000,000.00');
    expect(formatMinorUnits(-12_345)).toBe('-123.45');
    // Past 2^53 a float would lose the last 分; BigInt does not.
    expect(formatMinorUnits(123_456_789_012_345_678n)).toBe('1,234,567,890,123,456.78');
  });

  it('puts the currency symbol of the locale before the figure', () => {
    expect(moneyText(1_244_565, 'CNY', 'zh-CN')).toBe('¥12,445.65');
    expect(moneyText(1_244_565, 'USD', 'en')).toBe('$12,445.65');
    expect(moneyText(-100, 'EUR', 'en')).toBe('-€1.00');
    expect(moneyText(100, 'XXX-not-a-code', 'en')).toBe('XXX-not-a-code 1.00');
  });

  it('writes discounts as the percentage off without trailing zeros', () => {
    expect(discountPercent(1_000)).toBe('10');
    expect(discountPercent(1_250)).toBe('12.5');
    expect(discountPercent(5)).toBe('0.05');
    expect(discountPercent(10_000)).toBe('100');
  });
});

describe('the letterhead setting', () => {
  it('reads what was saved, trimmed and cut to the field lengths', () => {
    expect(parseLetterhead({ name: ' 杭州云启科技有限公司 ', address: '杭州市西湖区文三路 90 号', phone: '0571-88886666' })).toEqual({
      name: '杭州云启科技有限公司',
      address: '杭州市西湖区文三路 90 号',
      phone: '0571-88886666',
    });
    expect(parseLetterhead({ name: 'x'.repeat(500) }).name).toHaveLength(100);
  });

  it('treats a missing or malformed setting as empty', () => {
    for (const value of [null, undefined, 'text', 42, [], { name: 7, phone: null }]) {
      const letterhead = parseLetterhead(value);
      expect(letterhead).toEqual({ name: '', address: '', phone: '' });
      expect(isLetterheadEmpty(letterhead)).toBe(true);
    }
    expect(isLetterheadEmpty(parseLetterhead({ phone: '010-1234' }))).toBe(false);
  });
});

describe('addresses and file names', () => {
  it('joins an address in Chinese order, writing a municipality once', () => {
    expect(addressLine(['上海市', '上海市', '浦东新区', '张江路 88 号'])).toBe('上海市浦东新区张江路 88 号');
    expect(addressLine(['广东省', '深圳市', null, ' 南山区科技园 '])).toBe('广东省深圳市南山区科技园');
    expect(addressLine([null, undefined, ''])).toBe('');
  });

  it('names the PDF after the document and the quote number', () => {
    expect(quotePdfFileName('报价单', 'Q-000123')).toBe('报价单-Q-000123.pdf');
    expect(quotePdfFileName('Quotation', 'Q-T1A2B3C')).toBe('Quotation-Q-T1A2B3C.pdf');
    expect(quotePdfFileName('报价单', null)).toBe('报价单.pdf');
  });

  it('makes any name safe for every file system', () => {
    expect(safeFileName('a/b\\c:d*e?f"g<h>i|j', 'x')).toBe('a_b_c_d_e_f_g_h_i_j');
    expect(safeFileName('..\u0000hidden. ', 'x')).toBe('_hidden');
    expect(safeFileName(' . ', 'fallback')).toBe('fallback');
    expect(safeFileName('长'.repeat(300), 'x')).toHaveLength(120);
  });
});
