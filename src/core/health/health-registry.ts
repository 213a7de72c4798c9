/**
 * In-process health registry: many providers' states, the group rules applied on evaluation, manual
 * eject/restore for the admin API, a snapshot, and transition events for observability.
 *
 * Time-driven changes (an ejection ending, failures leaving the window, a `degraded` dwell running
 * out) are noticed lazily, on the next call that looks at the provider; their transition events are
 * emitted then, stamped with that call's time. The clock is injected; nothing here starts a timer.
 *
 * `degraded` is a verdict with hysteresis and dwell times (degradation.ts), kept per provider beside
 * its state rather than in it: the state may be replaced wholesale by the one every instance shares,
 * while the verdict (and the group latency reference it is judged against) is this instance's own.
 * Each group evaluation notes every member's peer median latency for that reference.
 */
import { AppError } from "../errors/catalogue";
import {
  clearSuccessRateVerdict,
  createDegradationState,
  noteLatencyReference,
  readDegradedReason,
  stepDegradation,
  type DegradationState,
  type DegradedReason,
} from "./degradation";
import { computePeerLatencyMedians, evaluateGroupHealth, type MemberHealth } from "./group-health";
import { applyCheckOutcome, changesAvailability } from "./health-ops";
import { resolveHealthPolicy, type HealthPolicy, type HealthPolicyOverrides } from "./policy";
import {
  beginTrial,
  computeAvailability,
  computeEjectionLevel,
  createHealthState,
  describeHealth,
  ejectManually,
  findEjectionTrigger,
  isTrialInFlight,
  readWindowStats,
  recordOutcome,
  restoreProvider,
  type AttemptOutcome,
  type EjectionTrigger,
  type HealthReason,
  type LastError,
  type ProviderHealthState,
} from "./provider-health";
import type { HealthStateName } from "../vocabulary/health";

/** Why a provider changed state: the new state's reason, or how it became healthy again. */
export type TransitionReason = HealthReason | "trial_succeeded" | "restored" | "recovered";

export interface HealthTransition {
  readonly providerId: string;
  readonly from: HealthStateName;
  readonly to: HealthStateName;
  readonly reason: TransitionReason | null;
  readonly at: number;
}

export interface ProviderHealthSnapshot {
  readonly providerId: string;
  readonly state: HealthStateName;
  readonly reason: HealthReason | null;
  /** End of the ejection or auth cooldown; null when in service or ejected until restored. */
  readonly ejectedUntil: number | null;
  readonly consecutiveFailures: number;
  /** Over the current window; null when it holds no attempt. */
  readonly successRate: number | null;
  /** Attempts in the current window (neutral outcomes excluded). */
  readonly volume: number;
  readonly latencyEwmaMs: number | null;
  readonly lastError: LastError | null;
  readonly lastFailureAt: number | null;
  /** Ejections so far (automatic and manual). */
  readonly ejections: number;
  /** Current ejection multiplier (the next ejection lasts base × (level + 1)). */
  readonly ejectionLevel: number;
  /** Current weight multiplier (slow-start ramp; 0 when unavailable). */
  readonly weightFactor: number;
  readonly trialInFlight: boolean;
}

export interface GroupHealthView {
  /** One entry per distinct member id, in the order given. */
  readonly members: readonly MemberHealth[];
  /** Whether panic mode picked a member because none was available. */
  readonly panic: boolean;
  /** Members this evaluation ejected (in service before it), with the threshold they crossed. */
  readonly ejected: readonly { readonly id: string; readonly trigger: EjectionTrigger }[];
}

export interface HealthRegistryOptions {
  /** Policy overrides (validated; defaults fill the rest). A full HealthPolicy is accepted too. */
  readonly policy?: HealthPolicyOverrides;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
}

export type TransitionListener = (event: HealthTransition) => void;

export interface HealthRegistry {
  readonly policy: HealthPolicy;
  /** Feeds one attempt's outcome into its provider's state. */
  record(providerId: string, outcome: AttemptOutcome): void;
  /**
   * Feeds one active health check's outcome: a pass only stands in for a due half-open trial (never
   * lifts an `auth` block or shortens an ejection); a failure counts like a failed attempt.
   */
  recordCheck(providerId: string, outcome: AttemptOutcome): void;
  /** Applies the group rules (ejection share, panic) and says which members may be used and how much. */
  evaluateGroup(memberIds: readonly string[]): GroupHealthView;
  /** Whether `providerId` may be used now, judged within its group. */
  isAvailable(providerId: string, groupMemberIds: readonly string[]): boolean;
  /** Returns `baseWeight` scaled by the provider's slow-start ramp (0 when unavailable). */
  effectiveWeight(providerId: string, baseWeight: number): number;
  /** Claims the single half-open trial; false when none is due or one is already in flight. */
  tryBeginTrial(providerId: string): boolean;
  /** Takes a provider out of service by hand, until `until` (then one trial) or until restored. */
  eject(providerId: string, until?: number): void;
  /** Puts a provider back into service by hand (also after its credential changes); counters cleared. */
  restore(providerId: string): void;
  /** Drops everything known about a provider (e.g. deleted). */
  forget(providerId: string): void;
  /** Returns the admin view of the given providers, or of every known provider. */
  snapshot(providerIds?: readonly string[]): ProviderHealthSnapshot[];
  /** Subscribes to state changes; returns the unsubscribe function. Listeners must not throw. */
  onTransition(listener: TransitionListener): () => void;
  /**
   * A number that changes whenever some provider's availability or weight factor may have changed
   * (out/in service, trial claimed or settled, ejection end, or an in-service provider crossing an
   * ejection threshold), so callers may cache evaluateGroup results between changes.
   */
  version(): number;
  /** The provider's raw state (a fresh healthy one when nothing is known). */
  readState(providerId: string): ProviderHealthState;
  /** Replaces the provider's raw state (e.g. with the state shared by every instance). */
  writeState(providerId: string, state: ProviderHealthState): void;
}

/** Creates an in-process health registry. */
export function createHealthRegistry(options: HealthRegistryOptions): HealthRegistry {
  const policy = resolveHealthPolicy(options.policy);
  const clock = options.now;
  const states = new Map<string, ProviderHealthState>();
  const reported = new Map<string, HealthStateName>();
  // The `degraded` verdicts of this instance (degradation.ts), kept beside the (possibly shared) states.
  const verdicts = new Map<string, DegradationState>();
  const listeners = new Set<TransitionListener>();
  let version = 0;

  const read = (providerId: string): ProviderHealthState => states.get(providerId) ?? createHealthState();

  const readVerdict = (providerId: string): DegradationState =>
    verdicts.get(providerId) ?? createDegradationState();

  /** Steps the provider's `degraded` verdict on its current state; returns the reason, if degraded. */
  const judge = (providerId: string, state: ProviderHealthState, now: number): DegradedReason | null => {
    const previous = readVerdict(providerId);
    const next = stepDegradation(previous, state, now, policy);
    if (next !== previous) verdicts.set(providerId, next);
    return readDegradedReason(next);
  };

  /** Emits a transition when the provider's named state differs from the last one reported. */
  const notice = (providerId: string, state: ProviderHealthState, now: number, cause: TransitionReason) => {
    const described = describeHealth(state, now, policy, judge(providerId, state, now));
    const from = reported.get(providerId) ?? "healthy";
    if (described.state === from) return;
    reported.set(providerId, described.state);
    const reason = described.state === "healthy" ? cause : described.reason;
    const event: HealthTransition = { providerId, from, to: described.state, reason, at: now };
    for (const listener of listeners) listener(event);
  };

  const commit = (providerId: string, next: ProviderHealthState, now: number, cause: TransitionReason) => {
    const previous = read(providerId);
    states.set(providerId, next);
    if (changesAvailability(previous, next) || crossedThreshold(next, now)) version += 1;
    notice(providerId, next, now, cause);
  };

  /** A failure may put an in-service provider over a threshold: the group rules must look again. */
  const crossedThreshold = (state: ProviderHealthState, now: number): boolean =>
    state.mode === "active" &&
    state.consecutiveFailures > 0 &&
    findEjectionTrigger(state, now, policy) !== null;

  /** Notes each member's peer median latency: the input of its `degraded` latency reference. */
  const noteReferences = (ids: readonly string[], now: number) => {
    const medians = computePeerLatencyMedians(ids.map(read));
    ids.forEach((providerId, index) => {
      const previous = readVerdict(providerId);
      const next = noteLatencyReference(previous, medians[index] ?? null, now, policy);
      if (next !== previous) verdicts.set(providerId, next);
    });
  };

  const evaluateGroup = (memberIds: readonly string[]): GroupHealthView => {
    const now = clock();
    noteReferences([...new Set(memberIds)], now);
    const evaluation = evaluateGroupHealth(read, memberIds, now, policy, (id, state) =>
      judge(id, state, now),
    );
    const ejected: { id: string; trigger: EjectionTrigger }[] = [];
    for (const [providerId, next] of evaluation.updates) {
      const previous = read(providerId);
      if (previous.mode === "active" && next.mode === "out") {
        ejected.push({ id: providerId, trigger: next.outReason as EjectionTrigger });
      }
      states.set(providerId, next);
    }
    if (ejected.length > 0) version += 1;
    for (const member of evaluation.members) notice(member.id, read(member.id), now, "recovered");
    return { members: evaluation.members, panic: evaluation.panic, ejected };
  };

  const settle = (providerId: string, outcome: AttemptOutcome, apply: typeof recordOutcome): void => {
    const now = clock();
    const previous = read(providerId);
    const next = apply(previous, outcome, now, policy);
    const cause = previous.mode === "out" && next.mode === "active" ? "trial_succeeded" : "recovered";
    if (next !== previous) commit(providerId, next, now, cause);
  };

  return {
    policy,
    record: (providerId, outcome) => settle(providerId, outcome, recordOutcome),
    recordCheck: (providerId, outcome) => settle(providerId, outcome, applyCheckOutcome),
    evaluateGroup,
    isAvailable(providerId, groupMemberIds) {
      const ids = groupMemberIds.includes(providerId) ? groupMemberIds : [...groupMemberIds, providerId];
      return evaluateGroup(ids).members.some((member) => member.id === providerId && member.available);
    },
    effectiveWeight(providerId, baseWeight) {
      if (!(Number.isFinite(baseWeight) && baseWeight >= 0)) {
        throw new AppError(
          "INTERNAL_ERROR",
          `Weight must be a finite number >= 0 (got ${String(baseWeight)}).`,
        );
      }
      return baseWeight * computeAvailability(read(providerId), clock(), policy).weightFactor;
    },
    tryBeginTrial(providerId) {
      const now = clock();
      const next = beginTrial(read(providerId), now, policy);
      if (next === null) return false;
      commit(providerId, next, now, "recovered");
      return true;
    },
    eject(providerId, until) {
      const now = clock();
      if (until !== undefined && !(Number.isFinite(until) && until > now)) {
        throw new AppError("VALIDATION_FAILED", "The ejection end must be a time in the future.");
      }
      commit(providerId, ejectManually(read(providerId), until ?? null), now, "manual");
    },
    restore(providerId) {
      const now = clock();
      // The restore empties the outcome window: a success-rate verdict has nothing left to stand on.
      const verdict = verdicts.get(providerId);
      if (verdict !== undefined) verdicts.set(providerId, clearSuccessRateVerdict(verdict));
      commit(providerId, restoreProvider(read(providerId), now), now, "restored");
    },
    forget(providerId) {
      states.delete(providerId);
      reported.delete(providerId);
      verdicts.delete(providerId);
      version += 1;
    },
    snapshot(providerIds) {
      const now = clock();
      const ids = providerIds ?? [...states.keys()];
      return ids.map((providerId) => {
        const state = read(providerId);
        notice(providerId, state, now, "recovered");
        return buildSnapshot(providerId, state, now, policy, readDegradedReason(readVerdict(providerId)));
      });
    },
    onTransition(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    version: () => version,
    readState: read,
    writeState(providerId, state) {
      const previous = read(providerId);
      if (state === previous) return;
      const cause = previous.mode === "out" && state.mode === "active" ? "trial_succeeded" : "recovered";
      commit(providerId, state, clock(), cause);
    },
  };
}

function buildSnapshot(
  providerId: string,
  state: ProviderHealthState,
  now: number,
  policy: HealthPolicy,
  degraded: DegradedReason | null,
): ProviderHealthSnapshot {
  const described = describeHealth(state, now, policy, degraded);
  const stats = readWindowStats(state, now, policy);
  return {
    providerId,
    state: described.state,
    reason: described.reason,
    ejectedUntil: state.mode === "out" ? state.outUntil : null,
    consecutiveFailures: state.consecutiveFailures,
    successRate: stats.successRate,
    volume: stats.volume,
    latencyEwmaMs: state.latencyEwmaMs,
    lastError: state.lastError,
    lastFailureAt: state.lastFailureAt,
    ejections: state.ejections,
    ejectionLevel: computeEjectionLevel(state, now, policy),
    weightFactor: computeAvailability(state, now, policy).weightFactor,
    trialInFlight: state.mode === "out" && isTrialInFlight(state, now, policy),
  };
}
