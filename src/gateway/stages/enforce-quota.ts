import { createQuotaCalendar, type QuotaCalendar, type QuotaWindows } from "../../core/quota/calendar-window";
import {
  counterTtlMs,
  exhaustedCounter,
  keyQuotaSubject,
  quotaCounters,
  tenantQuotaSubject,
  quotaHeaders,
  quotaRefusal,
  type QuotaCounter,
} from "../../core/quota/quota";
import type { NewRequestLogRow } from "../../db/schema/request-logs";
import { GatewayRefusal } from "../gateway-errors";
import type { GatewayRuntime } from "../gateway-types";
import { handleStoreFailure, warnStoreFailure } from "../limits/store-failure";
import type { SnapshotKey } from "../snapshot/snapshot-types";
import type { KeyLimits } from "./enforce-key-limits";
import { epochMs } from "../context/clock";

/**
 * The key's and its tenant's quotas (requests/tokens per day, tokens/cost per month), before
 * forwarding: ONE store call checks every limited counter of both and, when all are below their
 * limits, counts the request — atomically across instances, so neither the key's nor the tenant's
 * last unit is ever spent twice. Tokens and cost are charged after the response (`chargeQuota`, one
 * call for both), so the request that crosses a limit completes and the next one is refused. Keys
 * without a quota whose tenant has none never get here.
 */

const calendars = new Map<string, QuotaCalendar>();

/** The calendar of a time zone (created on first use, kept: windows are cached inside). */
function calendarOf(timeZone: string): QuotaCalendar {
  let c = calendars.get(timeZone);
  if (c === undefined) calendars.set(timeZone, (c = createQuotaCalendar(timeZone)));
  return c;
}

/** A key's counters in one set of windows (the calendar keeps its windows object until they roll). */
interface KeyCounters {
  readonly windows: QuotaWindows;
  readonly counters: readonly QuotaCounter[];
}

// Keyed by the snapshot's key object: a config change brings new key objects (and drops these).
const countersByKey = new WeakMap<SnapshotKey, KeyCounters>();

/** The key's limited counters, then its tenant's, in the current windows (empty without quotas). */
export function keyQuotaCounters(timeZone: string, key: SnapshotKey, nowMs: number): readonly QuotaCounter[] {
  const windows = calendarOf(timeZone).windowsAt(nowMs);
  const cached = countersByKey.get(key);
  if (cached !== undefined && cached.windows === windows) return cached.counters;
  const own = key.quota === null ? [] : quotaCounters(keyQuotaSubject(key.id), key.quota, windows);
  const tenant =
    key.tenantQuota === null
      ? []
      : quotaCounters(tenantQuotaSubject(key.tenantId), key.tenantQuota, windows, "tenant");
  const counters = own.concat(tenant);
  countersByKey.set(key, { windows, counters });
  return counters;
}

/**
 * Checks the key's quota; throws QUOTA_EXCEEDED (429, Retry-After, X-Quota-*, details) when a counter
 * is used up. Returns the limits with the X-Quota-* headers added and the counters to charge.
 */
export async function enforceQuota(
  rt: GatewayRuntime,
  requestId: string,
  key: SnapshotKey,
  limits: KeyLimits,
): Promise<KeyLimits> {
  if (key.quota === null && key.tenantQuota === null) return limits;
  const now = epochMs();
  const counters = keyQuotaCounters(rt.options.quotaTimeZone, key, now);
  let result;
  try {
    result = await rt.store.checkQuota(
      counters.map((c) => ({
        key: c.key,
        limit: c.limit,
        admit: c.metric === "requestsPerDay" ? 1 : 0,
        ttlMs: counterTtlMs(c, now),
      })),
    );
  } catch (err) {
    handleStoreFailure(rt, err, "quota", requestId);
    return { ...limits, quota: counters };
  }
  const readings = counters.map((counter, i) => ({ counter, used: result.used[i] ?? 0 }));
  const headers = quotaHeaders(readings, now, { ...limits.rateHeaders });
  if (!result.allowed) {
    const refusal = quotaRefusal(exhaustedCounter(readings) ?? readings[0]!, now);
    throw new GatewayRefusal(
      "QUOTA_EXCEEDED",
      { ...headers, "retry-after": String(refusal.retryAfterSeconds) },
      `Quota ${refusal.quota} of this ${refusal.scope} is used up (${refusal.usage} of ${refusal.limit}); it resets at ${refusal.resetsAt}.`,
      refusal,
    );
  }
  return { ...limits, rateHeaders: headers, quota: counters };
}

/** Charges a finished request's tokens and cost to the key's and tenant's counters (fire and forget). */
export function chargeQuota(
  rt: GatewayRuntime,
  requestId: string,
  limits: KeyLimits | null,
  row: NewRequestLogRow,
): void {
  const counters = limits?.quota;
  if (counters === undefined || counters === null || counters.length === 0) return;
  const tokens = (row.inputTokens ?? 0) + (row.outputTokens ?? 0);
  const cost = row.costMicros ?? 0;
  const now = epochMs();
  const amounts = [];
  for (const c of counters) {
    const amount = c.metric === "costPerMonthUsd" ? cost : c.metric === "requestsPerDay" ? 0 : tokens;
    if (amount > 0) amounts.push({ key: c.key, amount, ttlMs: counterTtlMs(c, now) });
  }
  if (amounts.length === 0) return;
  rt.store.chargeCounters(amounts).catch((err: unknown) => warnStoreFailure(rt, err, "quota", requestId));
}
