import type { FieldDef } from '../../src-shared/entities/index';
import type { Locale } from '../../src-shared/i18n/index';
import type { Translator } from '../i18n/use-t';

/**
 * How stored values read on screen, shared by grid cells, detail pages and search: enum labels in
 * the current language, times in the user's locale, money from minor units (分).
 */
const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();
const dateFormats = new Map<Locale, Intl.DateTimeFormat>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();
const decimalFormats = new Map<string, Intl.NumberFormat>();

function cached<F>(map: Map<Locale, F>, locale: Locale, make: () => F): F {
  let format = map.get(locale);
  if (!format) {
    format = make();
    map.set(locale, format);
  }
  return format;
}

export function formatDateTime(ms: number, locale: Locale): string {
  return cached(dateTimeFormats, locale, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false })).format(ms);
}

/** A calendar day 'YYYY-MM-DD' carries no time zone: format it as UTC so it never shifts a day. */
export function formatDate(day: string, locale: Locale): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) return day;
  return cached(dateFormats, locale, () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' })).format(ms);
}

export function formatMoney(minor: number, currency: string, locale: Locale): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** A number with exactly `scale` digits after the point, grouped the locale's way (39.904211). */
export function formatDecimal(value: number, scale: number, locale: Locale): string {
  const key = `${locale}:${scale}`;
  let format = decimalFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits: scale, maximumFractionDigits: scale });
    decimalFormats.set(key, format);
  }
  return format.format(value);
}

/** "3 项" / "3 lines": what a grid cell says about a record's line items. */
export function formatLineCount(count: number, t: Translator): string {
  return count === 1 ? t('lines.count.one') : t('lines.count', { count });
}

export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Display text of one field's value. `record` supplies sibling fields (a money field's currency);
 * `refTitle` is the referenced record's name for ref fields and `refTitles` the names of a refs
 * field's records, looked up by the caller.
 */
export function formatFieldValue(
  def: FieldDef,
  value: unknown,
  t: Translator,
  options: { record?: Record<string, unknown>; refTitle?: string; refTitles?: readonly string[] } = {},
): string {
  if (def.kind === 'bool') return value ? t('common.yes') : t('common.no');
  if (isBlank(value)) return '';
  switch (def.kind) {
    case 'enum':
      return t.enumLabel(def.enumName, String(value));
    case 'datetime':
      return typeof value === 'number' ? formatDateTime(value, t.locale) : String(value);
    case 'date':
      return formatDate(String(value), t.locale);
    case 'money': {
      const currency = options.record?.[def.currencyField];
      return typeof value === 'number' ? formatMoney(value, typeof currency === 'string' ? currency : 'CNY', t.locale) : String(value);
    }
    case 'int':
      return typeof value === 'number' ? cached(numberFormats, t.locale, () => new Intl.NumberFormat(t.locale)).format(value) : String(value);
    case 'tags':
      return Array.isArray(value) ? value.join(t('common.listSeparator')) : String(value);
    case 'ref':
      return options.refTitle ?? '';
    case 'decimal':
      return typeof value === 'number' ? formatDecimal(value, def.scale, t.locale) : String(value);
    case 'refs':
      return (options.refTitles ?? []).join(t('common.listSeparator'));
    case 'lines':
      return Array.isArray(value) ? formatLineCount(value.length, t) : '';
    case 'text':
    case 'longtext':
    case 'email':
    case 'phone':
    case 'mobile':
    case 'url':
      return String(value);
    default: {
      const exhaustive: never = def;
      return String(exhaustive);
    }
  }
}

export { formatPhoneForReading } from '../../src-shared/phone.util';

const quantityFormats = new Map<string, Intl.NumberFormat>();

/** A line's quantity: up to three decimals, grouped the locale's way (1,250.5). */
export function formatQuantity(qty: number, locale: string): string {
  let format = quantityFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
    quantityFormats.set(locale, format);
  }
  return format.format(qty);
}
