import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountInChineseCapitals, MAX_CAPITAL_AMOUNT } from '../../src-shared/sales/amount-words.util';

/** Yuan as minor units, so the cases read as amounts. */
const yuan = (n: number | bigint) => BigInt(n) * 100n;

describe('amounts in Chinese capital numerals (大写金额)', () => {
  it('writes the example amount with 角 and 分', () => {
    expect(amountInChineseCapitals(1_234_567)).toBe('壹万贰仟叁佰肆拾伍元陆角柒分');
  });

  it('writes zero as 零元整', () => {
    expect(amountInChineseCapitals(0)).toBe('零元整');
    expect(amountInChineseCapitals(0n)).toBe('零元整');
  });

  it('ends an exact yuan amount with 整, and always writes 壹 before 拾', () => {
    expect(amountInChineseCapitals(yuan(1))).toBe('壹元整');
    expect(amountInChineseCapitals(yuan(10))).toBe('壹拾元整');
    expect(amountInChineseCapitals(yuan(15))).toBe('壹拾伍元整');
    expect(amountInChineseCapitals(yuan(100))).toBe('壹佰元整');
    expect(amountInChineseCapitals(yuan(12_345))).toBe('壹万贰仟叁佰肆拾伍元整');
  });

  it('writes amounts under one yuan from their 角 or 分', () => {
    expect(amountInChineseCapitals(50)).toBe('伍角整');
    expect(amountInChineseCapitals(5)).toBe('伍分');
    expect(amountInChineseCapitals(56)).toBe('伍角陆分');
  });

  it('puts 整 after 角 when there are no 分, and 零 after 元 when there are 分 but no 角', () => {
    expect(amountInChineseCapitals(yuan(5) + 50n)).toBe('伍元伍角整');
    expect(amountInChineseCapitals(yuan(16_409) + 2n)).toBe('壹万陆仟肆佰零玖元零贰分');
    expect(amountInChineseCapitals(yuan(1_680) + 32n)).toBe('壹仟陆佰捌拾元叁角贰分');
  });

  it('writes one 零 for a run of zeros inside the yuan figure, none for zeros ending a section', () => {
    expect(amountInChineseCapitals(yuan(10_005))).toBe('壹万零伍元整');
    expect(amountInChineseCapitals(yuan(1_020))).toBe('壹仟零贰拾元整');
    expect(amountInChineseCapitals(yuan(1_001))).toBe('壹仟零壹元整');
    expect(amountInChineseCapitals(yuan(105))).toBe('壹佰零伍元整');
    expect(amountInChineseCapitals(yuan(150_000))).toBe('壹拾伍万元整');
    expect(amountInChineseCapitals(yuan(1_001_000))).toBe('壹佰万零壹仟元整');
    expect(amountInChineseCapitals(yuan(1_010_101))).toBe('壹佰零壹万零壹佰零壹元整');
  });

  it('crosses the 万 and 亿 boundaries', () => {
    expect(amountInChineseCapitals(yuan(9_999))).toBe('玖仟玖佰玖拾玖元整');
    expect(amountInChineseCapitals(yuan(10_000))).toBe('壹万元整');
    expect(amountInChineseCapitals(yuan(99_999_999))).toBe('玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整');
    expect(amountInChineseCapitals(yuan(100_000_000))).toBe('壹亿元整');
    expect(amountInChineseCapitals(yuan(100_000_001))).toBe('壹亿零壹元整');
    expect(amountInChineseCapitals(yuan(100_010_000))).toBe('壹亿零壹万元整');
    expect(amountInChineseCapitals(yuan(110_000_000))).toBe('壹亿壹仟万元整');
    expect(amountInChineseCapitals(yuan(1_000_000_000))).toBe('壹拾亿元整');
    expect(amountInChineseCapitals(yuan(123_456_789) + 12n)).toBe('壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分');
  });

  it('writes 万亿 with its 亿 even when the 亿 section is all zeros', () => {
    expect(amountInChineseCapitals(yuan(1_000_000_000_000n))).toBe('壹万亿元整');
    expect(amountInChineseCapitals(yuan(1_000_000_000_005n))).toBe('壹万亿零伍元整');
    expect(amountInChineseCapitals(yuan(1_000_500_000_000n))).toBe('壹万零伍亿元整');
    expect(amountInChineseCapitals(MAX_CAPITAL_AMOUNT)).toBe('玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分');
  });

  it('refuses negative, fractional and too large amounts', () => {
    expect(() => amountInChineseCapitals(-1)).toThrow(RangeError);
    expect(() => amountInChineseCapitals(-100n)).toThrow(RangeError);
    expect(() => amountInChineseCapitals(12.5)).toThrow(RangeError);
    expect(() => amountInChineseCapitals(Number.NaN)).toThrow(RangeError);
    expect(() => amountInChineseCapitals(MAX_CAPITAL_AMOUNT + 1n)).toThrow(RangeError);
  });

  it('never writes two 零 in a row, nor starts or ends the yuan figure with 零, for any amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_CAPITAL_AMOUNT }), (minor) => {
        const words = amountInChineseCapitals(minor);
        expect(words).not.toMatch(/零零/);
        expect(words).not.toMatch(/^零/);
        expect(words).not.toMatch(/零元/);
        expect(words).toMatch(/(整|分)$/);
        // Every non-zero digit of the figure is written once.
        const nonZeroDigits = minor.toString().replace(/0/g, '').length;
        expect(words.replace(/[^壹贰叁肆伍陆柒捌玖]/g, '').length).toBe(nonZeroDigits);
      }),
    );
  });
});
