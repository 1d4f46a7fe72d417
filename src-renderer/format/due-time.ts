import type { Locale } from '../../src-shared/i18n/index';
import { localDayIndex } from '../../src-shared/tasks/local-day';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const formats = new Map<Locale, Intl.RelativeTimeFormat>();

function relative(locale: Locale): Intl.RelativeTimeFormat {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    formats.set(locale, format);
  }
  return format;
}

/**
 * A due time relative to now, the way people plan: within the same day in minutes or hours
 * ("2小时后", "30 minutes ago"), otherwise in calendar days ("明天", "3天前", "in 7 days"), so
 * a task due tomorrow at 9 reads "tomorrow" at 23:00 tonight, not "in 10 hours".
 * `tzOffsetMinutes` is Date#getTimezoneOffset; passed in so the text does not depend on where the
 * code runs.
 */
export function formatDueRelative(dueAt: number, now: number, tzOffsetMinutes: number, locale: Locale): string {
  const format = relative(locale);
  const diff = dueAt - now;
  const days = localDayIndex(dueAt, tzOffsetMinutes) - localDayIndex(now, tzOffsetMinutes);
  if (days !== 0) return format.format(days, 'day');
  if (Math.abs(diff) < MINUTE) return format.format(0, 'second');
  if (Math.abs(diff) < HOUR) return format.format(Math.round(diff / MINUTE), 'minute');
  return format.format(Math.round(diff / HOUR), 'hour');
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** A calendar day as a heading: "3月8日周日" / "Sun, Mar 8", with the year when it is not this year. */
export function formatDayHeading(ms: number, now: number, locale: Locale): string {
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  const key = `${locale}|${sameYear}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...(sameYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric', weekday: 'short' });
    dayFormats.set(key, format);
  }
  return format.format(ms);
}

const timeFormats = new Map<Locale, Intl.DateTimeFormat>();

/** The time of day: "14:05". */
export function formatClock(ms: number, locale: Locale): string {
  let format = timeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
    timeFormats.set(locale, format);
  }
  return format.format(ms);
}
