/**
 * One provider's passive health as a plain JSON object, and pure transitions on it. Every function
 * returns a new object (or the same one when nothing changed) and never mutates its input, so the
 * state can live in memory today and in Redis tomorrow.
 *
 * Life cycle: `active` (in service; `healthy`, `degraded` or `unhealthy` when over an ejection
 * threshold that the group rules did not let through) → `out` (ejected, or credential rejected) until
 * `outUntil` → one trial (half-open) → success: back to `active` with a slow-start ramp; failure: out
 * again, for longer. Ejection itself is decided by the group rules (group-health.ts), which know the
 * group's size; this file only says whether a provider is over a threshold.
 */
import { AppError } from "../errors/catalogue";
import { HEALTH_OUTCOMES, type HealthOutcome, type HealthStateName } from "../vocabulary/health";
import type { DegradedReason } from "./degradation";
import { addToWindow, computeWindowStats, type WindowBucket, type WindowStats } from "./outcome-window";
import type { HealthPolicy } from "./policy";

export interface AttemptOutcome {
  /** How the attempt counts for health (the retry classifier's `health` verdict). */
  readonly health: HealthOutcome;
  /** Latency of a successful attempt (e.g. time to first byte), ms; feeds the EWMA. */
  readonly latencyMs?: number;
  /** Upstream HTTP status, when the upstream answered. */
  readonly status?: number;
  /** Catalogue error code (e.g. UPSTREAM_TIMEOUT), when there is one. */
  readonly code?: string;
}

/** Automatic ejection triggers. */
export type EjectionTrigger = "consecutive_failures" | "failure_rate";

/** Why a provider is out of service. */
export type OutReason = EjectionTrigger | "trial_failed" | "auth" | "manual";

/** Why a provider is in its current state (null when healthy). */
export type HealthReason = OutReason | DegradedReason;

export interface LastError {
  readonly status: number | null;
  readonly code: string | null;
  readonly at: number;
}

export interface ProviderHealthState {
  /** `active`: in service. `out`: ejected or credential rejected; back only through a trial or restore. */
  readonly mode: "active" | "out";
  readonly outReason: OutReason | null;
  /** When a trial may start (end of ejection or auth cooldown); null while active or ejected indefinitely. */
  readonly outUntil: number | null;
  /** Start of the trial in flight, if any. */
  readonly trialStartedAt: number | null;
  readonly consecutiveFailures: number;
  readonly window: readonly WindowBucket[];
  /** Latency EWMA of successful attempts, ms; null before the first sample. */
  readonly latencyEwmaMs: number | null;
  readonly lastFailureAt: number | null;
  readonly lastError: LastError | null;
  /** Ejections so far (automatic and manual). */
  readonly ejections: number;
  /** Ejection multiplier at the last ejection; decays while back in service (computeEjectionLevel). */
  readonly ejectionLevel: number;
  /** When the provider last came back into service: origin of the slow-start ramp and the decay. */
  readonly returnedAt: number | null;
}

export interface Availability {
  /** Whether a request may be sent to it now. */
  readonly available: boolean;
  /** Available only as the single half-open trial: claim it with beginTrial before sending. */
  readonly trial: boolean;
  /** Multiplier (0..1] for the provider's weight: the slow-start ramp; 0 when unavailable. */
  readonly weightFactor: number;
}

export interface HealthDescription {
  readonly state: HealthStateName;
  readonly reason: HealthReason | null;
}

const OUTCOMES: ReadonlySet<string> = new Set(HEALTH_OUTCOMES);

/** Returns the state of a provider nothing is known about yet: healthy, at full weight. */
export function createHealthState(): ProviderHealthState {
  return {
    mode: "active",
    outReason: null,
    outUntil: null,
    trialStartedAt: null,
    consecutiveFailures: 0,
    window: [],
    latencyEwmaMs: null,
    lastFailureAt: null,
    lastError: null,
    ejections: 0,
    ejectionLevel: 0,
    returnedAt: null,
  };
}

/** Returns the state after one attempt's outcome at `now`. */
export function recordOutcome(
  state: ProviderHealthState,
  outcome: AttemptOutcome,
  now: number,
  policy: HealthPolicy,
): ProviderHealthState {
  assertOutcome(outcome);
  // Neutral outcomes (client errors, aborts, our own limits) say nothing about the upstream; one only
  // frees the trial slot, since the trial it may have been did not decide anything.
  if (outcome.health === "neutral") {
    return state.trialStartedAt === null ? state : { ...state, trialStartedAt: null };
  }
  if (state.mode === "active") return recordWhileActive(state, outcome, now, policy);
  if (isTrialPhase(state, now)) return settleTrial(state, outcome, now, policy);
  return recordWhileOut(state, outcome, now, policy);
}

function recordWhileActive(
  state: ProviderHealthState,
  outcome: AttemptOutcome,
  now: number,
  policy: HealthPolicy,
): ProviderHealthState {
  if (outcome.health === "success") {
    return {
      ...state,
      window: addToWindow(state.window, "success", now, policy),
      consecutiveFailures: 0,
      latencyEwmaMs: updateLatencyEwma(state.latencyEwmaMs, outcome.latencyMs, policy.latencyEwmaAlpha),
    };
  }
  const failed = noteError(state, outcome, now);
  if (outcome.health === "auth_failure") return takeOut(failed, "auth", now + policy.authCooldownMs);
  return {
    ...failed,
    window: addToWindow(state.window, "failure", now, policy),
    consecutiveFailures: state.consecutiveFailures + 1,
  };
}

/** The first outcome once the provider may be tried again decides, whether or not it claimed the trial. */
function settleTrial(
  state: ProviderHealthState,
  outcome: AttemptOutcome,
  now: number,
  policy: HealthPolicy,
): ProviderHealthState {
  if (outcome.health === "success") {
    return {
      ...returnToService(state, now),
      latencyEwmaMs: updateLatencyEwma(state.latencyEwmaMs, outcome.latencyMs, policy.latencyEwmaAlpha),
    };
  }
  const failed = noteError(state, outcome, now);
  if (outcome.health === "auth_failure") return takeOut(failed, "auth", now + policy.authCooldownMs);
  return ejectProvider(failed, now, policy, "trial_failed");
}

/**
 * Before the trial phase, outcomes are late answers to requests sent before the provider went out, or
 * panic traffic: they must neither end the ejection early nor lengthen it (that would run away).
 * They still refresh the last failure, which is what panic selection rotates on.
 */
function recordWhileOut(
  state: ProviderHealthState,
  outcome: AttemptOutcome,
  now: number,
  policy: HealthPolicy,
): ProviderHealthState {
  if (outcome.health === "success") return state;
  const failed = noteError(state, outcome, now);
  if (outcome.health === "auth_failure" && state.outReason !== "manual" && state.outReason !== "auth") {
    const until = Math.max(state.outUntil ?? now, now + policy.authCooldownMs);
    return takeOut(failed, "auth", until);
  }
  return failed;
}

/** Returns the state ejected automatically at `now`, for base × multiplier (capped). */
export function ejectProvider(
  state: ProviderHealthState,
  now: number,
  policy: HealthPolicy,
  reason: EjectionTrigger | "trial_failed",
): ProviderHealthState {
  const maxLevel = Math.ceil(policy.maxEjectionMs / policy.baseEjectionMs);
  const level = Math.min(maxLevel, computeEjectionLevel(state, now, policy) + 1);
  const duration = Math.min(policy.maxEjectionMs, policy.baseEjectionMs * level);
  return { ...takeOut(state, reason, now + duration), ejections: state.ejections + 1, ejectionLevel: level };
}

/** Returns the state ejected by an operator until `until` (null: until restored). */
export function ejectManually(state: ProviderHealthState, until: number | null): ProviderHealthState {
  return { ...takeOut(state, "manual", until), ejections: state.ejections + 1 };
}

/** Returns the state put back into service by an operator (or after a config change): counters cleared. */
export function restoreProvider(state: ProviderHealthState, now: number): ProviderHealthState {
  if (state.mode === "out") return returnToService(state, now);
  return { ...state, consecutiveFailures: 0, window: [] };
}

/** Claims the single trial at `now`; returns null when no trial may start (not due, or one in flight). */
export function beginTrial(
  state: ProviderHealthState,
  now: number,
  policy: HealthPolicy,
): ProviderHealthState | null {
  if (!isTrialPhase(state, now) || isTrialInFlight(state, now, policy)) return null;
  return { ...state, trialStartedAt: now };
}

/** Says whether a request may go to the provider at `now`, and with which weight factor. */
export function computeAvailability(
  state: ProviderHealthState,
  now: number,
  policy: HealthPolicy,
): Availability {
  if (state.mode === "active") {
    return { available: true, trial: false, weightFactor: computeSlowStartFactor(state, now, policy) };
  }
  if (isTrialPhase(state, now) && !isTrialInFlight(state, now, policy)) {
    return { available: true, trial: true, weightFactor: policy.slowStartFloor };
  }
  return { available: false, trial: false, weightFactor: 0 };
}

/** Returns the slow-start weight factor at `now`: floor → 1 linearly over slowStartMs after a return. */
export function computeSlowStartFactor(
  state: ProviderHealthState,
  now: number,
  policy: HealthPolicy,
): number {
  if (state.mode === "out") return 0;
  if (state.returnedAt === null || policy.slowStartMs === 0) return 1;
  const elapsed = Math.max(0, now - state.returnedAt);
  if (elapsed >= policy.slowStartMs) return 1;
  const floor = policy.slowStartFloor;
  return floor + ((1 - floor) * elapsed) / policy.slowStartMs;
}

/** Returns the ejection multiplier at `now`: the last one, lowered by one per full decay period in service. */
export function computeEjectionLevel(state: ProviderHealthState, now: number, policy: HealthPolicy): number {
  if (state.mode === "out" || state.returnedAt === null) return state.ejectionLevel;
  const steps = Math.max(0, Math.floor((now - state.returnedAt) / policy.ejectionDecayMs));
  return Math.max(0, state.ejectionLevel - steps);
}

/** Returns which threshold an in-service provider is over at `now`, if any. */
export function findEjectionTrigger(
  state: ProviderHealthState,
  now: number,
  policy: HealthPolicy,
): EjectionTrigger | null {
  if (state.mode === "out") return null;
  if (state.consecutiveFailures >= policy.consecutiveFailures) return "consecutive_failures";
  const stats = computeWindowStats(state.window, now, policy);
  if (stats.volume >= policy.minimumVolume && stats.failures / stats.volume >= policy.failureRateThreshold) {
    return "failure_rate";
  }
  return null;
}

/** Returns the provider's window counts at `now`. */
export function readWindowStats(state: ProviderHealthState, now: number, policy: HealthPolicy): WindowStats {
  return computeWindowStats(state.window, now, policy);
}

/**
 * Names the provider's state at `now` and why. `degraded` is the reporting verdict kept beside the
 * state (degradation.ts: it needs hysteresis and dwell times, so it cannot be read off one state).
 */
export function describeHealth(
  state: ProviderHealthState,
  now: number,
  policy: HealthPolicy,
  degraded: DegradedReason | null = null,
): HealthDescription {
  if (state.mode === "out") {
    const reason = state.outReason ?? "manual";
    return { state: reason === "auth" ? "unhealthy" : "ejected", reason };
  }
  const trigger = findEjectionTrigger(state, now, policy);
  if (trigger !== null) return { state: "unhealthy", reason: trigger };
  if (degraded !== null) return { state: "degraded", reason: degraded };
  return { state: "healthy", reason: null };
}

/** Whether a trial may be running or due: out, with a known end that has passed. */
export function isTrialPhase(state: ProviderHealthState, now: number): boolean {
  return state.mode === "out" && state.outUntil !== null && now >= state.outUntil;
}

/** Whether a trial was claimed and has neither reported nor timed out. */
export function isTrialInFlight(state: ProviderHealthState, now: number, policy: HealthPolicy): boolean {
  return state.trialStartedAt !== null && now - state.trialStartedAt < policy.trialTimeoutMs;
}

function takeOut(state: ProviderHealthState, reason: OutReason, until: number | null): ProviderHealthState {
  // Counters restart so that a provider coming back is not judged on failures from before its ejection.
  return {
    ...state,
    mode: "out",
    outReason: reason,
    outUntil: until,
    trialStartedAt: null,
    consecutiveFailures: 0,
    window: [],
  };
}

function returnToService(state: ProviderHealthState, now: number): ProviderHealthState {
  return {
    ...state,
    mode: "active",
    outReason: null,
    outUntil: null,
    trialStartedAt: null,
    consecutiveFailures: 0,
    window: [],
    returnedAt: now,
  };
}

function noteError(state: ProviderHealthState, outcome: AttemptOutcome, now: number): ProviderHealthState {
  return {
    ...state,
    lastFailureAt: now,
    lastError: { status: outcome.status ?? null, code: outcome.code ?? null, at: now },
  };
}

function updateLatencyEwma(
  previous: number | null,
  sample: number | undefined,
  alpha: number,
): number | null {
  if (sample === undefined) return previous;
  return previous === null ? sample : alpha * sample + (1 - alpha) * previous;
}

function assertOutcome(outcome: AttemptOutcome): void {
  if (!OUTCOMES.has(outcome.health)) {
    throw new AppError("INTERNAL_ERROR", `Unknown health outcome "${String(outcome.health)}".`);
  }
  const latency = outcome.latencyMs;
  if (latency !== undefined && !(Number.isFinite(latency) && latency >= 0)) {
    throw new AppError(
      "INTERNAL_ERROR",
      `Attempt latency must be a finite number >= 0 (got ${String(latency)}).`,
    );
  }
}
