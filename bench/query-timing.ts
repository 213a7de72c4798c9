/**
 * Timing a query the way the stats benchmarks do (bench:stats, bench/log-store.ts): one warm-up call
 * (plans and caches), then `runs` timed calls; min, median and max in milliseconds.
 */

export interface Timing {
  readonly name: string;
  readonly detail: string;
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Runs `fn` once to warm up, then `runs` times, and answers the spread of those runs. */
export async function timeRuns(
  name: string,
  detail: string,
  runs: number,
  fn: () => Promise<unknown>,
): Promise<Timing> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return {
    name,
    detail,
    min: samples[0]!,
    median: samples[Math.floor(samples.length / 2)]!,
    max: samples[samples.length - 1]!,
  };
}
