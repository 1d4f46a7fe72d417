/**
 * Calendar days in the user's time zone, from the offset the renderer reads with
 * Date#getTimezoneOffset (minutes, positive west of UTC: UTC+8 is -480). The core has no idea
 * where its user is, so "today" always comes from the renderer's offset; both sides use these so
 * a task sits in the same day on the page and in the core's sections.
 * One offset for the whole computation: on the day a DST change happens the boundary may be off by
 * the shift (China has no DST).
 */
export const DAY_MS = 86_400_000;

/** Index of the local calendar day that holds `ms` (days since 1970-01-01 local). */
export function localDayIndex(ms: number, tzOffsetMinutes: number): number {
  return Math.floor((ms - tzOffsetMinutes * 60_000) / DAY_MS);
}

/** The moment the local calendar day that holds `ms` began (epoch ms). */
export function localDayStart(ms: number, tzOffsetMinutes: number): number {
  return localDayIndex(ms, tzOffsetMinutes) * DAY_MS + tzOffsetMinutes * 60_000;
}
