import { useEffect, useState } from 'react';
import type { SearchHit } from '../../src-shared/api/client-api.contract';
import { hitSubtitles } from '../api/hit-subtitles';
import type { Translator } from '../i18n/use-t';
import { reportError } from './app.store';

/**
 * Subtitles for search hits as the pages show them (a deal's account name, an amount in yuan), not
 * as the index keeps them; looked up again when the hits change, a stale answer dropped.
 */
export function useHitSubtitles(hits: readonly SearchHit[], t: Translator): ReadonlyMap<string, string> {
  const [subtitles, setSubtitles] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    if (hits.length === 0) return;
    let cancelled = false;
    hitSubtitles(hits, t)
      .then((found) => !cancelled && setSubtitles(found))
      .catch(reportError);
    return () => {
      cancelled = true;
    };
  }, [hits, t]);
  return subtitles;
}
