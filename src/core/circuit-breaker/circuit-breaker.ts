/**
 * A circuit breaker as a pure state machine (no timers, no I/O; the clock is injected). It guards a
 * dependency that can stall: while the dependency answers, calls pass (closed); after
 * `failureThreshold` consecutive failures within `windowMs` it opens and calls are refused at once;
 * while open, exactly one probe at a time is let through, the first `probeIntervalMs` after opening and
 * then `probeIntervalMs` after the previous probe started (half-open while it runs); a probe that
 * succeeds closes the breaker, one that fails leaves it open.
 *
 * Only the probe decides while the breaker is not closed: outcomes of calls admitted before it opened
 * that settle later are ignored, so a late success cannot close it and a late timeout cannot delay a
 * probe. The caller runs the probe (a cheap call such as a ping) and schedules it with `msUntilProbe`.
 */

export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker (default 3). */
  readonly failureThreshold?: number;
  /** The last `failureThreshold` failures must fall within this many ms (default 10 000). */
  readonly windowMs?: number;
  /** Gap between the starts of two probes while open (default 1 000). */
  readonly probeIntervalMs?: number;
  /** Clock in ms. */
  readonly now?: () => number;
  /** Called on every state change, after it happened; must not throw. */
  readonly onTransition?: (transition: BreakerTransition) => void;
}

export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** Clock time of the change. */
  readonly at: number;
  /** Failures that opened it (closed → open); 0 otherwise. */
  readonly failures: number;
  /** How long it had been refusing calls (→ closed); 0 otherwise. */
  readonly openForMs: number;
}

export interface BreakerSnapshot {
  readonly state: BreakerState;
  /** Failures in the current streak (reset by a success). */
  readonly consecutiveFailures: number;
  /** Times it opened (closed → open) and closed again since it was created. */
  readonly opens: number;
  readonly closes: number;
  /** Clock time it last opened; null while it never did. */
  readonly openedAt: number | null;
}

export interface CircuitBreaker {
  state(): BreakerState;
  /** Whether a regular call may go to the dependency now (only while closed). */
  allowsCalls(): boolean;
  /** Records that a regular call got an answer (resets the failure streak while closed). */
  recordSuccess(): void;
  /** Records a regular call that failed or timed out; may open the breaker. */
  recordFailure(): void;
  /** Ms until a probe is due (0: now); null while closed or while the probe is in flight. */
  msUntilProbe(): number | null;
  /** Claims the single probe: true (and half-open) when open and the probe is due, else false. */
  tryStartProbe(): boolean;
  /** Reports the claimed probe's outcome: success closes the breaker, failure leaves it open. */
  finishProbe(succeeded: boolean): void;
  snapshot(): BreakerSnapshot;
}

export const DEFAULT_BREAKER_FAILURE_THRESHOLD = 3;
export const DEFAULT_BREAKER_WINDOW_MS = 10_000;
export const DEFAULT_BREAKER_PROBE_INTERVAL_MS = 1_000;

/** Creates a closed breaker; throws a RangeError for out-of-range options. */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? DEFAULT_BREAKER_FAILURE_THRESHOLD;
  const windowMs = options.windowMs ?? DEFAULT_BREAKER_WINDOW_MS;
  const probeIntervalMs = options.probeIntervalMs ?? DEFAULT_BREAKER_PROBE_INTERVAL_MS;
  const now = options.now ?? Date.now;
  const onTransition = options.onTransition;
  assertPositiveInteger("failureThreshold", threshold);
  assertPositiveInteger("windowMs", windowMs);
  assertPositiveInteger("probeIntervalMs", probeIntervalMs);

  let state: BreakerState = "closed";
  // Times of the current streak's failures, the last `threshold` only (oldest first).
  const streak: number[] = [];
  let streakLength = 0;
  let openedAt: number | null = null;
  // When the next probe may start (meaningful while open).
  let probeDueAt = 0;
  let opens = 0;
  let closes = 0;

  const move = (to: BreakerState, at: number, failures: number) => {
    const from = state;
    state = to;
    const openForMs = to === "closed" && openedAt !== null ? at - openedAt : 0;
    onTransition?.({ from, to, at, failures, openForMs });
  };

  return {
    state: () => state,
    allowsCalls: () => state === "closed",
    recordSuccess() {
      if (state !== "closed") return;
      streak.length = 0;
      streakLength = 0;
    },
    recordFailure() {
      if (state !== "closed") return;
      const t = now();
      streak.push(t);
      if (streak.length > threshold) streak.shift();
      streakLength++;
      if (streak.length < threshold || t - streak[0]! > windowMs) return;
      const failures = streakLength;
      streak.length = 0;
      streakLength = 0;
      openedAt = t;
      probeDueAt = t + probeIntervalMs;
      opens++;
      move("open", t, failures);
    },
    msUntilProbe() {
      if (state !== "open") return null;
      return Math.max(0, probeDueAt - now());
    },
    tryStartProbe() {
      if (state !== "open") return false;
      const t = now();
      if (t < probeDueAt) return false;
      probeDueAt = t + probeIntervalMs;
      move("half-open", t, 0);
      return true;
    },
    finishProbe(succeeded) {
      if (state !== "half-open") return;
      const t = now();
      if (succeeded) {
        closes++;
        move("closed", t, 0);
      } else move("open", t, 0);
    },
    snapshot: () => ({ state, consecutiveFailures: streakLength, opens, closes, openedAt }),
  };
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Circuit breaker ${name} must be a positive integer (got ${String(value)}).`);
  }
}
