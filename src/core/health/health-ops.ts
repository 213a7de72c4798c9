/**
 * Health changes as plain data ("ops"), and their pure application to a provider's state. An instance
 * that shares health with others records what it observed or decided as ops, applies them to its own
 * copy at once, and later replays them onto the shared state — so outcomes seen by every instance add
 * up in one state, and an op that no longer applies (another instance already ejected the provider,
 * or took the trial) is a no-op instead of a double count.
 *
 * Active health checks have their own rule (applyCheckOutcome): a passing check is weak evidence —
 * the check path may not exercise what real traffic does — so it never clears failures of a provider
 * in service, never shortens an ejection and never lifts an `auth` block (the check path may not even
 * need the credential). It only stands in for the half-open trial of a provider that is due for one.
 * A failing check counts like a failed attempt.
 */
import type { HealthPolicy } from "./policy";
import {
  beginTrial,
  ejectManually,
  ejectProvider,
  isTrialInFlight,
  isTrialPhase,
  recordOutcome,
  restoreProvider,
  type AttemptOutcome,
  type EjectionTrigger,
  type ProviderHealthState,
} from "./provider-health";

export type HealthOp =
  /** One real attempt's outcome. */
  | { readonly kind: "outcome"; readonly at: number; readonly outcome: AttemptOutcome }
  /** One active health check's outcome. */
  | { readonly kind: "check"; readonly at: number; readonly outcome: AttemptOutcome }
  /** An automatic ejection the group rules decided (applies only to a provider still in service). */
  | { readonly kind: "eject"; readonly at: number; readonly trigger: EjectionTrigger }
  /** An operator's ejection until `until` (null: until restored). */
  | { readonly kind: "manual_eject"; readonly at: number; readonly until: number | null }
  /** An operator's restore. */
  | { readonly kind: "restore"; readonly at: number }
  /** The half-open trial was claimed. */
  | { readonly kind: "trial"; readonly at: number };

/** Returns the state after `op` (the same object when the op does not apply). */
export function applyHealthOp(
  state: ProviderHealthState,
  op: HealthOp,
  policy: HealthPolicy,
): ProviderHealthState {
  switch (op.kind) {
    case "outcome":
      return recordOutcome(state, op.outcome, op.at, policy);
    case "check":
      return applyCheckOutcome(state, op.outcome, op.at, policy);
    case "eject":
      return state.mode === "active" ? ejectProvider(state, op.at, policy, op.trigger) : state;
    case "manual_eject":
      return ejectManually(state, op.until);
    case "restore":
      return restoreProvider(state, op.at);
    case "trial":
      return beginTrial(state, op.at, policy) ?? state;
  }
}

/** Returns the state after one active check (see the file comment for why a pass counts so little). */
export function applyCheckOutcome(
  state: ProviderHealthState,
  outcome: AttemptOutcome,
  now: number,
  policy: HealthPolicy,
): ProviderHealthState {
  if (outcome.health === "neutral") return state;
  if (outcome.health !== "success") return recordOutcome(state, outcome, now, policy);
  const dueForTrial =
    state.outReason !== "auth" && isTrialPhase(state, now) && !isTrialInFlight(state, now, policy);
  return dueForTrial ? recordOutcome(state, outcome, now, policy) : state;
}

/** Whether two states may differ in who is available or at what weight (what selection caches). */
export function changesAvailability(previous: ProviderHealthState, next: ProviderHealthState): boolean {
  return (
    previous.mode !== next.mode ||
    previous.outUntil !== next.outUntil ||
    previous.trialStartedAt !== next.trialStartedAt ||
    previous.returnedAt !== next.returnedAt
  );
}
