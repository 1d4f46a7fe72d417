/**
 * Search tokens for SQLite FTS5 (unicode61 tokenizer). unicode61 keeps a run of Chinese characters
 * as one token and a phone number as one token, so neither "华为" inside "华为技术有限公司" nor the last
 * four digits of a mobile would match. We index every suffix of each Chinese run and of each digit
 * run instead; a prefix query on a suffix is then a substring match:
 *   华为技术有限公司 → 华为技术有限公司 为技术有限公司 技术有限公司 … 公司 司
 *   13812345678 → 13812345678 3812345678 … 678
 * Latin words (names, e-mail parts) are indexed as they are and matched by prefix.
 */
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const SEGMENT = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[\p{L}\p{N}]+/gu;

/** Longest Chinese run whose suffixes are indexed; longer text is cut (addresses, notes). */
const MAX_CJK_RUN = 24;
/** Digit suffixes shorter than this match too much to be useful. */
const MIN_DIGIT_SUFFIX = 3;

function suffixes(run: string, min: number): string[] {
  const chars = Array.from(run);
  const out: string[] = [];
  for (let i = 0; i <= chars.length - min; i++) out.push(chars.slice(i).join(''));
  return out;
}

function segments(text: string): string[] {
  return text.toLowerCase().match(SEGMENT) ?? [];
}

export function searchTokens(values: readonly (string | null | undefined)[]): string[] {
  const tokens: string[] = [];
  for (const value of values) {
    if (!value) continue;
    for (const seg of segments(value)) {
      if (CJK.test(seg)) tokens.push(...suffixes(Array.from(seg).slice(0, MAX_CJK_RUN).join(''), 1));
      else if (/^\d+$/.test(seg)) tokens.push(...(seg.length >= MIN_DIGIT_SUFFIX ? suffixes(seg, MIN_DIGIT_SUFFIX) : [seg]));
      else tokens.push(seg);
    }
  }
  return tokens;
}

/** The text stored in the FTS5 column for a record. */
export function buildSearchText(values: readonly (string | null | undefined)[]): string {
  return Array.from(new Set(searchTokens(values))).join(' ');
}

/**
 * An FTS5 MATCH expression for what the user typed: every segment must match as a prefix (so as a
 * substring for Chinese and digits). Each term is quoted, so FTS5 syntax in the input is inert.
 * Returns null when the input has nothing searchable.
 */
export function buildMatchQuery(input: string): string | null {
  const terms = segments(input.slice(0, 200)).map((seg) => {
    const cut = CJK.test(seg) ? Array.from(seg).slice(0, MAX_CJK_RUN).join('') : seg;
    return `"${cut.replace(/"/g, '""')}"*`;
  });
  return terms.length > 0 ? terms.slice(0, 8).join(' ') : null;
}
