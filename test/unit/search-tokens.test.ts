import { describe, expect, it } from 'vitest';
import { buildMatchQuery, buildSearchText, searchTokens } from '../../src-shared/search/tokenize.util';

describe('search tokens', () => {
  it('indexes a Chinese run as overlapping bigrams plus its last character', () => {
    expect(searchTokens(['华为技术'])).toEqual(['华为', '为技', '技术', '术']);
    expect(searchTokens(['王'])).toEqual(['王']);
  });

  it('indexes digit suffixes of at least three digits', () => {
    expect(searchTokens(['13812345678'])).toContain('5678');
    expect(searchTokens(['13812345678'])).not.toContain('78');
  });

  it('keeps Latin words whole and lower-cased', () => {
    expect(searchTokens(['Zhang.Wei@Huawei.com'])).toEqual(['zhang', 'wei', 'huawei', 'com']);
  });

  it('keeps document order so phrase queries see adjacent bigrams', () => {
    expect(buildSearchText(['有限公司', '公司'])).toBe('有限 限公 公司 司 公司 司');
  });

  it('turns a Chinese query into an exact bigram, a bigram phrase or a one-character prefix', () => {
    expect(buildMatchQuery('华为')).toBe('"华为"');
    expect(buildMatchQuery('技术有限')).toBe('"技术 术有 有限"');
    expect(buildMatchQuery('王')).toBe('"王"*');
  });

  it('quotes every query term so FTS5 operators are inert', () => {
    expect(buildMatchQuery('华为 AND "x')).toBe('"华为" "and"* "x"*');
    expect(buildMatchQuery('!!')).toBeNull();
  });
});
