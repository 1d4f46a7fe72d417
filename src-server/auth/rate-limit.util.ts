/** The outcome of counting one attempt: allowed, or refused until `retryAfterMs` from now. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * At most `limit` attempts per key in any `windowMs` (a sliding log of the accepted attempts'
 * times). A refused attempt is not counted, so a key that keeps trying is admitted again as soon
 * as its oldest accepted attempt leaves the window, and `retryAfterMs` says exactly when.
 *
 * In memory: each server instance counts its own attempts (several instances behind a load
 * balancer allow up to `limit` each). Keys come from anonymous requests, so the map is bounded:
 * past `maxKeys` the expired entries go, then the least recently used ones.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Whether an attempt for `key` at `now` may go ahead; an allowed one is counted. */
  hit(key: string, now: number): RateDecision {
    const decision = this.check(key, now);
    if (!decision.ok) return decision;
    const times = this.live(key, now);
    times.push(now);
    // Re-inserted so the map's order is least recently used first.
    this.hits.delete(key);
    this.hits.set(key, times);
    if (this.hits.size > this.maxKeys) this.prune(now);
    return decision;
  }

  /** Whether an attempt for `key` at `now` would be allowed, without counting it. */
  check(key: string, now: number): RateDecision {
    if (this.limit <= 0) return { ok: true };
    const times = this.live(key, now);
    if (times.length < this.limit) return { ok: true };
    return { ok: false, retryAfterMs: Math.max(1, (times[times.length - this.limit] as number) + this.windowMs - now) };
  }

  get size(): number {
    return this.hits.size;
  }

  private live(key: string, now: number): number[] {
    const times = this.hits.get(key) ?? [];
    const from = times.findIndex((t) => t > now - this.windowMs);
    return from === -1 ? [] : from === 0 ? times : times.slice(from);
  }

  private prune(now: number): void {
    for (const [key, times] of this.hits) {
      if ((times[times.length - 1] as number) <= now - this.windowMs) this.hits.delete(key);
    }
    for (const key of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys) break;
      this.hits.delete(key);
    }
  }
}
