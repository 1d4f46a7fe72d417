import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodOutput, RecordData } from '../../src-shared/api/client-api.contract';
import { entities, type EntityName, type FieldDef, type LineItem } from '../../src-shared/entities/index';
import { linesTotals } from '../../src-shared/sales/lines.util';
import { errorMessageKey } from '../../src-shared/result';
import { ApiError } from '../../src-shared/api/api-client';
import { api } from '../api/client';
import { formatDateTime, formatMoney, isBlank } from '../format/field-format';
import { useT } from '../i18n/use-t';
import { useApp } from '../state/app.store';
import { FieldValue } from './RecordSections';
import { UserName } from './UserName';
import '../styles/history.css';

type HistoryEntry = MethodOutput<'record.history'>['entries'][number];

/** Changes per request; "load more" asks for the next page. */
const PAGE = 20;
/** Fields holding a user id: shown as the person's name. */
const USER_FIELDS = new Set(['ownerId', 'previousOwnerId', 'createdBy', 'updatedBy']);
/** The server's own user and the device its scheduled rules write from (src-server/rules). */
const SYSTEM_USER = 'system';
const RULES_DEVICE = 'server-rules';

type State =
  | { status: 'loading' }
  | { status: 'ready'; entries: HistoryEntry[]; nextBefore: number | null }
  | { status: 'offline' }
  | { status: 'failed'; reason: string };

/**
 * The record's history from the server's audit log (record.history): each change with who made
 * it, when and from which device, and each field's old → new value formatted as the record page
 * shows values. History lives on the server only, so offline the card says it needs a connection.
 * Re-read when the record changes and after each sync, so the user's own edits appear once sent.
 */
export function RecordHistory({ entity, record }: { entity: EntityName; record: RecordData }) {
  const t = useT();
  const [state, setState] = useState<State>({ status: 'loading' });
  const [loadingMore, setLoadingMore] = useState(false);
  const lastSyncAt = useApp((s) => s.sync?.lastSyncAt ?? null);
  const online = useApp((s) => s.sync?.state === 'online');
  // An answer older than the latest request is dropped (a sync and an edit can overlap).
  const request = useRef(0);

  const failure = useCallback(
    (error: unknown): State => {
      if (error instanceof ApiError && error.code === 'SERVER_REQUIRED') return { status: 'offline' };
      return { status: 'failed', reason: error instanceof ApiError ? t.dyn(errorMessageKey(error.code)) : t('error.internal') };
    },
    [t],
  );

  useEffect(() => {
    const mine = ++request.current;
    api['record.history']({ entity, id: record.id, limit: PAGE }).then(
      (page) => {
        if (mine === request.current) setState({ status: 'ready', entries: page.entries, nextBefore: page.nextBefore });
      },
      (error: unknown) => {
        if (mine === request.current) setState(failure(error));
      },
    );
  }, [entity, record.id, record.updatedAt, lastSyncAt, online, failure]);

  const loadMore = async () => {
    if (state.status !== 'ready' || state.nextBefore === null) return;
    const mine = ++request.current;
    setLoadingMore(true);
    try {
      const page = await api['record.history']({ entity, id: record.id, before: state.nextBefore, limit: PAGE });
      if (mine === request.current) setState({ status: 'ready', entries: [...state.entries, ...page.entries], nextBefore: page.nextBefore });
    } catch (error) {
      if (mine === request.current) setState(failure(error));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section className="card history-card" data-testid="record-history">
      <header className="card-header">
        <h2 className="card-title">{t('history.title')}</h2>
      </header>
      {state.status === 'loading' && <div className="card-message">{t('common.loading')}</div>}
      {state.status === 'offline' && (
        <div className="card-message history-offline" data-testid="history-offline">
          {t('history.offline')}
        </div>
      )}
      {state.status === 'failed' && (
        <div className="card-message" data-testid="history-failed">
          {t('history.failed', { reason: state.reason })}
        </div>
      )}
      {state.status === 'ready' && state.entries.length === 0 && (
        <div className="card-message" data-testid="history-empty">
          {t('history.empty')}
        </div>
      )}
      {state.status === 'ready' && state.entries.length > 0 && (
        <ol className="history-list">
          {state.entries.map((entry) => (
            <HistoryItem key={entry.cn} entity={entity} record={record} entry={entry} />
          ))}
        </ol>
      )}
      {state.status === 'ready' && state.nextBefore !== null && (
        <div className="history-more">
          <button type="button" className="btn btn-small" onClick={() => void loadMore()} disabled={loadingMore} data-testid="history-more">
            {loadingMore ? t('common.loading') : t('history.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}

function HistoryItem({ entity, record, entry }: { entity: EntityName; record: RecordData; entry: HistoryEntry }) {
  const t = useT();
  const who: ReactNode =
    entry.user.id === SYSTEM_USER ? t('history.system') : entry.user.name ?? (entry.user.id ? <UserName id={entry.user.id} /> : t('history.unknownUser'));
  const device = entry.device ? (entry.device.name ?? (entry.device.id === RULES_DEVICE ? t('history.systemRules') : null)) : null;
  const bare = entry.kind === 'delete' ? t('history.deleted') : entry.kind === 'restore' ? t('history.restored') : t('history.moved');
  return (
    <li className={`history-entry history-${entry.kind}`} data-testid="history-entry">
      <div className="history-head">
        <span className={`chip chip-small history-kind history-kind-${entry.kind}`}>{t.dyn(`history.kind.${entry.kind}`)}</span>
        <span className="history-who" data-testid="history-who">
          {who}
        </span>
        <span className="history-when">{formatDateTime(entry.at, t.locale)}</span>
        {device && (
          <span className="history-device" data-testid="history-device">
            {t('history.device', { device })}
          </span>
        )}
      </div>
      {entry.fields.length === 0 ? (
        <p className="history-note">{bare}</p>
      ) : (
        <dl className="history-fields">
          {entry.fields.map((f) => (
            <div key={f.field} className="history-field" data-testid={`history-field-${f.field}`}>
              <dt>{t.field(entity, f.field)}</dt>
              <dd>
                {entry.kind !== 'create' && (
                  <>
                    <span className="history-old" data-testid="history-old">
                      <HistoryValue entity={entity} record={record} field={f.field} value={f.old} />
                    </span>
                    <span className="history-arrow" aria-hidden="true">
                      →
                    </span>
                  </>
                )}
                <span className="history-new" data-testid="history-new">
                  <HistoryValue entity={entity} record={record} field={f.field} value={f.new} />
                </span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </li>
  );
}

/**
 * One value as the record page would show it (FieldValue on the record with this value in place:
 * enum labels, money in the record's currency, references by name), except line items, which a
 * change summarises as their count and total, and user ids, shown as names.
 */
function HistoryValue({ entity, record, field, value }: { entity: EntityName; record: RecordData; field: string; value: unknown }) {
  const t = useT();
  if (isBlank(value)) return <span className="value-empty">{t('history.empty.value')}</span>;
  if (USER_FIELDS.has(field)) return <UserName id={value} />;
  const def = (entities[entity].fields as Record<string, FieldDef>)[field];
  if (!def) return <span>{typeof value === 'string' ? value : JSON.stringify(value)}</span>;
  if (def.kind === 'lines') {
    const lines = Array.isArray(value) ? (value as LineItem[]) : [];
    const currency = record[def.currencyField];
    return <span>{t('history.linesSummary', { count: lines.length, total: formatMoney(linesTotals(lines).total, typeof currency === 'string' ? currency : 'CNY', t.locale) })}</span>;
  }
  return <FieldValue name={field} def={def} record={{ ...record, [field]: value }} />;
}
