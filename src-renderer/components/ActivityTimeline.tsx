import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { RecordData } from '../../src-shared/api/client-api.contract';
import { localDayIndex } from '../../src-shared/tasks/local-day';
import { api, onCoreEvent } from '../api/client';
import { loadRefTitles, refTitle } from '../api/ref-titles';
import { formatClock, formatDayHeading } from '../format/due-time';
import { formatDateTime, formatDecimal } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { reportError, useApp } from '../state/app.store';
import { deleteWithUndo } from '../state/record-actions';
import { useCan } from '../state/access';
import { useNow } from '../state/use-now';
import { activityDefaults, coordinateText, currentPosition, groupByDay, timelineField, type TimelineParent } from './activity-timeline.util';
import { Icon } from './icons';
import { titleOf } from './RecordSections';
import { UserName } from './UserName';
import '../styles/tasks.css';

/** Activities per request; "load more" asks for the next page. */
const PAGE = 30;
/** The most a reload re-reads at once (the contract's list limit). */
const MAX_RELOAD = 1000;
/** How long the check-in waits for a position fix. */
const LOCATE_TIMEOUT_MS = 10_000;

/** A line icon per activity type (24-unit grid, like components/icons.tsx). */
const typeIcons: Record<string, string> = {
  call: 'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6A19.79 19.79 0 0 1 2.12 4.18 2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92Z',
  visit: 'M20 7H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V9a2 2 0 0 0-2-2zM16 21V5a2 2 0 0 0-2-2h-4a2 2 0 0 0-2 2v16',
  email: 'M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2ZM22 6l-10 7L2 6',
  meeting: 'M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8M23 21v-2a4 4 0 0 0-3-3.87M16 3.13a4 4 0 0 1 0 7.75',
  wechat: 'M21 11.5a8.38 8.38 0 0 1-.9 3.8 8.5 8.5 0 0 1-7.6 4.7 8.38 8.38 0 0 1-3.8-.9L3 21l1.9-5.7a8.38 8.38 0 0 1-.9-3.8 8.5 8.5 0 0 1 4.7-7.6 8.38 8.38 0 0 1 3.8-.9h.5a8.48 8.48 0 0 1 8 8v.5z',
  checkin: 'M21 10c0 7-9 13-9 13s-9-6-9-13a9 9 0 0 1 18 0zM12 13a3 3 0 1 0 0-6 3 3 0 0 0 0 6',
};

function TypeIcon({ type }: { type: string }) {
  return (
    <svg width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      <path d={typeIcons[type] ?? typeIcons.call} />
    </svg>
  );
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const offsetAt = (ms: number) => new Date(ms).getTimezoneOffset();

interface Loaded {
  rows: RecordData[];
  total: number;
}

/**
 * The activities of one record, newest first, a page at a time. A change to any activity re-reads
 * the pages already shown (new ones appear at the top, edits and deletes show in place).
 */
function useTimeline(field: string, parentId: string) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const shown = useRef(PAGE);
  // Reloads and "load more" can overlap (a burst of changes); an answer older than the latest request is dropped.
  const generation = useRef(0);
  const dataEpoch = useApp((s) => s.dataEpoch);

  const query = useCallback(
    (offset: number, limit: number) =>
      api['record.list']({ entity: 'activity', filters: [{ field, op: 'eq', value: parentId }], sort: [{ field: 'occurredAt', dir: 'desc' }], offset, limit }),
    [field, parentId],
  );

  useEffect(() => {
    let cancelled = false;
    const reload = () => {
      const asked = ++generation.current;
      return query(0, Math.min(MAX_RELOAD, Math.max(PAGE, shown.current)))
        .then(({ rows, total }) => {
          if (cancelled || asked !== generation.current) return;
          setLoaded({ rows, total: total ?? rows.length });
          setFailed(false);
        })
        .catch((error: unknown) => {
          if (!cancelled) setFailed(true);
          reportError(error);
        });
    };
    void reload();
    const off = onCoreEvent((event) => {
      if (event.type === 'changed' && event.entity === 'activity') void reload();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [query, dataEpoch]);

  const loadMore = () => {
    if (!loaded || loadingMore) return;
    setLoadingMore(true);
    // A reload meanwhile re-reads this many, so the page being added is not lost.
    shown.current = loaded.rows.length + PAGE;
    const asked = ++generation.current;
    query(loaded.rows.length, PAGE)
      .then(({ rows, total }) => {
        if (asked !== generation.current) return;
        setLoaded((prev) => {
          const have = new Set(prev?.rows.map((r) => r.id));
          const next = [...(prev?.rows ?? []), ...rows.filter((r) => !have.has(r.id))];
          return { rows: next, total: total ?? next.length };
        });
      })
      .catch(reportError)
      .finally(() => setLoadingMore(false));
  };

  return { loaded, failed, loadingMore, loadMore };
}

/**
 * 跟进记录 on a customer's, contact's, lead's or deal's page: what happened, grouped by day, with
 * 记录跟进 (log a call, visit, …) and 外勤签到 (a check-in with the device's position) at hand.
 */
export function ActivityTimeline({ parentEntity, parent }: { parentEntity: TimelineParent; parent: RecordData }) {
  const t = useT();
  const openForm = useApp((s) => s.openForm);
  const pushToast = useApp((s) => s.pushToast);
  const { loaded, failed, loadingMore, loadMore } = useTimeline(timelineField[parentEntity], parent.id);
  const [locating, setLocating] = useState(false);
  const [, setTitlesLoaded] = useState(0);
  // 今天 / 昨天 labels stay right past midnight.
  const now = useNow(60_000);
  const rows = loaded?.rows ?? null;
  const canRead = useCan('activity', 'read');
  const canLog = useCan('activity', 'create');

  // Names of the contacts and deals the activities mention (not the page's own record).
  useEffect(() => {
    if (!rows) return;
    const waits = [];
    if (parentEntity !== 'contact') waits.push(loadRefTitles('contact', rows.map((r) => r.contactId)));
    if (parentEntity !== 'opportunity') waits.push(loadRefTitles('opportunity', rows.map((r) => r.opportunityId)));
    Promise.all(waits)
      .then(() => setTitlesLoaded((n) => n + 1))
      .catch(reportError);
  }, [rows, parentEntity]);

  const open = (extra: Record<string, unknown>) => {
    const field = timelineField[parentEntity];
    openForm({ entity: 'activity', defaults: { ...activityDefaults(parentEntity, parent, Date.now()), ...extra }, refTitles: { [field]: titleOf(parentEntity, parent) } });
  };

  const checkIn = () => {
    if (locating) return;
    setLocating(true);
    const base = { type: 'checkin', subject: t('timeline.checkinSubject') };
    currentPosition(typeof navigator !== 'undefined' ? navigator.geolocation : undefined, LOCATE_TIMEOUT_MS)
      .then((at) => open({ ...base, latitude: coordinateText(at.latitude), longitude: coordinateText(at.longitude) }))
      .catch(() => {
        open(base);
        pushToast({ kind: 'info', message: { key: 'timeline.noLocation' }, timeoutMs: 8000 });
      })
      .finally(() => setLocating(false));
  };

  const today = localDayIndex(now, offsetAt(now));
  const groups = rows ? groupByDay(rows, offsetAt) : [];
  const dayLabel = (day: number, at: number) => (day === today ? t('timeline.today') : day === today - 1 ? t('timeline.yesterday') : formatDayHeading(at, now, t.locale));
  // Activities the user's roles cannot read are not on the device.
  if (!canRead) return null;

  return (
    <section className="card timeline-card" data-testid="activity-timeline">
      <header className="card-header">
        <h2 className="card-title">
          {t('timeline.title')}
          {loaded && <span className="count-pill">{loaded.total.toLocaleString(t.locale)}</span>}
        </h2>
        {canLog && (
          <div className="timeline-actions">
            <button type="button" className="btn btn-small" onClick={checkIn} disabled={locating} data-testid="check-in">
              {locating ? <span className="spinner spinner-small" aria-hidden="true" /> : <TypeIcon type="checkin" />}
              {locating ? t('timeline.locating') : t('timeline.checkin')}
            </button>
            <button type="button" className="btn btn-small btn-primary" onClick={() => open({ type: 'call' })} data-testid="log-activity">
              <Icon name="plus" />
              {t('timeline.log')}
            </button>
          </div>
        )}
      </header>
      {!loaded && !failed && <div className="card-message">{t('common.loading')}</div>}
      {!loaded && failed && <div className="card-message">{t('error.internal')}</div>}
      {rows && rows.length === 0 && (
        <div className="timeline-empty" data-testid="timeline-empty">
          <div className="timeline-empty-icon" aria-hidden="true">
            <Icon name="activities" size={26} />
          </div>
          <div>
            <h3>{t('timeline.empty.title')}</h3>
            <p>{t('timeline.empty.body')}</p>
          </div>
        </div>
      )}
      {groups.map((group) => (
        <div key={group.day} className="timeline-day" data-testid="timeline-day">
          <h3 className="timeline-day-label">{dayLabel(group.day, group.at)}</h3>
          <ol className="timeline-list">
            {group.rows.map((row) => (
              <TimelineItem key={row.id} row={row} parentEntity={parentEntity} />
            ))}
          </ol>
        </div>
      ))}
      {loaded && loaded.rows.length < loaded.total && (
        <div className="timeline-more">
          <span className="timeline-shown">{t('timeline.shown', { shown: loaded.rows.length.toLocaleString(t.locale), total: loaded.total.toLocaleString(t.locale) })}</span>
          <button type="button" className="btn btn-small" onClick={loadMore} disabled={loadingMore} data-testid="timeline-more">
            {loadingMore ? t('common.loading') : t('timeline.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}

function TimelineItem({ row, parentEntity }: { row: RecordData; parentEntity: TimelineParent }) {
  const t = useT();
  const navigate = useApp((s) => s.navigate);
  const openForm = useApp((s) => s.openForm);
  const type = str(row.type) ?? 'call';
  const at = typeof row.occurredAt === 'number' ? row.occurredAt : null;
  const content = str(row.content);
  const outcome = str(row.outcome);
  const nextStep = str(row.nextStep);
  const location = str(row.location);
  const nextFollowUpAt = typeof row.nextFollowUpAt === 'number' ? row.nextFollowUpAt : null;
  const hasCoords = typeof row.latitude === 'number' && typeof row.longitude === 'number';
  const contact = parentEntity !== 'contact' ? refTitle('contact', row.contactId) : undefined;
  const deal = parentEntity !== 'opportunity' ? refTitle('opportunity', row.opportunityId) : undefined;
  const canEdit = useCan('activity', 'update');
  const canDelete = useCan('activity', 'delete');

  return (
    <li className={`timeline-item timeline-${type}`} data-testid="timeline-item" data-type={type}>
      <span className="timeline-icon" aria-hidden="true">
        <TypeIcon type={type} />
      </span>
      <div className="timeline-body">
        <div className="timeline-head">
          <span className="timeline-type">{t.enumLabel('activityType', type)}</span>
          {at !== null && (
            <time className="timeline-time" dateTime={new Date(at).toISOString()} title={formatDateTime(at, t.locale)}>
              {formatClock(at, t.locale)}
            </time>
          )}
          <span className="timeline-owner">
            <UserName id={row.ownerId} />
          </span>
          <span className="timeline-item-actions">
            {canEdit && (
              <button type="button" className="icon-button" title={t('common.edit')} aria-label={t('common.edit')} onClick={() => openForm({ entity: 'activity', record: row })} data-testid="timeline-edit">
                <Icon name="edit" size={14} />
              </button>
            )}
            {canDelete && (
              <button type="button" className="icon-button icon-button-danger" title={t('common.delete')} aria-label={t('common.delete')} onClick={() => void deleteWithUndo('activity', row)} data-testid="timeline-delete">
                <Icon name="trash" size={14} />
              </button>
            )}
          </span>
        </div>
        <button type="button" className="link timeline-subject" onClick={() => navigate({ view: 'detail', entity: 'activity', id: row.id })} data-testid="timeline-subject">
          {str(row.subject) ?? t('record.noTitle')}
        </button>
        {content && <ClampedText text={content} />}
        {(outcome || nextStep) && (
          <dl className="timeline-facts">
            {outcome && (
              <div>
                <dt>{t.field('activity', 'outcome')}</dt>
                <dd>{outcome}</dd>
              </div>
            )}
            {nextStep && (
              <div>
                <dt>{t.field('activity', 'nextStep')}</dt>
                <dd>{nextStep}</dd>
              </div>
            )}
          </dl>
        )}
        {(nextFollowUpAt !== null || location || hasCoords || contact || deal) && (
          <div className="timeline-meta">
            {nextFollowUpAt !== null && (
              <span className="timeline-next" data-testid="timeline-next">
                <Icon name="myTasks" size={13} />
                {t('timeline.nextFollowUp', { time: formatDateTime(nextFollowUpAt, t.locale) })}
              </span>
            )}
            {(location || hasCoords) && (
              <span className="timeline-location" data-testid="timeline-location">
                <TypeIcon type="checkin" />
                {location}
                {hasCoords && (
                  <span className="timeline-coords">
                    {formatDecimal(row.latitude as number, 6, t.locale)}, {formatDecimal(row.longitude as number, 6, t.locale)}
                  </span>
                )}
              </span>
            )}
            {contact && (
              <button type="button" className="link timeline-ref" onClick={() => navigate({ view: 'detail', entity: 'contact', id: String(row.contactId) })}>
                <Icon name="contacts" size={13} />
                {contact}
              </button>
            )}
            {deal && (
              <button type="button" className="link timeline-ref" onClick={() => navigate({ view: 'detail', entity: 'opportunity', id: String(row.opportunityId) })}>
                <Icon name="opportunities" size={13} />
                {deal}
              </button>
            )}
          </div>
        )}
      </div>
    </li>
  );
}

/** Long content shows three lines; a toggle appears only when there is more. */
function ClampedText({ text }: { text: string }) {
  const t = useT();
  const ref = useRef<HTMLParagraphElement>(null);
  const [expanded, setExpanded] = useState(false);
  const [overflows, setOverflows] = useState(false);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || expanded) return;
    const measure = () => setOverflows(el.scrollHeight > el.clientHeight + 1);
    measure();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(el);
    return () => observer?.disconnect();
  }, [text, expanded]);

  return (
    <div className="timeline-content">
      <p ref={ref} className={expanded ? undefined : 'is-clamped'} data-testid="timeline-content">
        {text}
      </p>
      {(overflows || expanded) && (
        <button type="button" className="link timeline-toggle" onClick={() => setExpanded((v) => !v)} aria-expanded={expanded} data-testid="timeline-toggle">
          {expanded ? t('timeline.collapse') : t('timeline.expand')}
        </button>
      )}
    </div>
  );
}
