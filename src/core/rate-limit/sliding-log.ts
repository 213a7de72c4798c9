/**
 * Sliding-log rate limiting: the log keeps the timestamp of every admitted hit still inside the window,
 * and a hit is admitted while fewer than `limit` of them remain. Exact (no approximation at window
 * edges) at the cost of one entry per admitted hit. Pure: the caller passes the current time in.
 *
 * A hit at time `t` counts for the window `(t, t + windowMs]`: it stops counting at `t + windowMs`.
 */
import { AppError } from "../errors/catalogue";

export interface SlidingLogResult {
  /** Whether this hit was admitted (and recorded). */
  allowed: boolean;
  /** The configured limit. */
  limit: number;
  /** Hits still admissible in the current window after this one. */
  remaining: number;
  /** Ms until the oldest recorded hit leaves the window (0 when the window is empty). */
  resetMs: number;
  /** When refused: ms until one hit would be admitted again; 0 when allowed. */
  retryAfterMs: number;
}

/** Checks the limit and window once, so every caller rejects the same nonsense the same way. */
export function assertSlidingLogParams(limit: number, windowMs: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new AppError(
      "INTERNAL_ERROR",
      `Sliding window limit must be a positive integer (got ${String(limit)})`,
    );
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new AppError(
      "INTERNAL_ERROR",
      `Sliding window length must be a positive integer of ms (got ${String(windowMs)})`,
    );
  }
}

/**
 * Drops hits that left the window. `log` is sorted ascending and is modified in place; returns it.
 */
export function pruneSlidingLog(log: number[], now: number, windowMs: number): number[] {
  let expired = 0;
  // Sorted ascending, so expired hits form a prefix.
  while (expired < log.length && (log[expired] as number) + windowMs <= now) expired++;
  if (expired > 0) log.splice(0, expired);
  return log;
}

/**
 * Records one hit at `now` if the window still has room. `log` (sorted ascending, modified in place)
 * must hold only this key's admitted hits; timestamps never go backwards for a given log.
 */
export function hitSlidingLog(log: number[], now: number, limit: number, windowMs: number): SlidingLogResult {
  assertSlidingLogParams(limit, windowMs);
  pruneSlidingLog(log, now, windowMs);
  // A clock that stepped backwards must not break the ordering the prune relies on.
  const at = log.length > 0 ? Math.max(now, log[log.length - 1] as number) : now;

  if (log.length < limit) {
    log.push(at);
    return {
      allowed: true,
      limit,
      remaining: limit - log.length,
      resetMs: Math.max(0, (log[0] as number) + windowMs - now),
      retryAfterMs: 0,
    };
  }

  // Refused: one hit fits again once all but limit-1 recorded hits expired. The log may exceed
  // `limit` when the limit was lowered since those hits were admitted.
  const pivot = log[log.length - limit] as number;
  return {
    allowed: false,
    limit,
    remaining: 0,
    resetMs: Math.max(0, (log[0] as number) + windowMs - now),
    retryAfterMs: Math.max(1, pivot + windowMs - now),
  };
}

/** When the log's last hit leaves the window, i.e. when the whole key may be forgotten. */
export function slidingLogExpiresAt(log: readonly number[], windowMs: number): number {
  return log.length === 0 ? Number.NEGATIVE_INFINITY : (log[log.length - 1] as number) + windowMs;
}
