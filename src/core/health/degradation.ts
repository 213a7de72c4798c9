/**
 * When an in-service provider is reported `degraded`, and when it stops being: a latch per reason
 * with hysteresis (a line to cross going in and a lower one coming out) and dwell times, so a
 * provider near a threshold keeps its verdict instead of flipping on every attempt.
 *
 * - success_rate: enters below `degradedSuccessRate` (with the minimum volume); clears at or above
 *   `degradedSuccessRateExit`, or when the window holds less than the minimum volume; dropped at once
 *   when the window is empty (out of service, or every outcome aged out).
 * - latency: enters when the latency EWMA is above max(floor, factor × reference); clears at or below
 *   that line scaled by exitFactor / factor. The reference is the median, over the last
 *   `latencyReferenceWindowMs`, of the group medians of the provider's peers (the other members), so a
 *   provider is never compared with itself and one moment of a peer does not move the line. Samples
 *   age out only when a group evaluation notes a new one (with or without a peer median): an idle
 *   group keeps its reference, so nobody "recovers" for lack of traffic, while a provider left alone
 *   in its group loses its reference within the window and, with it, its latency verdict.
 * - A latch goes on once its entering condition has held for `degradedEnterMs` without clearing (and
 *   still holds), and off once its clearing condition has held for `degradedExitMs` without a break.
 *
 * This is a reporting verdict only (routing never reads it), judged by each instance on the state it
 * holds, and stepped whenever that state or the reference changes: between two steps the latency
 * inputs do not move, so a condition seen at two steps held in between (the success-rate window also
 * moves with time; such a change is noticed at the next step). Plain JSON, pure functions; every
 * function returns its input object when nothing changed.
 */
import { computeWindowStats } from "./outcome-window";
import type { HealthPolicy } from "./policy";
import type { ProviderHealthState } from "./provider-health";

/** Why an in-service provider is reported `degraded`. */
export type DegradedReason = "success_rate" | "latency";

export interface DegradationLatch {
  /** The verdict: degraded for this reason. */
  readonly on: boolean;
  /** Start of a pending change: entering while off, leaving while on; null when none is pending. */
  readonly since: number | null;
}

export interface LatencyReferenceSample {
  /** Bucket start, ms since the epoch (a multiple of latencyReferenceWindowMs / REFERENCE_BUCKETS). */
  readonly start: number;
  /** Median latency EWMA of the provider's peers noted in that bucket (the last one noted), ms. */
  readonly medianMs: number;
}

export interface DegradationState {
  readonly successRate: DegradationLatch;
  readonly latency: DegradationLatch;
  /** Peer medians noted over the reference window, oldest first (at most REFERENCE_BUCKETS). */
  readonly samples: readonly LatencyReferenceSample[];
  /** Median of `samples`; null when there is none. */
  readonly referenceMs: number | null;
}

/** The reference window is split into this many buckets: bounded memory at any evaluation rate. */
export const REFERENCE_BUCKETS = 10;

const OFF: DegradationLatch = Object.freeze({ on: false, since: null });
const ON: DegradationLatch = Object.freeze({ on: true, since: null });

type DegradationPolicy = Pick<
  HealthPolicy,
  | "windowMs"
  | "windowBuckets"
  | "minimumVolume"
  | "degradedSuccessRate"
  | "degradedSuccessRateExit"
  | "degradedLatencyFactor"
  | "degradedLatencyExitFactor"
  | "degradedLatencyFloorMs"
  | "latencyReferenceWindowMs"
  | "degradedEnterMs"
  | "degradedExitMs"
>;

/** Returns the verdicts of a provider nothing is known about: not degraded, no reference. */
export function createDegradationState(): DegradationState {
  return { successRate: OFF, latency: OFF, samples: [], referenceMs: null };
}

/** Names the reason the provider is reported degraded for (success rate first), or null. */
export function readDegradedReason(state: DegradationState): DegradedReason | null {
  if (state.successRate.on) return "success_rate";
  return state.latency.on ? "latency" : null;
}

/** Returns the state with the success-rate verdict dropped (its evidence was cleared by an operator). */
export function clearSuccessRateVerdict(state: DegradationState): DegradationState {
  return state.successRate === OFF ? state : { ...state, successRate: OFF };
}

/**
 * Returns the state with the peers' median latency noted at `now` (null: no peer has one in the group
 * evaluated), samples older than the window at `now` dropped.
 */
export function noteLatencyReference(
  state: DegradationState,
  peerMedianMs: number | null,
  now: number,
  policy: DegradationPolicy,
): DegradationState {
  const live = state.samples.filter((sample) => sample.start > now - policy.latencyReferenceWindowMs);
  const last = live[live.length - 1];
  if (peerMedianMs !== null) {
    const bucketMs = Math.max(1, Math.ceil(policy.latencyReferenceWindowMs / REFERENCE_BUCKETS));
    const start = Math.floor(now / bucketMs) * bucketMs;
    // A clock that stepped backwards lands in the newest bucket, keeping the list ordered.
    if (last !== undefined && last.start >= start) {
      live[live.length - 1] = { start: last.start, medianMs: peerMedianMs };
    } else {
      live.push({ start, medianMs: peerMedianMs });
    }
  }
  if (sameSamples(live, state.samples)) return state;
  return { ...state, samples: live, referenceMs: computeMedian(live.map((sample) => sample.medianMs)) };
}

/** Returns the verdicts after observing `health` at `now`. */
export function stepDegradation(
  state: DegradationState,
  health: ProviderHealthState,
  now: number,
  policy: DegradationPolicy,
): DegradationState {
  const successRate = stepSuccessRateLatch(state.successRate, health, now, policy);
  const latency = stepLatencyLatch(state.latency, health, state.referenceMs, now, policy);
  if (successRate === state.successRate && latency === state.latency) return state;
  return { ...state, successRate, latency };
}

/** Moves one latch: on after `enterMs` of entering without clearing, off after `exitMs` of clearing. */
export function stepLatch(
  latch: DegradationLatch,
  entering: boolean,
  clearing: boolean,
  now: number,
  enterMs: number,
  exitMs: number,
): DegradationLatch {
  if (!latch.on) {
    if (latch.since === null) {
      if (!entering) return latch;
      return enterMs === 0 ? ON : { on: false, since: now };
    }
    if (clearing) return OFF;
    return entering && now - latch.since >= enterMs ? ON : latch;
  }
  if (!clearing) return latch.since === null ? latch : ON;
  if (latch.since === null) return exitMs === 0 ? OFF : { on: true, since: now };
  return now - latch.since >= exitMs ? OFF : latch;
}

function stepSuccessRateLatch(
  latch: DegradationLatch,
  health: ProviderHealthState,
  now: number,
  policy: DegradationPolicy,
): DegradationLatch {
  // Out of service the outcome window is emptied, and an empty window (every outcome aged out) holds
  // neither evidence nor noise to wait out: whatever it said no longer stands.
  if (health.mode === "out") return OFF;
  const stats = computeWindowStats(health.window, now, policy);
  if (stats.volume === 0) return OFF;
  // Below the minimum volume the rate says too little: nothing to enter on, and a verdict lapses.
  const rate = stats.volume >= policy.minimumVolume ? stats.successRate : null;
  const entering = rate !== null && rate < policy.degradedSuccessRate;
  const clearing = rate === null || rate >= policy.degradedSuccessRateExit;
  return stepLatch(latch, entering, clearing, now, policy.degradedEnterMs, policy.degradedExitMs);
}

function stepLatencyLatch(
  latch: DegradationLatch,
  health: ProviderHealthState,
  referenceMs: number | null,
  now: number,
  policy: DegradationPolicy,
): DegradationLatch {
  const factor = policy.degradedLatencyFactor;
  const ewma = health.latencyEwmaMs;
  if (factor === 0) return OFF;
  if (ewma === null || referenceMs === null) {
    return stepLatch(latch, false, true, now, policy.degradedEnterMs, policy.degradedExitMs);
  }
  const enterLine = Math.max(policy.degradedLatencyFloorMs, factor * referenceMs);
  const exitLine = (enterLine * policy.degradedLatencyExitFactor) / factor;
  return stepLatch(
    latch,
    ewma > enterLine,
    ewma <= exitLine,
    now,
    policy.degradedEnterMs,
    policy.degradedExitMs,
  );
}

function sameSamples(a: readonly LatencyReferenceSample[], b: readonly LatencyReferenceSample[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((sample, i) => sample.start === b[i]?.start && sample.medianMs === b[i]?.medianMs);
}

function computeMedian(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
