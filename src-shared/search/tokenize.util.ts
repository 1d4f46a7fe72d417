/**
 * Search tokens for SQLite FTS5 (unicode61 tokenizer). unicode61 keeps a run of Chinese characters
 * as one token and a phone number as one token, so neither "华为" inside "华为技术有限公司" nor the last
 * four digits of a mobile would match. We pre-tokenise instead:
 * - Chinese runs become overlapping bigrams plus the run's last character
 *     华为技术 → 华为 为技 技术 术
 *   A two-character query is one exact term; a longer one is a phrase of its bigrams ("技术有限" →
 *   "技术 术有 有限", adjacent); a single character is a prefix query. This keeps the index linear in
 *   the text (suffix expansion made it quadratic) and every query a handful of exact terms.
 * - Digit runs become their suffixes of at least three digits (13812345678 → … 5678 678), so a
 *   prefix query on a suffix is a substring match: the last four digits find the number.
 * - Latin words (names, e-mail parts) are indexed whole and matched by prefix.
 */
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const SEGMENT = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[\p{L}\p{N}]+/gu;

/** Digit suffixes shorter than this match too much to be useful. */
const MIN_DIGIT_SUFFIX = 3;
/** Longest digit run expanded into suffixes (phone numbers, codes); longer runs are kept whole. */
const MAX_DIGIT_RUN = 20;

function segments(text: string): string[] {
  return text.toLowerCase().match(SEGMENT) ?? [];
}

function bigrams(chars: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function digitSuffixes(run: string): string[] {
  if (run.length < MIN_DIGIT_SUFFIX || run.length > MAX_DIGIT_RUN) return [run];
  const out: string[] = [];
  for (let i = 0; i <= run.length - MIN_DIGIT_SUFFIX; i++) out.push(run.slice(i));
  return out;
}

/** Tokens in document order (phrase queries rely on adjacent positions, so no de-duplication). */
export function searchTokens(values: readonly (string | null | undefined)[]): string[] {
  const tokens: string[] = [];
  for (const value of values) {
    if (!value) continue;
    for (const seg of segments(value)) {
      if (CJK.test(seg)) {
        const chars = Array.from(seg);
        tokens.push(...bigrams(chars), chars[chars.length - 1]!);
      } else if (/^\d+$/.test(seg)) tokens.push(...digitSuffixes(seg));
      else tokens.push(seg);
    }
  }
  return tokens;
}

/** The text stored in an FTS5 column for a record. */
export function buildSearchText(values: readonly (string | null | undefined)[]): string {
  return searchTokens(values).join(' ');
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * An FTS5 MATCH expression for what the user typed: every segment must match (as a substring for
 * Chinese and digits, as a prefix for words). Each term is quoted, so FTS5 syntax in the input is
 * inert. Returns null when the input has nothing searchable.
 */
export function buildMatchQuery(input: string): string | null {
  const terms = segments(input.slice(0, 200)).map((seg) => {
    if (CJK.test(seg)) {
      const chars = Array.from(seg).slice(0, 32);
      if (chars.length === 1) return `${quote(chars[0]!)}*`;
      return quote(bigrams(chars).join(' '));
    }
    return `${quote(seg)}*`;
  });
  return terms.length > 0 ? terms.slice(0, 8).join(' ') : null;
}
