/**
 * An instance-wide retry budget in the style of Finagle's and gRPC's: retries are earned by requests.
 * Every client request that goes upstream deposits `ratio` of a retry and every retry that FAILS
 * spends one; both count for `windowMs` (10 s). So when every provider fails at once, retries stay
 * within ratio × requests — upstream load ≤ (1 + ratio) × client requests — instead of being
 * multiplied by max attempts.
 *
 * A retry is held from `tryAcquireRetry` until `settleRetry`; while held it counts as spent (the
 * pessimistic view, so a burst of concurrent failures cannot all acquire before any settles). A
 * retry that succeeded (or was never sent) gives its unit back: failover to a healthy provider
 * costs the upstreams no more than the one failed attempt it replaces, so it is never what the
 * budget must stop. That is what keeps sequential failover going while one of three providers
 * answers 503 and the others are healthy.
 *
 * At low traffic a share of few requests is no budget at all, so while the window's deposits are
 * below what the floor would grant over the window (ratio × requests < minRetries × slices), a
 * concurrency floor like Envoy's `min_retry_concurrency` applies as well: a retry is allowed while
 * the retries in flight plus those that failed in the current slice (1 s) are below `minRetries`.
 * Sequential retries that succeed never fill it; a total outage fills it with failures, so at most
 * `minRetries` failed retries per second come from the floor. Those failed retries count against
 * the window too, so once traffic is high enough the share alone decides and the floor adds nothing.
 *
 * Why not Envoy's plain "concurrent retries ≤ max(min, ratio × active requests)": under a total
 * outage with sequential or steady load, retry slots free up as fast as retries fail, so the load
 * multiplier grows up to max attempts; a count of failures over a window bounds the total instead.
 *
 * Counts live in `buckets` fixed time slices, so memory is constant and every call is O(buckets).
 */

export interface RetryBudgetOptions {
  /** Retries earned per request (0.2 = retries may add 20% to the upstream load). */
  readonly ratio?: number;
  /** Retries in flight plus failed in the current slice (1 s) allowed while traffic is too low to earn that many. */
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
  /** Retries that failed in the current window. */
  readonly retries: number;
  /** Retries acquired and not yet settled. */
  readonly inFlight: number;
  /** Retries the requests of the current window earned. */
  readonly earnedRetries: number;
  /** Retries that failed in the current slice. */
  readonly sliceRetries: number;
  /** Whether traffic is low enough for the per-slice floor to apply. */
  readonly floorActive: boolean;
}

export interface RetryBudget {
  /** Counts one client request that goes upstream (it earns `ratio` of a retry). */
  recordRequest(): void;
  /** Holds one retry if the budget allows; false means: do not retry. Settle every true. */
  tryAcquireRetry(): boolean;
  /** Ends a held retry: "failed" spends it; "succeeded" (or "unused": never sent) gives it back. */
  settleRetry(outcome: RetryOutcome): void;
  snapshot(): RetryBudgetSnapshot;
}

/** How a held retry ended. */
export type RetryOutcome = "succeeded" | "failed" | "unused";

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
  let inFlight = 0;

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
    return { requests: r, retries: x, inFlight, earnedRetries, sliceRetries: slice, floorActive };
  };

  return {
    recordRequest() {
      const slot = currentSlot(now());
      requests[slot] = requests[slot]! + 1;
    },
    tryAcquireRetry() {
      const t = now();
      const w = totals(t);
      const earned = w.retries + inFlight < w.earnedRetries;
      const floor = w.floorActive && w.sliceRetries + inFlight < minRetries;
      if (!earned && !floor) return false;
      inFlight += 1;
      return true;
    },
    settleRetry(outcome) {
      if (inFlight > 0) inFlight -= 1;
      if (outcome !== "failed") return;
      const slot = currentSlot(now());
      retries[slot] = retries[slot]! + 1;
    },
    snapshot: () => totals(now()),
  };
}
