/**
 * An amount in Chinese capital numerals (大写金额), as written on quotes, contracts and cheques so
 * that a figure cannot be altered by adding a stroke: ¥12,345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分.
 *
 * The rules followed are those of the 支付结算办法 (People's Bank of China) as invoicing software
 * applies them:
 * - 壹 is always written before 拾 (¥10 → 壹拾元整, never 拾元);
 * - a run of zeros inside the yuan figure is one 零 (¥10,005 → 壹万零伍元整), zeros at the end of a
 *   section are not written (¥150,000 → 壹拾伍万元整);
 * - 整 follows an amount with no 分 (¥5 → 伍元整, ¥5.50 → 伍元伍角整);
 * - with 分 but no 角, 零 stands after 元 (¥16,409.02 → 壹万陆仟肆佰零玖元零贰分);
 * - an amount under one yuan starts with its 角 or 分 (¥0.05 → 伍分), and nothing at all is 零元整.
 */

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
/** Place within a four-digit section: ones, tens, hundreds, thousands. */
const PLACES = ['', '拾', '佰', '仟'] as const;
/** Sections of four digits: ones, 万 (10⁴), 亿 (10⁸), 万亿 (10¹²). */
const SECTIONS = ['', '万', '亿', '万'] as const;

/** Largest amount written, in minor units: 9,999 万亿 yuan minus one 分 (16 digits of yuan). */
export const MAX_CAPITAL_AMOUNT = 10n ** 18n - 1n;

function digit(n: bigint): string {
  return DIGITS[Number(n)] ?? '';
}

/** The yuan figure (no unit): 10005n → 壹万零伍. Zero gives ''. */
function yuanWords(yuan: bigint): string {
  const figures = yuan.toString();
  if (yuan === 0n) return '';
  let out = '';
  let zeroPending = false;
  // A section's unit is written when the section has a non-zero digit; 亿 also when the 万亿
  // section above it has one (¥1 万亿 is 壹万亿元, the 亿 section itself being all zeros).
  let sectionHasDigit = false;
  let highSectionHasDigit = false;
  for (let i = 0; i < figures.length; i += 1) {
    const position = figures.length - 1 - i;
    const place = position % 4;
    const section = Math.floor(position / 4);
    const d = BigInt(figures.charCodeAt(i) - 48);
    if (d === 0n) {
      if (out !== '') zeroPending = true;
    } else {
      if (zeroPending) out += '零';
      zeroPending = false;
      out += digit(d) + PLACES[place];
      sectionHasDigit = true;
    }
    if (place === 0) {
      if (sectionHasDigit || (section === 2 && highSectionHasDigit)) out += SECTIONS[section];
      if (section === 3) highSectionHasDigit = sectionHasDigit;
      sectionHasDigit = false;
    }
  }
  return out;
}

/**
 * `minor` is the amount in 分 (integer, zero or more). Throws RangeError for a negative, fractional
 * or too large amount: a document never states a negative total in words, so asking for one is a bug.
 */
export function amountInChineseCapitals(minor: number | bigint): string {
  if (typeof minor === 'number' && !Number.isSafeInteger(minor)) throw new RangeError(`amount in minor units must be a safe integer: ${minor}`);
  const fen = BigInt(minor);
  if (fen < 0n) throw new RangeError(`a negative amount has no capital-numeral form: ${fen}`);
  if (fen > MAX_CAPITAL_AMOUNT) throw new RangeError(`amount too large for capital numerals: ${fen}`);

  const yuan = fen / 100n;
  const jiao = (fen / 10n) % 10n;
  const cents = fen % 10n;
  if (fen === 0n) return '零元整';

  let out = yuan > 0n ? `${yuanWords(yuan)}元` : '';
  if (jiao > 0n) out += `${digit(jiao)}角`;
  else if (cents > 0n && yuan > 0n) out += '零';
  out += cents > 0n ? `${digit(cents)}分` : '整';
  return out;
}
