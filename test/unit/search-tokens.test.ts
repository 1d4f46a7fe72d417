import { describe, expect, it } from 'vitest';
import { buildMatchQuery, buildSearchText, searchTokens } from '../../src-shared/search/tokenize.util';

describe('search tokens', () => {
  it('indexes every suffix of a Chinese run so any substring is a prefix of a token', () => {
    expect(searchTokens(['华为技术'])).toEqual(['华为技术', '为技术', '技术', '术']);
  });

  it('indexes digit suffixes of at least three digits', () => {
    expect(searchTokens(['13812345678'])).toContain('5678');
    expect(searchTokens(['13812345678'])).not.toContain('78');
  });

  it('keeps Latin words whole and lower-cased', () => {
    expect(searchTokens(['Zhang.Wei@Huawei.com'])).toEqual(['zhang', 'wei', 'huawei', 'com']);
  });

  it('deduplicates tokens in the stored text', () => {
    expect(buildSearchText(['公司', '公司']).split(' ')).toEqual(['公司', '司']);
  });

  it('quotes every query term so FTS5 operators are inert', () => {
    expect(buildMatchQuery('华为 AND "x')).toBe('"华为"* "and"* "x"*');
    expect(buildMatchQuery('!!')).toBeNull();
  });
});
