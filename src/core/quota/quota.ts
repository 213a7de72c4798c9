import { microsToUsd, usdToMicros } from "../cost/money";
import type { CalendarWindow, QuotaWindows } from "./calendar-window";

/**
 * Quotas of a gateway key (or tenant): requests per day, tokens per day, tokens per month and cost per
 * month, each optional. Usage lives in one store counter per metric and window; the gateway checks
 * every limited counter atomically before forwarding (one store call) and charges tokens and cost
 * after the response. This module turns a quota into those counters and their answers (pure).
 */

export const QUOTA_METRICS = ["requestsPerDay", "tokensPerDay", "tokensPerMonth", "costPerMonthUsd"] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];

/** Whose quota a counter belongs to: the gateway key's own, or its tenant's (shared by its keys). */
export type QuotaScope = "key" | "tenant";

/** As stored and sent over the API; null or absent = unlimited. Cost in USD. */
export interface QuotaSpec {
  requestsPerDay?: number | null;
  tokensPerDay?: number | null;
  tokensPerMonth?: number | null;
  costPerMonthUsd?: number | null;
}

/** A quota ready for the request path: every limit an integer (cost in micros). */
export interface QuotaLimits {
  readonly requestsPerDay: number | null;
  readonly tokensPerDay: number | null;
  readonly tokensPerMonth: number | null;
  readonly costPerMonthMicros: number | null;
}

/** One limited counter of one subject in the current window. */
export interface QuotaCounter {
  readonly scope: QuotaScope;
  readonly metric: QuotaMetric;
  /** Store key (without the store's prefix): `quota:{subject}:{metric}:{window id}`. */
  readonly key: string;
  /** In counter units: requests, tokens or micros. */
  readonly limit: number;
  readonly window: CalendarWindow;
  /** Its X-Quota-* header names (limit, remaining, reset) and the limit as shown in them. */
  readonly headers: QuotaHeaderNames;
}

/** The trio of X-Quota-* header names of one counter, and its limit as the header shows it. */
export interface QuotaHeaderNames {
  readonly limit: string;
  readonly remaining: string;
  readonly reset: string;
  readonly limitText: string;
}

/** Null when no metric is limited (such a key never touches the store for quotas). */
export function toQuotaLimits(spec: QuotaSpec | null | undefined): QuotaLimits | null {
  if (spec === null || spec === undefined) return null;
  const cost = spec.costPerMonthUsd ?? null;
  const limits: QuotaLimits = {
    requestsPerDay: spec.requestsPerDay ?? null,
    tokensPerDay: spec.tokensPerDay ?? null,
    tokensPerMonth: spec.tokensPerMonth ?? null,
    costPerMonthMicros: cost === null ? null : usdToMicros(cost),
  };
  const any = Object.values(limits).some((v) => v !== null);
  return any ? limits : null;
}

/** The spec with only its set limits, in a fixed order; null when nothing is limited (for comparing). */
export function normalizeQuotaSpec(spec: QuotaSpec | null | undefined): QuotaSpec | null {
  if (spec === null || spec === undefined) return null;
  const out: QuotaSpec = {};
  for (const metric of QUOTA_METRICS) {
    const value = spec[metric];
    if (value !== null && value !== undefined) out[metric] = value;
  }
  return Object.keys(out).length === 0 ? null : out;
}

/** Whether two quota specs set the same limits (null, absent and all-null are the same). */
export function sameQuotaSpec(a: QuotaSpec | null | undefined, b: QuotaSpec | null | undefined): boolean {
  return JSON.stringify(normalizeQuotaSpec(a)) === JSON.stringify(normalizeQuotaSpec(b));
}

function limitOf(limits: QuotaLimits, metric: QuotaMetric): number | null {
  return metric === "costPerMonthUsd" ? limits.costPerMonthMicros : limits[metric];
}

function windowOf(windows: QuotaWindows, metric: QuotaMetric): CalendarWindow {
  return metric === "requestsPerDay" || metric === "tokensPerDay" ? windows.day : windows.month;
}

/** Store subject of a gateway key's counters; the braces keep them in one Redis Cluster slot. */
export function keyQuotaSubject(keyId: string): string {
  return `{key:${keyId}}`;
}

/** Store subject of a tenant's counters (every key of the tenant charges them). */
export function tenantQuotaSubject(tenantId: string): string {
  return `{tenant:${tenantId}}`;
}

/** Store key of a subject's counter for a metric in a window. */
export function quotaCounterKey(subject: string, metric: QuotaMetric, window: CalendarWindow): string {
  return `quota:${subject}:${metric}:${window.id}`;
}

/** The limited counters of `subject` ("{key:id}", "{tenant:id}") in the given windows. */
export function quotaCounters(
  subject: string,
  limits: QuotaLimits,
  windows: QuotaWindows,
  scope: QuotaScope = "key",
): QuotaCounter[] {
  const out: QuotaCounter[] = [];
  for (const metric of QUOTA_METRICS) {
    const limit = limitOf(limits, metric);
    if (limit === null) continue;
    const window = windowOf(windows, metric);
    const key = quotaCounterKey(subject, metric, window);
    out.push({ scope, metric, key, limit, window, headers: headerNamesOf(scope, metric, limit) });
  }
  return out;
}

/** What one counter reads, for headers and refusals. */
export interface QuotaReading {
  readonly counter: QuotaCounter;
  /** Usage in counter units (after this request's admission for requestsPerDay). */
  readonly used: number;
}

/** The first exhausted counter (usage at or above its limit), or null. */
export function exhaustedCounter(readings: readonly QuotaReading[]): QuotaReading | null {
  for (const r of readings) if (r.used >= r.counter.limit) return r;
  return null;
}

/** Counter units shown to people: cost in USD, everything else as is. */
export function displayAmount(metric: QuotaMetric, units: number): number {
  return metric === "costPerMonthUsd" ? microsToUsd(units) : units;
}

function headerNamesOf(scope: QuotaScope, metric: QuotaMetric, limit: number): QuotaHeaderNames {
  const name = `x-quota-${scope === "tenant" ? "tenant-" : ""}${kebab(metric)}`;
  return {
    limit: `${name}-limit`,
    remaining: `${name}-remaining`,
    reset: `${name}-reset`,
    limitText: String(displayAmount(metric, limit)),
  };
}

/**
 * X-Quota-* headers: one trio per limited metric, e.g. `x-quota-tokens-per-day-limit`,
 * `-remaining`, `-reset` (seconds until the window resets, like X-RateLimit-Reset). The tenant's
 * counters get the same trio under `x-quota-tenant-…`, so a client sees both budgets it draws on.
 * Written into `into` when given (the answer's other headers), so they are copied once.
 */
export function quotaHeaders(
  readings: readonly QuotaReading[],
  nowMs: number,
  into: Record<string, string> = {},
): Record<string, string> {
  for (const { counter, used } of readings) {
    const names = counter.headers;
    into[names.limit] = names.limitText;
    into[names.remaining] = String(displayAmount(counter.metric, Math.max(0, counter.limit - used)));
    into[names.reset] = String(Math.max(0, Math.ceil((counter.window.resetMs - nowMs) / 1000)));
  }
  return into;
}

function kebab(metric: QuotaMetric): string {
  return metric.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Refusal details of an exhausted counter (the QUOTA_EXCEEDED body). */
export function quotaRefusal(reading: QuotaReading, nowMs: number) {
  const { counter, used } = reading;
  return {
    scope: counter.scope,
    quota: counter.metric,
    limit: displayAmount(counter.metric, counter.limit),
    usage: displayAmount(counter.metric, used),
    resetsAt: new Date(counter.window.resetMs).toISOString(),
    retryAfterSeconds: Math.max(1, Math.ceil((counter.window.resetMs - nowMs) / 1000)),
  };
}

/** Store key TTL for a counter: the rest of its window plus a day (late charges, clock skew). */
export function counterTtlMs(counter: QuotaCounter, nowMs: number): number {
  return Math.max(1, counter.window.resetMs - nowMs) + 86_400_000;
}
