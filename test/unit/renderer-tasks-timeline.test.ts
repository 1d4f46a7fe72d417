import { describe, expect, it } from 'vitest';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { en } from '../../src-shared/i18n/en';
import { tasksEn, tasksZh } from '../../src-shared/i18n/parts/tasks';
import { zhCN } from '../../src-shared/i18n/zh-CN';
import { localDayIndex, localDayStart } from '../../src-shared/tasks/local-day';
import { activityDefaults, coordinateText, currentPosition, groupByDay, timelineField } from '../../src-renderer/components/activity-timeline.util';
import { formatDueRelative } from '../../src-renderer/format/due-time';
import { relatedLists } from '../../src-renderer/pages/detail-config';

const BEIJING = -480;
const at = (local: string) => Date.parse(`${local}+08:00`);
const NOW = at('2026-03-10T15:30:00');

describe('local days', () => {
  it('start at the user’s midnight, whatever the machine’s zone', () => {
    expect(localDayStart(NOW, BEIJING)).toBe(at('2026-03-10T00:00:00'));
    expect(localDayStart(at('2026-03-10T00:00:00'), BEIJING)).toBe(at('2026-03-10T00:00:00'));
    expect(localDayStart(at('2026-03-09T23:59:59.999'), BEIJING)).toBe(at('2026-03-09T00:00:00'));
    // New York in winter (UTC-5): getTimezoneOffset is +300.
    expect(localDayStart(Date.parse('2026-03-01T03:00:00Z'), 300)).toBe(Date.parse('2026-02-28T05:00:00Z'));
    expect(localDayIndex(at('2026-03-11T00:00:00'), BEIJING) - localDayIndex(NOW, BEIJING)).toBe(1);
  });
});

describe('due times', () => {
  const rel = (dueAt: number, locale: 'zh-CN' | 'en' = 'zh-CN') => formatDueRelative(dueAt, NOW, BEIJING, locale);

  it('read in minutes and hours within the day, in calendar days beyond it', () => {
    expect(rel(NOW + 20_000)).toBe('现在');
    expect(rel(NOW + 30 * 60_000)).toBe('30分钟后');
    expect(rel(NOW - 2 * 3_600_000)).toBe('2小时前');
    expect(rel(at('2026-03-10T23:59:00'))).toBe('8小时后');
    expect(rel(at('2026-03-11T00:30:00'))).toBe('明天');
    expect(rel(at('2026-03-09T23:00:00'))).toBe('昨天');
    expect(rel(at('2026-03-17T09:00:00'))).toBe('7天后');
    expect(rel(at('2026-03-07T18:00:00'))).toBe('3天前');
    expect(rel(at('2026-03-11T09:00:00'), 'en')).toBe('tomorrow');
    expect(rel(NOW + 45 * 60_000, 'en')).toBe('in 45 minutes');
    expect(rel(at('2026-03-05T09:00:00'), 'en')).toBe('5 days ago');
  });
});

describe('the activity timeline', () => {
  const rec = (values: Record<string, unknown>): RecordData => ({ id: 'x', updatedAt: 1, deletedAt: null, ...values });

  it('starts an activity with its record, the account it belongs to and the time', () => {
    expect(activityDefaults('account', rec({ id: 'a1', name: '华为' }), NOW)).toEqual({ accountId: 'a1', occurredAt: NOW });
    expect(activityDefaults('contact', rec({ id: 'c1', accountId: 'a1' }), NOW)).toEqual({ contactId: 'c1', accountId: 'a1', occurredAt: NOW });
    expect(activityDefaults('opportunity', rec({ id: 'o1', accountId: 'a1', contactId: 'c1' }), NOW)).toEqual({ opportunityId: 'o1', accountId: 'a1', contactId: 'c1', occurredAt: NOW });
    expect(activityDefaults('opportunity', rec({ id: 'o1', accountId: 'a1', contactId: null }), NOW)).toEqual({ opportunityId: 'o1', accountId: 'a1', occurredAt: NOW });
    expect(activityDefaults('lead', rec({ id: 'l1' }), NOW)).toEqual({ leadId: 'l1', occurredAt: NOW });
    // A converted lead's activities belong with the account it became.
    expect(activityDefaults('lead', rec({ id: 'l1', accountId: 'a9' }), NOW)).toEqual({ leadId: 'l1', accountId: 'a9', occurredAt: NOW });
  });

  it('groups activities (newest first) by the local day they happened on', () => {
    const rows = [at('2026-03-10T09:00:00'), at('2026-03-10T00:10:00'), at('2026-03-09T23:50:00'), at('2026-03-01T12:00:00')].map((occurredAt, i) => rec({ id: `a${i}`, occurredAt }));
    const groups = groupByDay(rows, () => BEIJING);
    expect(groups.map((g) => g.rows.map((r) => r.id))).toEqual([['a0', 'a1'], ['a2'], ['a3']]);
    expect(groups[0]?.day).toBe(localDayIndex(NOW, BEIJING));
    // In UTC the two around Beijing's midnight fall on the same day.
    expect(groupByDay(rows, () => 0).map((g) => g.rows.length)).toEqual([1, 2, 1]);
  });

  it('writes coordinates with six decimals, as the activity stores them', () => {
    expect(coordinateText(31.2304161234)).toBe('31.230416');
    expect(coordinateText(-0.5)).toBe('-0.500000');
  });

  it('gets a position, or fails when there is no geolocation, it is refused, or it never answers', async () => {
    const fix = { getCurrentPosition: (ok: PositionCallback) => ok({ coords: { latitude: 31.230416, longitude: 121.473701 } } as GeolocationPosition) } as unknown as Geolocation;
    await expect(currentPosition(fix, 1000)).resolves.toEqual({ latitude: 31.230416, longitude: 121.473701 });
    await expect(currentPosition(undefined, 1000)).rejects.toThrow(/not available/);
    const refused = { getCurrentPosition: (_ok: PositionCallback, fail?: PositionErrorCallback | null) => fail?.({ code: 1, message: 'denied' } as GeolocationPositionError) } as unknown as Geolocation;
    await expect(currentPosition(refused, 1000)).rejects.toThrow(/denied/);
    const silent = { getCurrentPosition: () => undefined } as unknown as Geolocation;
    await expect(currentPosition(silent, 10, 0)).rejects.toThrow(/timed out/);
  });

  it('replaces the plain activities list of accounts, leads and deals', () => {
    for (const parent of Object.keys(timelineField)) {
      expect((relatedLists[parent as keyof typeof relatedLists] ?? []).some((spec) => spec.entity === 'activity'), parent).toBe(false);
    }
  });
});

describe('the tasks texts', () => {
  it('exist in both languages, with the same placeholders', () => {
    for (const [key, zh] of Object.entries(tasksZh)) {
      const english = tasksEn[key as keyof typeof tasksZh];
      expect(english, key).toBeTruthy();
      expect(zhCN).toHaveProperty([key], zh);
      expect(en).toHaveProperty([key], english);
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(english), key).toEqual(names(zh));
    }
  });
});
