/**
 * Turns one rule and the readings into observations: per subject, does the condition hold (true),
 * not hold (false), or is it unknown (null: no data, or too little of it)?
 */
import { DEFAULT_TENANT_ID } from "../vocabulary/tenants";
import type {
  AlertCondition,
  AlertRuleSpec,
  GroupWindow,
  QuotaSubject,
  QuotaUsedCondition,
  SignalReadings,
} from "./types";

export interface Observation {
  readonly subjectKey: string;
  readonly subjectName: string;
  /** Null = unknown: an open incident stays open, a pending one is reset. */
  readonly active: boolean | null;
  readonly value: number | null;
  readonly threshold: number | null;
  /** Describes the observation, for the firing notice. */
  readonly summary: string;
  /** Describes the subject being fine again, for the resolved notice. */
  readonly clearSummary: string;
}

/** What the signals must answer for a set of rules (so the reader fetches each thing once). */
export interface SignalQueries {
  readonly providers: boolean;
  readonly groupWindows: readonly { readonly groupId: string; readonly windowMs: number }[];
  readonly groupsDown: readonly string[];
  readonly droppedWindows: readonly number[];
  readonly quotaSubjects: readonly QuotaSubject[];
}

/** Whose quota a `quota_used` rule watches: its key, else its tenant. */
export function quotaSubjectOf(condition: QuotaUsedCondition): QuotaSubject {
  return condition.keyId !== null
    ? { kind: "key", id: condition.keyId }
    : { kind: "tenant", id: condition.tenantId ?? DEFAULT_TENANT_ID };
}

/** Key of a quota reading (and the subject key of its alerts). */
export function quotaSubjectKey(subject: QuotaSubject): string {
  return `quota:${subject.kind}:${subject.id}`;
}

/** Key of a group window reading. */
export function windowKey(groupId: string, windowMs: number): string {
  return `${groupId}|${windowMs}`;
}

/** Lists the readings the enabled rules need. */
export function listSignalQueries(rules: readonly AlertRuleSpec[]): SignalQueries {
  let providers = false;
  const windows = new Map<string, { groupId: string; windowMs: number }>();
  const down = new Set<string>();
  const dropped = new Set<number>();
  const quotas = new Map<string, QuotaSubject>();
  for (const rule of rules) {
    if (!rule.enabled) continue;
    const c = rule.condition;
    if (c.type === "provider_unhealthy") providers = true;
    else if (c.type === "group_success_rate" || c.type === "group_latency_p95") {
      windows.set(windowKey(c.groupId, c.windowMs), { groupId: c.groupId, windowMs: c.windowMs });
    } else if (c.type === "group_all_down") down.add(c.groupId);
    else if (c.type === "quota_used") {
      const subject = quotaSubjectOf(c);
      quotas.set(quotaSubjectKey(subject), subject);
    } else dropped.add(c.windowMs);
  }
  return {
    providers,
    groupWindows: [...windows.values()],
    groupsDown: [...down],
    droppedWindows: [...dropped],
    quotaSubjects: [...quotas.values()],
  };
}

/** "5m", "90s", "2h": short window labels for summaries. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const groupKey = (groupId: string) => `group:${groupId}`;

/** Observes one rule; an empty list means "no subject" (every open incident of the rule is gone). */
export function observeRule(condition: AlertCondition, readings: SignalReadings): Observation[] {
  switch (condition.type) {
    case "provider_unhealthy":
      return observeProviders(condition.providerIds, condition.states, readings);
    case "group_success_rate":
    case "group_latency_p95":
      return [observeWindow(condition, readings)];
    case "group_all_down": {
      const name = groupName(condition.groupId, readings);
      const down = readings.groupsDown.get(condition.groupId);
      return [
        {
          subjectKey: groupKey(condition.groupId),
          subjectName: name,
          active: down ?? null,
          value: null,
          threshold: null,
          summary: `Every provider of group "${name}" is down`,
          clearSummary: `Group "${name}" has an available provider again`,
        },
      ];
    }
    case "log_rows_dropped": {
      const count = readings.droppedLogRows.get(condition.windowMs);
      const window = formatDuration(condition.windowMs);
      return [
        {
          subjectKey: "global",
          subjectName: "request log",
          active: count === undefined ? null : count >= condition.minDropped,
          value: count ?? null,
          threshold: condition.minDropped,
          summary: `${count ?? 0} request-log rows were dropped in the last ${window}`,
          clearSummary: `No request-log rows dropped beyond the threshold in the last ${window}`,
        },
      ];
    }
    case "quota_used":
      return observeQuota(condition, readings);
  }
}

/** "$12.50" for cost (micro-dollars), the plain count otherwise. */
function quotaAmount(metric: string, units: number): string {
  return metric === "costPerMonthUsd" ? `$${(units / 1_000_000).toFixed(2)}` : String(units);
}

function observeQuota(condition: QuotaUsedCondition, readings: SignalReadings): Observation[] {
  const subject = quotaSubjectOf(condition);
  const subjectKey = quotaSubjectKey(subject);
  const reading = readings.quotaUsage?.get(subjectKey);
  // A deleted or disabled key: no subject, so its open incident resolves as gone.
  if (reading === null) return [];
  const name = reading?.name ?? subject.id;
  const label = `${subject.kind === "key" ? "Key" : "Tenant"} "${name}"`;
  const base = { subjectKey, subjectName: name, threshold: condition.minUsedPercent };
  if (reading === undefined) {
    return [
      { ...base, active: null, value: null, summary: `${label} quota usage unknown`, clearSummary: "" },
    ];
  }
  let worst: { metric: string; used: number; limit: number; percent: number } | null = null;
  for (const q of reading.quotas) {
    const percent = q.limit > 0 ? (q.used / q.limit) * 100 : 100;
    if (worst === null || percent > worst.percent) worst = { ...q, percent };
  }
  const percent = worst === null ? 0 : Math.round(worst.percent * 100) / 100;
  const used =
    worst === null
      ? ""
      : ` (${quotaAmount(worst.metric, worst.used)} of ${quotaAmount(worst.metric, worst.limit)})`;
  return [
    {
      ...base,
      active: percent >= condition.minUsedPercent,
      value: percent,
      summary: `${label} has used ${percent.toFixed(1)}% of its ${worst?.metric ?? "quota"}${used}, at or above ${condition.minUsedPercent}%`,
      clearSummary: `${label} quota usage is back to ${percent.toFixed(1)}%${worst ? ` of its ${worst.metric}` : ""}`,
    },
  ];
}

function groupName(groupId: string, readings: SignalReadings): string {
  return readings.groupNames.get(groupId) ?? groupId;
}

function observeProviders(
  providerIds: readonly string[] | null,
  states: readonly string[],
  readings: SignalReadings,
): Observation[] {
  // Unknown provider list: report nothing, and let the evaluator hold the open incidents.
  if (readings.providers === null) return [];
  const watched = providerIds === null ? null : new Set(providerIds);
  return readings.providers
    .filter((p) => watched === null || watched.has(p.providerId))
    .map((p) => ({
      subjectKey: p.providerId,
      subjectName: p.name,
      active: states.includes(p.state),
      value: null,
      threshold: null,
      summary: `Provider "${p.name}" is ${p.state}${p.reason ? ` (${p.reason})` : ""}`,
      clearSummary: `Provider "${p.name}" is now ${p.state}`,
    }));
}

function observeWindow(
  condition: Extract<AlertCondition, { type: "group_success_rate" | "group_latency_p95" }>,
  readings: SignalReadings,
): Observation {
  const name = groupName(condition.groupId, readings);
  const window = formatDuration(condition.windowMs);
  const stats: GroupWindow | undefined = readings.groupWindows.get(
    windowKey(condition.groupId, condition.windowMs),
  );
  const base = { subjectKey: groupKey(condition.groupId), subjectName: name };
  const enough = stats !== undefined && stats.requests >= condition.minRequests && stats.requests > 0;
  if (condition.type === "group_success_rate") {
    const rate = enough ? (stats.successes / stats.requests) * 100 : null;
    return {
      ...base,
      active: rate === null ? null : rate < condition.minSuccessRatePercent,
      value: rate === null ? null : Math.round(rate * 100) / 100,
      threshold: condition.minSuccessRatePercent,
      summary: `Group "${name}" success rate ${rate?.toFixed(1) ?? "?"}% is below ${condition.minSuccessRatePercent}% over ${window} (${stats?.requests ?? 0} requests)`,
      clearSummary: `Group "${name}" success rate is back to ${rate?.toFixed(1) ?? "?"}% over ${window}`,
    };
  }
  const p95 = enough ? stats.p95LatencyMs : null;
  return {
    ...base,
    active: p95 === null ? null : p95 > condition.maxP95LatencyMs,
    value: p95,
    threshold: condition.maxP95LatencyMs,
    summary: `Group "${name}" p95 latency ${p95 ?? "?"} ms is above ${condition.maxP95LatencyMs} ms over ${window} (${stats?.requests ?? 0} requests)`,
    clearSummary: `Group "${name}" p95 latency is back to ${p95 ?? "?"} ms over ${window}`,
  };
}
