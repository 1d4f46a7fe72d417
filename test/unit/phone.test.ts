import { describe, expect, it } from 'vitest';
import { isEmail, normalizeMobile, normalizePhone, normalizeUrl } from '../../src-shared/phone.util';

describe('phone normalisation', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['0086 13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
  ])('keeps mobile %s as 11 digits', (input, out) => {
    expect(normalizePhone(input)).toBe(out);
    expect(normalizeMobile(input)).toBe(out);
  });

  it.each([
    ['010 6234 5678', '010-62345678'],
    ['(010)62345678', '010-62345678'],
    ['0571-88881234', '0571-88881234'],
    ['057188881234', '0571-88881234'],
    ['+86 571 8888 1234', '0571-88881234'],
    ['021-5888 8888', '021-58888888'],
    ['0755 2878 0808', '0755-28780808'],
  ])('formats landline %s as area-number', (input, out) => {
    expect(normalizePhone(input)).toBe(out);
  });

  it.each(['12345', '2345678901', '1381234567', 'abc', '0571-123', '12812345678'])('rejects %s', (input) => {
    expect(normalizePhone(input)).toBeNull();
  });

  it('does not accept a landline as a mobile', () => {
    expect(normalizeMobile('0571-88881234')).toBeNull();
  });
});

describe('e-mail and web addresses', () => {
  it('checks e-mail shape', () => {
    expect(isEmail('zhang.wei@huawei.com')).toBe(true);
    expect(isEmail('zhang wei@huawei.com')).toBe(false);
    expect(isEmail('zhang@huawei')).toBe(false);
  });
  it('adds a scheme to bare domains', () => {
    expect(normalizeUrl('www.huawei.com')).toBe('https://www.huawei.com');
    expect(normalizeUrl('http://a.cn/x')).toBe('http://a.cn/x');
    expect(normalizeUrl('not a url')).toBeNull();
  });
});
