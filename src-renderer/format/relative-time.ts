import type { Locale } from '../../src-shared/i18n/index';
import type { Translator } from '../i18n/use-t';
import { formatDateTime } from './field-format';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const relativeFormats = new Map<Locale, Intl.RelativeTimeFormat>();

function relative(locale: Locale): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    relativeFormats.set(locale, format);
  }
  return format;
}

/**
 * A past moment as people say it ("刚刚", "3分钟前", "2 hours ago"). Beyond most of a day the
 * date and time say more than "yesterday" would. A moment slightly in the future (another
 * machine's clock) still reads "just now" rather than "in 5 seconds".
 */
export function formatTimeAgo(ms: number, now: number, t: Translator): string {
  const diff = now - ms;
  if (diff < 45_000) return t('sync.justNow');
  if (diff < 45 * MINUTE) return relative(t.locale).format(-Math.max(1, Math.round(diff / MINUTE)), 'minute');
  if (diff < 22 * HOUR) return relative(t.locale).format(-Math.max(1, Math.round(diff / HOUR)), 'hour');
  return formatDateTime(ms, t.locale);
}

/** A coming moment ("30秒钟后", "in 2 minutes"), rounded up so a countdown never reads 0 too early. */
export function formatTimeUntil(ms: number, now: number, locale: Locale): string {
  const diff = ms - now;
  const format = relative(locale);
  if (diff < 1000) return format.format(0, 'second');
  if (diff < MINUTE) return format.format(Math.ceil(diff / 1000), 'second');
  if (diff < HOUR) return format.format(Math.ceil(diff / MINUTE), 'minute');
  return format.format(Math.ceil(diff / HOUR), 'hour');
}
