/**
 * Alert rules, readings, states and notifications as plain data. The evaluator in this folder turns
 * (rules, readings, previous states, now) into (next states, notifications) without any I/O.
 */
import type {
  AlertIncidentStatus,
  AlertRuleType,
  AlertSeverity,
  WatchedProviderState,
} from "../vocabulary/alerts";

/** One provider in service or not (names the provider health states, plus its current reason). */
export interface ProviderSignal {
  readonly providerId: string;
  readonly name: string;
  readonly state: string;
  readonly reason: string | null;
}

/** Request totals of a group over a trailing window. */
export interface GroupWindow {
  readonly requests: number;
  readonly successes: number;
  /** Null when the window holds no latency sample. */
  readonly p95LatencyMs: number | null;
}

/** One limited quota of a key or tenant in its current window. */
export interface QuotaUsageSignal {
  /** `requestsPerDay`, `tokensPerDay`, `tokensPerMonth` or `costPerMonthUsd`. */
  readonly metric: string;
  /** In the quota's units (requests, tokens, micro-dollars). */
  readonly used: number;
  readonly limit: number;
}

/** A key's or tenant's quota usage; `quotas` is empty when it has no quota. */
export interface QuotaUsageReading {
  readonly name: string;
  readonly quotas: readonly QuotaUsageSignal[];
}

/** Whose quota a `quota_used` rule watches. */
export interface QuotaSubject {
  readonly kind: "key" | "tenant";
  readonly id: string;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * What the alert scheduler reads each tick. Wired by the runtime (health registry, request-log
 * rollups, the log writer); each method may answer synchronously or with a promise.
 */
export interface AlertSignals {
  /** Every known provider with its health state. */
  providerStates(): MaybePromise<readonly ProviderSignal[]>;
  /** Requests, successes and p95 latency of a group over the last `windowMs`. */
  groupWindow(groupId: string, windowMs: number): MaybePromise<GroupWindow>;
  /** True when no provider of the group can take traffic. */
  groupProvidersDown(groupId: string): MaybePromise<boolean>;
  /** Request-log rows dropped (not written) since the epoch-ms time `sinceMs`. */
  droppedLogRows(sinceMs: number): MaybePromise<number>;
  /** Quota usage of a key or tenant in the current windows; null when the key no longer exists. */
  quotaUsage(subject: QuotaSubject): MaybePromise<QuotaUsageReading | null>;
}

export interface ProviderUnhealthyCondition {
  readonly type: "provider_unhealthy";
  /** Providers watched; null watches every provider. */
  readonly providerIds: readonly string[] | null;
  /** States that count as unhealthy. */
  readonly states: readonly WatchedProviderState[];
}

export interface GroupSuccessRateCondition {
  readonly type: "group_success_rate";
  readonly groupId: string;
  /** Fires when the success rate (0-100) is below this. */
  readonly minSuccessRatePercent: number;
  readonly windowMs: number;
  /** Fewer requests than this in the window is "not enough data": never fires, never resolves. */
  readonly minRequests: number;
}

export interface GroupLatencyCondition {
  readonly type: "group_latency_p95";
  readonly groupId: string;
  /** Fires when the window's p95 latency is above this. */
  readonly maxP95LatencyMs: number;
  readonly windowMs: number;
  readonly minRequests: number;
}

export interface GroupAllDownCondition {
  readonly type: "group_all_down";
  readonly groupId: string;
}

export interface LogRowsDroppedCondition {
  readonly type: "log_rows_dropped";
  readonly windowMs: number;
  /** Fires when at least this many rows were dropped in the window. */
  readonly minDropped: number;
}

export interface QuotaUsedCondition {
  readonly type: "quota_used";
  /** The watched key; null = the rule's tenant. */
  readonly keyId: string | null;
  /** The rule's tenant (set when the rule is loaded; the stored condition does not carry it). */
  readonly tenantId?: string;
  /** Fires when any limited quota of the subject is used at least this much (percent). */
  readonly minUsedPercent: number;
}

export type AlertCondition =
  | ProviderUnhealthyCondition
  | GroupSuccessRateCondition
  | GroupLatencyCondition
  | GroupAllDownCondition
  | LogRowsDroppedCondition
  | QuotaUsedCondition;

/** The part of a rule the evaluator needs. */
export interface AlertRuleSpec {
  readonly id: string;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly enabled: boolean;
  readonly condition: AlertCondition;
  /** The condition must hold this long before the alert fires (0 fires on the first observation). */
  readonly forMs: number;
  /** After a resolve, the same rule and subject cannot fire again for this long. */
  readonly cooldownMs: number;
}

/** Everything the signals answered for one evaluation; a missing entry means "unknown". */
export interface SignalReadings {
  /** Null when the provider list could not be read. */
  readonly providers: readonly ProviderSignal[] | null;
  /** By `windowKey(groupId, windowMs)`. */
  readonly groupWindows: ReadonlyMap<string, GroupWindow>;
  readonly groupsDown: ReadonlyMap<string, boolean>;
  /** By window length in ms. */
  readonly droppedLogRows: ReadonlyMap<number, number>;
  /** Display names of groups by id (a missing name shows the id). */
  readonly groupNames: ReadonlyMap<string, string>;
  /** By `quotaSubjectKey(subject)`; null = the key is gone. Absent = unknown. */
  readonly quotaUsage?: ReadonlyMap<string, QuotaUsageReading | null>;
}

/** Evaluation memory of one rule and subject (a provider, a group, or "global"). */
export interface AlertState {
  readonly ruleId: string;
  readonly subjectKey: string;
  readonly subjectName: string;
  /** Since when the condition has held without firing yet; null when it does not hold. */
  readonly pendingSince: number | null;
  /** When the open incident fired; null when none is open. */
  readonly firingSince: number | null;
  /** When the last incident resolved (starts the cooldown). */
  readonly lastResolvedAt: number | null;
}

export type ResolveReason = "condition_cleared" | "rule_disabled" | "subject_gone";

/** One alert to announce on the rule's channels. */
export interface AlertNotification {
  readonly kind: AlertIncidentStatus;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly ruleType: AlertRuleType;
  readonly severity: AlertSeverity;
  readonly subjectKey: string;
  readonly subjectName: string;
  /** One human-readable line. */
  readonly summary: string;
  /** The observed value (rate, ms, count) when the rule has one. */
  readonly value: number | null;
  readonly threshold: number | null;
  readonly firedAt: number;
  /** Set on "resolved". */
  readonly resolvedAt: number | null;
  readonly reason: ResolveReason | null;
}

export interface AlertEvaluationInput {
  readonly rules: readonly AlertRuleSpec[];
  readonly readings: SignalReadings;
  readonly states: readonly AlertState[];
  readonly now: number;
}

export interface AlertEvaluationResult {
  /** The states to keep (quiet subjects past their cooldown are dropped). */
  readonly states: AlertState[];
  readonly notifications: AlertNotification[];
}
