import { useEffect, useState } from 'react';

/**
 * The current time, refreshed every `intervalMs` while `active`, so "3分钟前" and a retry
 * countdown stay true without the core sending anything.
 */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const tick = () => setNow(Date.now());
    // At once as well: the value kept while inactive may be long out of date.
    const first = window.setTimeout(tick, 0);
    const timer = window.setInterval(tick, intervalMs);
    return () => {
      window.clearTimeout(first);
      window.clearInterval(timer);
    };
  }, [intervalMs, active]);
  return now;
}
