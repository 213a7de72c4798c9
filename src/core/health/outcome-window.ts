/**
 * The sliding outcome window: success/failure counts in fixed time buckets, so memory stays bounded
 * (at most `windowBuckets` entries) whatever the request rate, and the state stays plain JSON.
 *
 * A bucket counts while its start is inside `(now - windowMs, now]`, so an outcome never counts for
 * longer than `windowMs` (it may stop up to one bucket earlier).
 */
import type { HealthPolicy } from "./policy";

export interface WindowBucket {
  /** Bucket start, ms since the epoch (a multiple of the bucket size). */
  readonly start: number;
  readonly successes: number;
  readonly failures: number;
}

export interface WindowStats {
  readonly successes: number;
  readonly failures: number;
  /** successes + failures; neutral outcomes never count. */
  readonly volume: number;
  /** successes / volume, or null when the window is empty. */
  readonly successRate: number | null;
}

type WindowPolicy = Pick<HealthPolicy, "windowMs" | "windowBuckets">;

/** Returns the bucket length in ms for `policy`. */
export function computeBucketMs(policy: WindowPolicy): number {
  return Math.max(1, Math.ceil(policy.windowMs / policy.windowBuckets));
}

/** Returns the buckets still inside the window at `now` (the input is not modified). */
export function pruneWindow(
  buckets: readonly WindowBucket[],
  now: number,
  policy: WindowPolicy,
): WindowBucket[] {
  return buckets.filter((bucket) => bucket.start > now - policy.windowMs);
}

/** Returns a new bucket list with one success or failure added at `now`. */
export function addToWindow(
  buckets: readonly WindowBucket[],
  kind: "success" | "failure",
  now: number,
  policy: WindowPolicy,
): WindowBucket[] {
  const bucketMs = computeBucketMs(policy);
  const live = pruneWindow(buckets, now, policy);
  const start = Math.floor(now / bucketMs) * bucketMs;
  const last = live[live.length - 1];
  const success = kind === "success" ? 1 : 0;
  // A clock that stepped backwards lands in the newest bucket, keeping the list ordered.
  if (last !== undefined && last.start >= start) {
    live[live.length - 1] = {
      start: last.start,
      successes: last.successes + success,
      failures: last.failures + 1 - success,
    };
  } else {
    live.push({ start, successes: success, failures: 1 - success });
  }
  return live;
}

/** Sums the buckets inside the window at `now`. */
export function computeWindowStats(
  buckets: readonly WindowBucket[],
  now: number,
  policy: WindowPolicy,
): WindowStats {
  let successes = 0;
  let failures = 0;
  for (const bucket of buckets) {
    if (bucket.start <= now - policy.windowMs) continue;
    successes += bucket.successes;
    failures += bucket.failures;
  }
  const volume = successes + failures;
  return { successes, failures, volume, successRate: volume === 0 ? null : successes / volume };
}
