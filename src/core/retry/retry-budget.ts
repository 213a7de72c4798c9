/**
 * An instance-wide retry budget in the style of Finagle's and gRPC's: retries are earned by requests.
 * Every client request that goes upstream deposits `ratio` of a retry and every retry spends one;
 * both count for `windowMs` (10 s). So when every provider fails at once, retries stay within
 * ratio × requests — upstream load ≤ (1 + ratio) × client requests — instead of being multiplied by
 * max attempts.
 *
 * At low traffic a share of few requests is no budget at all, so while the window's deposits are
 * below what the floor would grant over the window (ratio × requests < minRetries × slices), up to
 * `minRetries` retries per slice (1 s) are allowed as well. Those retries count against the window
 * too, so once traffic is high enough the share alone decides and the floor adds nothing.
 *
 * Why not Envoy's "concurrent retries ≤ ratio × active requests": under a total outage with steady
 * load, retry slots free up as fast as retries fail, so the share of attempts that are retries — and
 * the load multiplier — grows with how long requests stay active (backoff sleeps included); a count
 * over a window bounds the total instead. Why no additive reserve (Finagle's minRetriesPerSec): it
 * would let an outage exceed the share at any load.
 *
 * Counts live in `buckets` fixed time slices, so memory is constant and every call is O(buckets).
 */

export interface RetryBudgetOptions {
  /** Retries earned per request (0.2 = retries may add 20% to the upstream load). */
  readonly ratio?: number;
  /** Retries allowed per slice (1 s by default) while traffic is too low to earn that many. */
  readonly minRetries?: number;
  /** How long a request's deposit and a retry's withdrawal count, ms. */
  readonly windowMs?: number;
  /** Time slices of the window (the window may forget up to one slice early; the floor is per slice). */
  readonly buckets?: number;
  /** Clock in ms. */
  readonly now?: () => number;
}

export interface RetryBudgetSnapshot {
  /** Requests counted in the current window. */
  readonly requests: number;
  /** Retries spent in the current window. */
  readonly retries: number;
  /** Retries the requests of the current window earned. */
  readonly earnedRetries: number;
  /** Retries spent in the current slice. */
  readonly sliceRetries: number;
  /** Whether traffic is low enough for the per-slice floor to apply. */
  readonly floorActive: boolean;
}

export interface RetryBudget {
  /** Counts one client request that goes upstream (it earns `ratio` of a retry). */
  recordRequest(): void;
  /** Spends one retry if the budget allows; false means: do not retry. */
  tryAcquireRetry(): boolean;
  snapshot(): RetryBudgetSnapshot;
}

export const DEFAULT_RETRY_BUDGET_RATIO = 0.2;
export const DEFAULT_MIN_RETRIES = 3;
const DEFAULT_RETRY_BUDGET_WINDOW_MS = 10_000;
const DEFAULT_BUCKETS = 10;

/** Creates a retry budget; throws a RangeError for out-of-range options. */
export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const ratio = options.ratio ?? DEFAULT_RETRY_BUDGET_RATIO;
  const minRetries = options.minRetries ?? DEFAULT_MIN_RETRIES;
  const windowMs = options.windowMs ?? DEFAULT_RETRY_BUDGET_WINDOW_MS;
  const bucketCount = options.buckets ?? DEFAULT_BUCKETS;
  const now = options.now ?? Date.now;
  if (!Number.isFinite(ratio) || ratio < 0) {
    throw new RangeError(`Retry budget ratio must be a finite number ≥ 0 (got ${ratio}).`);
  }
  if (!Number.isInteger(minRetries) || minRetries < 0) {
    throw new RangeError(`Retry budget minRetries must be an integer ≥ 0 (got ${minRetries}).`);
  }
  if (!Number.isInteger(windowMs) || windowMs < 1) {
    throw new RangeError(`Retry budget windowMs must be an integer ≥ 1 (got ${windowMs}).`);
  }
  if (!Number.isInteger(bucketCount) || bucketCount < 1 || bucketCount > windowMs) {
    throw new RangeError(`Retry budget buckets must be an integer in 1..windowMs (got ${bucketCount}).`);
  }

  const bucketMs = Math.ceil(windowMs / bucketCount);
  const starts = new Float64Array(bucketCount).fill(Number.NEGATIVE_INFINITY);
  const requests = new Float64Array(bucketCount);
  const retries = new Float64Array(bucketCount);

  /** Returns the slot of the current slice, cleared if it still held an older slice. */
  const currentSlot = (t: number): number => {
    const sliceIndex = Math.floor(t / bucketMs);
    const slot = ((sliceIndex % bucketCount) + bucketCount) % bucketCount;
    const start = sliceIndex * bucketMs;
    // After a clock step back the slot may hold a newer slice: count into it rather than erase it.
    if (starts[slot]! < start) {
      starts[slot] = start;
      requests[slot] = 0;
      retries[slot] = 0;
    }
    return slot;
  };

  const totals = (t: number): RetryBudgetSnapshot => {
    let r = 0;
    let x = 0;
    let slice = 0;
    const oldest = t - windowMs;
    const current = Math.floor(t / bucketMs) * bucketMs;
    for (let i = 0; i < bucketCount; i++) {
      const start = starts[i]!;
      // A slice counts while its start is inside (t - windowMs, t]; a clock step back keeps it.
      if (start <= oldest) continue;
      r += requests[i]!;
      x += retries[i]!;
      if (start >= current) slice += retries[i]!;
    }
    // The epsilon keeps 0.29 × 100 = 28.999999999999996 from flooring to 28.
    const earnedRetries = Math.floor(ratio * r + 1e-9);
    const floorActive = ratio * r < minRetries * bucketCount;
    return { requests: r, retries: x, earnedRetries, sliceRetries: slice, floorActive };
  };

  return {
    recordRequest() {
      const slot = currentSlot(now());
      requests[slot] = requests[slot]! + 1;
    },
    tryAcquireRetry() {
      const t = now();
      const w = totals(t);
      const earned = w.retries < w.earnedRetries;
      const floor = w.floorActive && w.sliceRetries < minRetries;
      if (!earned && !floor) return false;
      const slot = currentSlot(t);
      retries[slot] = retries[slot]! + 1;
      return true;
    },
    snapshot: () => totals(now()),
  };
}
