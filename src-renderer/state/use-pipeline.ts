import { useEffect, useState } from 'react';
import type { MethodInput, MethodOutput } from '../../src-shared/api/client-api.contract';
import type { EntityName } from '../../src-shared/entities/index';
import { api, onCoreEvent } from '../api/client';
import { reportError, useApp } from './app.store';
import type { Loadable } from './use-record';

type PipelineMethod = 'pipeline.board' | 'pipeline.funnel';

/** Deals, their stages and their accounts' names are what the views show. */
const watched: ReadonlySet<EntityName> = new Set<EntityName>(['opportunity', 'stage', 'account']);

/**
 * A burst of changes (a sync page, a lead conversion) asks once: the views re-read after the last
 * change of the burst, not after each.
 */
const RELOAD_DELAY_MS = 80;

export interface PipelineQuery<T> {
  state: Loadable<T>;
  /** The answer shown is for the current filters (false while new filters load: the old answer stays up). */
  fresh: boolean;
}

/**
 * The kanban's or the funnel's answer, kept current: asked again when a deal, stage or account
 * changes (local edits and sync alike) and after a reconnect. While new filters load, the previous
 * answer stays on screen instead of a blank page.
 */
export function usePipelineQuery<M extends PipelineMethod>(method: M, input: MethodInput<M>): PipelineQuery<MethodOutput<M>> {
  const question = JSON.stringify(input);
  const [answer, setAnswer] = useState<{ question: string; state: Loadable<MethodOutput<M>> } | null>(null);
  const dataEpoch = useApp((s) => s.dataEpoch);

  useEffect(() => {
    const parsed = JSON.parse(question) as MethodInput<M>;
    const call = api[method] as (input: MethodInput<M>) => Promise<MethodOutput<M>>;
    let cancelled = false;
    let latest = 0;
    let timer: number | undefined;
    const load = () => {
      const mine = ++latest;
      call(parsed)
        .then((value) => !cancelled && mine === latest && setAnswer({ question, state: { status: 'ready', value } }))
        .catch((error: unknown) => {
          if (cancelled || mine !== latest) return;
          // Keep showing what we had; the toast says why the refresh failed.
          setAnswer((prev) => (prev?.state.status === 'ready' ? prev : { question, state: { status: 'error' } }));
          reportError(error);
        });
    };
    load();
    const off = onCoreEvent((event) => {
      if (event.type !== 'changed' || !watched.has(event.entity)) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(load, RELOAD_DELAY_MS);
    });
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
      off();
    };
  }, [method, question, dataEpoch]);

  return { state: answer?.state ?? { status: 'loading' }, fresh: answer?.question === question };
}
