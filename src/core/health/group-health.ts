/**
 * Group-level health rules, pure: which over-threshold members actually get ejected (never more than
 * `maxEjectionShare` of the group out of service at once), panic selection when nothing is available,
 * and each member's peer median latency (the input of the `degraded` latency reference).
 *
 * Ejections are applied here, when a group is evaluated, because only the group knows its size. A
 * provider in several groups is ejected for all of them, checked against the group that evaluated it.
 */
import type { DegradedReason } from "./degradation";
import type { HealthPolicy } from "./policy";
import {
  computeAvailability,
  describeHealth,
  ejectProvider,
  findEjectionTrigger,
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
  /** States this evaluation changed (ejections applied): store them. */
  readonly updates: ReadonlyMap<string, ProviderHealthState>;
}

/** Returns how many of `memberCount` members may be out of service at once. */
export function computeMaxOut(memberCount: number, maxEjectionShare: number): number {
  // The epsilon absorbs float error such as 100 × 0.29 = 28.999999999999996.
  return Math.floor(memberCount * maxEjectionShare + 1e-9);
}

/**
 * Returns, index-aligned with `states`, the median latency EWMA of each one's peers (the others that
 * have one), or null when no peer has one: a provider is judged against the rest of its group, never
 * against itself (in a group of one or two, a median that includes it can never be 3 × away from it).
 */
export function computePeerLatencyMedians(states: readonly ProviderHealthState[]): (number | null)[] {
  const sorted = sortLatencies(states);
  return states.map((state) => {
    const own = state.latencyEwmaMs;
    return computeMedianExcept(sorted, own === null ? -1 : sorted.indexOf(own));
  });
}

function sortLatencies(states: readonly ProviderHealthState[]): number[] {
  return states
    .map((state) => state.latencyEwmaMs)
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b);
}

/** Median of `sorted` without the entry at `skip` (-1: none skipped); null when nothing is left. */
function computeMedianExcept(sorted: readonly number[], skip: number): number | null {
  const count = skip < 0 ? sorted.length : sorted.length - 1;
  if (count === 0) return null;
  const at = (position: number) => sorted[skip >= 0 && position >= skip ? position + 1 : position] as number;
  const middle = Math.floor(count / 2);
  return count % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/** Says why a member is reported degraded (the verdicts live beside the states); none by default. */
export type DegradedJudge = (providerId: string, state: ProviderHealthState) => DegradedReason | null;

/** Evaluates a group at `now`: applies the ejections its share allows and says who may be used. */
export function evaluateGroupHealth(
  readState: (providerId: string) => ProviderHealthState,
  memberIds: readonly string[],
  now: number,
  policy: HealthPolicy,
  judgeDegraded: DegradedJudge = () => null,
): GroupEvaluation {
  const ids = [...new Set(memberIds)];
  const states = ids.map((id) => readState(id));
  const updates = new Map<string, ProviderHealthState>();
  const change = (index: number, next: ProviderHealthState): void => {
    if (next === states[index]) return;
    states[index] = next;
    updates.set(ids[index] as string, next);
  };

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
    ...describeHealth(state, now, policy, judgeDegraded(ids[index] as string, state)),
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
