import type { RecordData } from '../../src-shared/api/client-api.contract';
import { localDayIndex } from '../../src-shared/tasks/local-day';

/** The records that have a timeline, and the activity field that points at each. */
export type TimelineParent = 'account' | 'contact' | 'lead' | 'opportunity';

export const timelineField: Record<TimelineParent, 'accountId' | 'contactId' | 'leadId' | 'opportunityId'> = {
  account: 'accountId',
  contact: 'contactId',
  lead: 'leadId',
  opportunity: 'opportunityId',
};

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * What an activity logged on a record's page starts with: the record, and the account it belongs
 * to (a contact's, a deal's, a converted lead's) so the account's timeline and follow-up dates see
 * it too; a deal's contact as well. The time is now.
 */
export function activityDefaults(parentEntity: TimelineParent, parent: RecordData, now: number): Record<string, unknown> {
  const defaults: Record<string, unknown> = { [timelineField[parentEntity]]: parent.id, occurredAt: now };
  const account = text(parent.accountId);
  if (parentEntity !== 'account' && account) defaults.accountId = account;
  if (parentEntity === 'opportunity' && text(parent.contactId)) defaults.contactId = parent.contactId;
  return defaults;
}

export interface DayGroup {
  /** Local calendar day index (see local-day.ts). */
  day: number;
  /** The first activity's time, to name the day by. */
  at: number;
  rows: RecordData[];
}

/** Activities (already newest first) in runs of one local calendar day each. */
export function groupByDay(rows: readonly RecordData[], tzOffsetMinutes: (ms: number) => number): DayGroup[] {
  const groups: DayGroup[] = [];
  for (const row of rows) {
    const at = typeof row.occurredAt === 'number' ? row.occurredAt : 0;
    const day = localDayIndex(at, tzOffsetMinutes(at));
    const last = groups[groups.length - 1];
    if (last && last.day === day) last.rows.push(row);
    else groups.push({ day, at, rows: [row] });
  }
  return groups;
}

/** A coordinate as the form takes it: six decimals (about 0.1 m), the activity field's scale. */
export function coordinateText(value: number): string {
  return value.toFixed(6);
}

export interface Coordinates {
  latitude: number;
  longitude: number;
}

/**
 * The device's position, or a rejection when there is no geolocation, the user refuses, or no fix
 * comes in time. The API's own timeout only starts once permission is granted, so a prompt left
 * unanswered is cut off here too.
 */
export function currentPosition(geolocation: Geolocation | undefined, timeoutMs: number, graceMs = 2000): Promise<Coordinates> {
  return new Promise((resolve, reject) => {
    if (!geolocation) {
      reject(new Error('geolocation is not available'));
      return;
    }
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new Error('geolocation timed out'));
    }, timeoutMs + graceMs);
    geolocation.getCurrentPosition(
      (position) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ latitude: position.coords.latitude, longitude: position.coords.longitude });
      },
      (error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`geolocation failed: ${error.message || error.code}`));
      },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}
