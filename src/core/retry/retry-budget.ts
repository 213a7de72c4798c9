/**
 * An in-process retry budget like Envoy's: retries in progress may not exceed
 * max(minRetries, floor(ratio × active requests)). When every provider fails at once, this caps the
 * extra load retries add (≈ ratio of the traffic) instead of multiplying it by max attempts, while
 * minRetries keeps retries possible at low traffic. It limits concurrency, not a total count.
 *
 * Usage per client request: requestStarted() on entry and requestFinished() on exit; before each
 * retry attempt tryAcquireRetry() (false → stop retrying), and retryFinished() once that attempt is
 * over, whatever its result. Counters never go below zero, so an unmatched finish cannot mint budget.
 */

export interface RetryBudgetOptions {
  /** Share of active requests that may be retrying at once (Envoy's budget_percent / 100). */
  readonly ratio?: number;
  /** Retries always allowed concurrently, however little traffic there is. */
  readonly minRetries?: number;
}

export interface RetryBudgetSnapshot {
  readonly activeRequests: number;
  readonly activeRetries: number;
  readonly allowedRetries: number;
}

export interface RetryBudget {
  requestStarted(): void;
  requestFinished(): void;
  /** Takes a retry slot if the budget allows; the caller must call retryFinished() after a true. */
  tryAcquireRetry(): boolean;
  retryFinished(): void;
  snapshot(): RetryBudgetSnapshot;
}

export const DEFAULT_RETRY_BUDGET_RATIO = 0.2;
export const DEFAULT_MIN_RETRIES = 3;

/** Creates a retry budget; throws a RangeError for a negative/non-finite ratio or a bad minRetries. */
export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const ratio = options.ratio ?? DEFAULT_RETRY_BUDGET_RATIO;
  const minRetries = options.minRetries ?? DEFAULT_MIN_RETRIES;
  if (!Number.isFinite(ratio) || ratio < 0) {
    throw new RangeError(`Retry budget ratio must be a finite number ≥ 0 (got ${ratio}).`);
  }
  if (!Number.isInteger(minRetries) || minRetries < 0) {
    throw new RangeError(`Retry budget minRetries must be an integer ≥ 0 (got ${minRetries}).`);
  }

  let activeRequests = 0;
  let activeRetries = 0;
  // The epsilon keeps 0.29 × 100 = 28.999999999999996 from flooring to 28.
  const allowed = (): number => Math.max(minRetries, Math.floor(ratio * activeRequests + 1e-9));

  return {
    requestStarted() {
      activeRequests += 1;
    },
    requestFinished() {
      if (activeRequests > 0) activeRequests -= 1;
    },
    tryAcquireRetry() {
      if (activeRetries >= allowed()) return false;
      activeRetries += 1;
      return true;
    },
    retryFinished() {
      if (activeRetries > 0) activeRetries -= 1;
    },
    snapshot() {
      return { activeRequests, activeRetries, allowedRetries: allowed() };
    },
  };
}
