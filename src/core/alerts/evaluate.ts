/**
 * The alert state machine, per rule and subject:
 *
 *   quiet ──condition holds──▶ pending ──held forMs, cooldown over──▶ firing ──condition clears──▶ quiet
 *
 * "firing" emits exactly one firing notice and "firing → quiet" exactly one resolved notice, however
 * many evaluations happen in between (dedup). A resolve starts a cooldown during which the same rule
 * and subject cannot fire again (no flapping); a condition that still holds when it ends fires then.
 * Unknown observations (no data, too little volume) neither fire nor resolve.
 */
import { observeRule, type Observation } from "./observe";
import type {
  AlertEvaluationInput,
  AlertEvaluationResult,
  AlertNotification,
  AlertRuleSpec,
  AlertState,
  ResolveReason,
} from "./types";

/** Evaluates every rule against the readings; pure: same input, same output. */
export function evaluateAlerts(input: AlertEvaluationInput): AlertEvaluationResult {
  const { now } = input;
  const statesByRule = new Map<string, AlertState[]>();
  for (const state of input.states) {
    const list = statesByRule.get(state.ruleId) ?? [];
    list.push(state);
    statesByRule.set(state.ruleId, list);
  }
  const states: AlertState[] = [];
  const notifications: AlertNotification[] = [];
  // States of rules that no longer exist are dropped: the rule's deletion closed their incidents.
  for (const rule of input.rules) {
    const previous = new Map((statesByRule.get(rule.id) ?? []).map((s) => [s.subjectKey, s]));
    const observations = rule.enabled ? observeRule(rule.condition, input.readings) : [];
    const seen = new Set<string>();
    for (const observation of observations) {
      if (seen.has(observation.subjectKey)) continue;
      seen.add(observation.subjectKey);
      const step = stepSubject(rule, previous.get(observation.subjectKey), observation, now);
      if (step.state) states.push(step.state);
      if (step.notification) notifications.push(step.notification);
    }
    for (const [subjectKey, state] of previous) {
      if (seen.has(subjectKey)) continue;
      const gone = goneSubject(rule, state, input, now);
      if (gone.state) states.push(gone.state);
      if (gone.notification) notifications.push(gone.notification);
    }
  }
  return { states, notifications };
}

interface Step {
  readonly state: AlertState | null;
  readonly notification: AlertNotification | null;
}

function stepSubject(
  rule: AlertRuleSpec,
  previous: AlertState | undefined,
  observation: Observation,
  now: number,
): Step {
  const state: AlertState = previous
    ? { ...previous, subjectName: observation.subjectName }
    : {
        ruleId: rule.id,
        subjectKey: observation.subjectKey,
        subjectName: observation.subjectName,
        pendingSince: null,
        firingSince: null,
        lastResolvedAt: null,
      };
  if (observation.active === null) {
    return { state: keep(rule, { ...state, pendingSince: null }, now), notification: null };
  }
  if (observation.active) {
    if (state.firingSince !== null) return { state, notification: null };
    const pendingSince = state.pendingSince ?? now;
    const heldLongEnough = now - pendingSince >= rule.forMs;
    const cooled = state.lastResolvedAt === null || now >= state.lastResolvedAt + rule.cooldownMs;
    if (!heldLongEnough || !cooled) return { state: { ...state, pendingSince }, notification: null };
    const fired: AlertState = { ...state, pendingSince: null, firingSince: now };
    return {
      state: fired,
      notification: notify(rule, fired, "firing", observation.summary, observation, now, null),
    };
  }
  if (state.firingSince === null) {
    return { state: keep(rule, { ...state, pendingSince: null }, now), notification: null };
  }
  return resolve(rule, state, observation.clearSummary, observation, now, "condition_cleared");
}

/** A subject with a state but no observation: its rule was disabled, or the subject disappeared. */
function goneSubject(rule: AlertRuleSpec, state: AlertState, input: AlertEvaluationInput, now: number): Step {
  if (state.firingSince === null) {
    return { state: keep(rule, { ...state, pendingSince: null }, now), notification: null };
  }
  if (!rule.enabled) {
    return resolve(rule, state, `Rule "${rule.name}" was disabled`, null, now, "rule_disabled");
  }
  // The provider list could not be read: the provider is not known to be gone, so hold the incident.
  if (rule.condition.type === "provider_unhealthy" && input.readings.providers === null) {
    return { state, notification: null };
  }
  return resolve(rule, state, `"${state.subjectName}" is no longer reported`, null, now, "subject_gone");
}

function resolve(
  rule: AlertRuleSpec,
  state: AlertState,
  summary: string,
  observation: Observation | null,
  now: number,
  reason: ResolveReason,
): Step {
  const resolved: AlertState = { ...state, pendingSince: null, firingSince: null, lastResolvedAt: now };
  return {
    state: keep(rule, resolved, now),
    notification: notify(rule, state, "resolved", summary, observation, now, reason),
  };
}

/** Null when the state carries nothing worth remembering (quiet and out of its cooldown). */
function keep(rule: AlertRuleSpec, state: AlertState, now: number): AlertState | null {
  const inCooldown = state.lastResolvedAt !== null && now < state.lastResolvedAt + rule.cooldownMs;
  return state.firingSince === null && state.pendingSince === null && !inCooldown ? null : state;
}

function notify(
  rule: AlertRuleSpec,
  state: AlertState,
  kind: AlertNotification["kind"],
  summary: string,
  observation: Observation | null,
  now: number,
  reason: ResolveReason | null,
): AlertNotification {
  return {
    kind,
    ruleId: rule.id,
    ruleName: rule.name,
    ruleType: rule.condition.type,
    severity: rule.severity,
    subjectKey: state.subjectKey,
    subjectName: state.subjectName,
    summary,
    value: observation?.value ?? null,
    threshold: observation?.threshold ?? null,
    firedAt: state.firingSince ?? now,
    resolvedAt: kind === "resolved" ? now : null,
    reason,
  };
}
