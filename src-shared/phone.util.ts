/**
 * Chinese phone numbers as users type them: "+86 138-1234-5678", "0571 8888 1234", "(010)62345678".
 * Stored normalised: mobiles as 11 digits, landlines as "area-number" (区号-号码).
 */
const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^(0\d{2,3})(\d{7,8})$/;

export function digitsOnly(input: string): string {
  return input.replace(/\D+/g, '');
}

function stripCountryCode(digits: string, raw: string): string {
  if (raw.trim().startsWith('+86') || raw.trim().startsWith('0086')) {
    return digits.replace(/^(0086|86)/, '');
  }
  if (digits.length === 13 && digits.startsWith('86') && MOBILE.test(digits.slice(2))) return digits.slice(2);
  return digits;
}

export function normalizeMobile(raw: string): string | null {
  const digits = stripCountryCode(digitsOnly(raw), raw);
  return MOBILE.test(digits) ? digits : null;
}

/** A phone field accepts a mobile or a landline with its area code; returns null when it is neither. */
export function normalizePhone(raw: string): string | null {
  const mobile = normalizeMobile(raw);
  if (mobile) return mobile;
  let digits = stripCountryCode(digitsOnly(raw), raw);
  // "+86 571 8888 1234" drops the trunk 0 of the area code.
  if (raw.trim().startsWith('+') && !digits.startsWith('0')) digits = `0${digits}`;
  const m = LANDLINE.exec(digits);
  if (!m) return null;
  const area = m[1] ?? '';
  const local = m[2] ?? '';
  // Three-digit area codes are 010 and 02x; every other area code has four digits.
  const threeDigitArea = /^0(10|2\d)$/.test(digits.slice(0, 3));
  if (threeDigitArea !== (area.length === 3)) {
    const fixedArea = threeDigitArea ? digits.slice(0, 3) : digits.slice(0, 4);
    const fixedLocal = digits.slice(fixedArea.length);
    return /^\d{7,8}$/.test(fixedLocal) ? `${fixedArea}-${fixedLocal}` : null;
  }
  return `${area}-${local}`;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;
export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

export function normalizeUrl(raw: string): string | null {
  const value = raw.trim();
  const withScheme = /^https?:\/\//i.test(value) ? value : `https://${value}`;
  return /^https?:\/\/[^\s/.]+(\.[^\s/.]+)+(\/\S*)?$/i.test(withScheme) ? withScheme : null;
}

/** A stored mobile as people read it aloud (138 1234 5678); landlines are already "area-number". */
export function formatPhoneForReading(value: string): string {
  return /^1\d{10}$/.test(value) ? `${value.slice(0, 3)} ${value.slice(3, 7)} ${value.slice(7)}` : value;
}
