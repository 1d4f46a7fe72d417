import { useEffect, useState } from 'react';
import { ApiError } from '../../src-shared/api/api-client';
import type { ListQuery, RecordData } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import { api, onCoreEvent } from '../api/client';
import { reportError, useApp } from './app.store';

export type Loadable<T> = { status: 'loading' } | { status: 'missing' } | { status: 'error' } | { status: 'ready'; value: T };

/** A result tagged with what it answers, so a reply for an older question never shows for a newer one. */
interface Answer<T> {
  question: string;
  state: Loadable<T>;
}

const loading = { status: 'loading' } as const;

/**
 * One record, kept current: reloaded when a `changed` event names it and after a reconnect.
 * A record deleted meanwhile turns into `missing`, which the page shows as such.
 */
export function useRecord(entity: EntityName, id: string): Loadable<RecordData> {
  const question = `${entity}:${id}`;
  const [answer, setAnswer] = useState<Answer<RecordData> | null>(null);
  const dataEpoch = useApp((s) => s.dataEpoch);

  useEffect(() => {
    let cancelled = false;
    const set = (state: Loadable<RecordData>) => !cancelled && setAnswer({ question, state });
    const load = () =>
      api['record.get']({ entity, id })
        .then((value) => set({ status: 'ready', value }))
        .catch((error: unknown) => {
          if (error instanceof ApiError && error.code === 'NOT_FOUND') return set({ status: 'missing' });
          // Keep showing what we had if a reload fails; the toast says why.
          setAnswer((prev) => (cancelled || (prev?.question === question && prev.state.status === 'ready') ? prev : { question, state: { status: 'error' } }));
          reportError(error);
        });
    void load();
    const off = onCoreEvent((event) => {
      if (event.type === 'changed' && event.entity === entity && event.ids.includes(id)) void load();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [entity, id, question, dataEpoch]);

  return answer?.question === question ? answer.state : loading;
}

/** Rows of a small related list (an account's contacts), reloaded when that entity changes. */
export function useRecordList(query: ListQuery): Loadable<{ rows: RecordData[]; total: number }> {
  const question = JSON.stringify(query);
  const [answer, setAnswer] = useState<Answer<{ rows: RecordData[]; total: number }> | null>(null);
  const dataEpoch = useApp((s) => s.dataEpoch);

  useEffect(() => {
    const parsed = JSON.parse(question) as ListQuery;
    let cancelled = false;
    const load = () =>
      api['record.list'](parsed)
        .then(({ rows, total }) => !cancelled && setAnswer({ question, state: { status: 'ready', value: { rows, total: total ?? rows.length } } }))
        .catch((error: unknown) => {
          setAnswer((prev) => (cancelled || (prev?.question === question && prev.state.status === 'ready') ? prev : { question, state: { status: 'error' } }));
          reportError(error);
        });
    void load();
    const off = onCoreEvent((event) => {
      if (event.type === 'changed' && event.entity === parsed.entity) void load();
    });
    return () => {
      cancelled = true;
      off();
    };
  }, [question, dataEpoch]);

  return answer?.question === question ? answer.state : loading;
}
