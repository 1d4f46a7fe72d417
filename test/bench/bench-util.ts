import { performance } from 'node:perf_hooks';

/** Shared by the benchmarks: medians of repeated runs after a warm-up, and sizes in MB. */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median ms of `runs` calls of `run(i)`, after three warm-up calls. */
export async function measure(runs: number, run: (i: number) => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run(i);
    times.push(performance.now() - t0);
  }
  return median(times);
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
