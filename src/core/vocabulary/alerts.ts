import type { HealthStateName } from "./health";

/** What an alert rule watches; each type has its own condition fields (`core/alerts/types.ts`). */
export const ALERT_RULE_TYPES = [
  "provider_unhealthy",
  "group_success_rate",
  "group_latency_p95",
  "group_all_down",
  "log_rows_dropped",
  "quota_used",
] as const;
export type AlertRuleType = (typeof ALERT_RULE_TYPES)[number];

export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** The severity of a rule created without one. */
export const DEFAULT_ALERT_SEVERITY = "warning" satisfies AlertSeverity;

/** Provider states a `provider_unhealthy` rule can watch. */
export const WATCHED_PROVIDER_STATES = [
  "degraded",
  "unhealthy",
  "ejected",
] as const satisfies readonly HealthStateName[];
export type WatchedProviderState = (typeof WATCHED_PROVIDER_STATES)[number];

/** The states a `provider_unhealthy` rule watches when it names none. */
export const DEFAULT_WATCHED_PROVIDER_STATES: readonly WatchedProviderState[] = ["unhealthy", "ejected"];

/** An incident is open (`firing`) until its condition clears (`resolved`). */
export const ALERT_INCIDENT_STATUSES = ["firing", "resolved"] as const;
export type AlertIncidentStatus = (typeof ALERT_INCIDENT_STATUSES)[number];

/** What a notice announces: an incident's two moments, or a channel test. */
export const ALERT_EVENTS = [...ALERT_INCIDENT_STATUSES, "test"] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** A delivery is retried while `pending`, then ends `delivered` or `failed`. */
export const ALERT_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type AlertDeliveryStatus = (typeof ALERT_DELIVERY_STATUSES)[number];
