/**
 * Group-level health rules, pure: which over-threshold members actually get ejected (never more than
 * `maxEjectionShare` of the group out of service at once), panic selection when nothing is available,
 * and the group's median latency for the `degraded` check.
 *
 * Ejections are applied here, when a group is evaluated, because only the group knows its size. A
 * provider in several groups is ejected for all of them, checked against the group that evaluated it.
 */
import type { HealthPolicy } from "./policy";
import {
  computeAvailability,
  describeHealth,
  ejectProvider,
  findEjectionTrigger,
  setGroupLatencyMedian,
  type HealthReason,
  type ProviderHealthState,
} from "./provider-health";
import type { HealthStateName } from "../vocabulary/health";

export interface MemberHealth {
  readonly id: string;
  /** Whether a request may go to it now (a trial must first be claimed when `trial` is set). */
  readonly available: boolean;
  /** Available only as the single half-open trial. */
  readonly trial: boolean;
  /** Chosen by panic mode because no member was available: tried anyway, as the last resort. */
  readonly panic: boolean;
  /** Multiplier (0..1] for the member's weight; 0 when unavailable. */
  readonly weightFactor: number;
  readonly state: HealthStateName;
  readonly reason: HealthReason | null;
}

export interface GroupEvaluation {
  /** One entry per distinct member id, in the order given. */
  readonly members: readonly MemberHealth[];
  /** Whether panic mode picked a member. */
  readonly panic: boolean;
  /** States this evaluation changed (ejections applied, group median noted): store them. */
  readonly updates: ReadonlyMap<string, ProviderHealthState>;
}

/** Returns how many of `memberCount` members may be out of service at once. */
export function computeMaxOut(memberCount: number, maxEjectionShare: number): number {
  // The epsilon absorbs float error such as 100 × 0.29 = 28.999999999999996.
  return Math.floor(memberCount * maxEjectionShare + 1e-9);
}

/** Returns the median latency EWMA of the states that have one, or null when none has. */
export function computeLatencyMedian(states: readonly ProviderHealthState[]): number | null {
  const samples = states
    .map((state) => state.latencyEwmaMs)
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b);
  if (samples.length === 0) return null;
  const middle = Math.floor(samples.length / 2);
  if (samples.length % 2 === 1) return samples[middle] as number;
  return ((samples[middle - 1] as number) + (samples[middle] as number)) / 2;
}

/** Evaluates a group at `now`: applies the ejections its share allows and says who may be used. */
export function evaluateGroupHealth(
  readState: (providerId: string) => ProviderHealthState,
  memberIds: readonly string[],
  now: number,
  policy: HealthPolicy,
): GroupEvaluation {
  const ids = [...new Set(memberIds)];
  const states = ids.map((id) => readState(id));
  const updates = new Map<string, ProviderHealthState>();
  const change = (index: number, next: ProviderHealthState): void => {
    if (next === states[index]) return;
    states[index] = next;
    updates.set(ids[index] as string, next);
  };

  const median = computeLatencyMedian(states);
  states.forEach((state, index) => change(index, setGroupLatencyMedian(state, median)));

  // Auth-blocked and manually ejected members use up the share too: it protects capacity.
  let out = states.filter((state) => state.mode === "out").length;
  const maxOut = computeMaxOut(ids.length, policy.maxEjectionShare);
  states.forEach((state, index) => {
    if (out >= maxOut) return;
    const trigger = findEjectionTrigger(state, now, policy);
    if (trigger === null) return;
    change(index, ejectProvider(state, now, policy, trigger));
    out += 1;
  });

  const members: MemberHealth[] = states.map((state, index) => ({
    id: ids[index] as string,
    ...computeAvailability(state, now, policy),
    panic: false,
    ...describeHealth(state, now, policy),
  }));

  if (members.length === 0 || members.some((member) => member.available)) {
    return { members, panic: false, updates };
  }
  const chosen = pickPanicMember(states);
  if (chosen === null) return { members, panic: false, updates };
  members[chosen] = { ...(members[chosen] as MemberHealth), available: true, panic: true, weightFactor: 1 };
  return { members, panic: true, updates };
}

/**
 * Picks the member whose last failure is oldest (never failed counts as oldest; ties go to the first
 * listed). Credential-rejected and manually ejected members are never picked: the first would only
 * hammer the upstream with a key it refuses, the second is an operator's decision.
 */
export function pickPanicMember(states: readonly ProviderHealthState[]): number | null {
  let chosen: number | null = null;
  let oldest = Infinity;
  states.forEach((state, index) => {
    if (state.mode !== "out" || state.outReason === "auth" || state.outReason === "manual") return;
    const lastFailure = state.lastFailureAt ?? -Infinity;
    if (chosen === null || lastFailure < oldest) {
      chosen = index;
      oldest = lastFailure;
    }
  });
  return chosen;
}
