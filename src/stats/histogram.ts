/**
 * Fixed log-spaced latency histograms. Every rollup uses the same 60 buckets, so histograms merge by
 * element-wise addition (in SQL on upsert, in JS on read) and percentiles come out of any merge:
 *
 *   bucket 0        [0, 1) ms            (whole-millisecond data: exactly 0)
 *   buckets 1..58   [G^(i-1), G^i) ms    with G = 600000^(1/58) ≈ 1.2580 (1 ms to 10 min)
 *   bucket 59       [600000, ∞) ms       (reported as 600000: a lower bound)
 *
 * A percentile is reported as the geometric middle of the whole milliseconds its bucket can hold, so
 * for values between 1 ms and 10 min the estimate is within `HISTOGRAM_RELATIVE_ERROR` (√G − 1 ≈ 12.2 %)
 * of the true nearest-rank percentile; values below 1 ms report 0 and values of 10 min or more report
 * 600000. Pure functions, no I/O.
 */

export const HISTOGRAM_BUCKETS = 60;
const MAX_MS = 600_000;
const LOG_STEPS = HISTOGRAM_BUCKETS - 2;
const LN_GROWTH = Math.log(MAX_MS) / LOG_STEPS;
/** Ratio between the bounds of one log-spaced bucket. */
export const HISTOGRAM_GROWTH = Math.exp(LN_GROWTH);
/** Worst relative error of a reported percentile for values in [1 ms, 10 min). */
export const HISTOGRAM_RELATIVE_ERROR = Math.sqrt(HISTOGRAM_GROWTH) - 1;

/** Lower bound (inclusive) of every bucket; computed once (index i → bound of bucket i). */
const LOWER_BOUNDS: readonly number[] = Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) =>
  i === 0 ? 0 : i === HISTOGRAM_BUCKETS - 1 ? MAX_MS : Math.exp((i - 1) * LN_GROWTH),
);

/** A new all-zero histogram. */
export function createHistogram(): number[] {
  return new Array<number>(HISTOGRAM_BUCKETS).fill(0);
}

/** The bucket a duration in ms falls into (negative or NaN → bucket 0). */
export function histogramIndex(ms: number): number {
  if (!(ms >= 1)) return 0;
  if (ms >= MAX_MS) return HISTOGRAM_BUCKETS - 1;
  let i = Math.floor(Math.log(ms) / LN_GROWTH) + 1;
  // Floating point can land one off right at a bound; the table of bounds decides.
  if (i > 1 && ms < LOWER_BOUNDS[i]!) i--;
  else if (i < LOG_STEPS && ms >= LOWER_BOUNDS[i + 1]!) i++;
  return Math.min(Math.max(i, 1), LOG_STEPS);
}

/** Counts one duration. */
export function recordInHistogram(histogram: number[], ms: number): void {
  histogram[histogramIndex(ms)]! += 1;
}

/** Adds `source` into `target` element by element (missing elements count as 0). */
export function mergeHistogramInto(target: number[], source: readonly (number | string | null)[]): void {
  const n = Math.min(target.length, source.length);
  for (let i = 0; i < n; i++) {
    const v = source[i];
    if (v !== null && v !== undefined) target[i]! += Number(v);
  }
}

/** The value reported for a bucket: the geometric middle of the whole milliseconds it can hold. */
function representative(index: number): number {
  if (index === 0) return 0;
  if (index === HISTOGRAM_BUCKETS - 1) return MAX_MS;
  const low = Math.ceil(LOWER_BOUNDS[index]!);
  const high = Math.ceil(LOWER_BOUNDS[index + 1]!) - 1;
  // A bucket narrower than one millisecond holds no whole value: fall back to its geometric middle.
  if (high < low) return Math.sqrt(LOWER_BOUNDS[index]! * LOWER_BOUNDS[index + 1]!);
  return Math.sqrt(low * high);
}

/**
 * The nearest-rank `q` quantile (0 < q ≤ 1) of the histogram's values: the value of rank ⌈q·n⌉.
 * Null when the histogram is empty.
 */
export function histogramQuantile(histogram: readonly number[], q: number): number | null {
  let total = 0;
  for (const c of histogram) total += c;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i]!;
    if (seen >= rank) return representative(i);
  }
  return representative(histogram.length - 1);
}

/** p50/p95/p99 rounded to 0.1 ms (null when there is no value). */
export function summarizeHistogram(histogram: readonly number[]): {
  p50: number | null;
  p95: number | null;
  p99: number | null;
} {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    p50: round(histogramQuantile(histogram, 0.5)),
    p95: round(histogramQuantile(histogram, 0.95)),
    p99: round(histogramQuantile(histogram, 0.99)),
  };
}

/** The nearest-rank quantile of raw values (the reference the histogram is measured against). */
export function exactQuantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}
