import { describe, expect, it } from "vitest";
import { quotaWindowsAt } from "./calendar-window";
import {
  exhaustedCounter,
  quotaCounters,
  quotaHeaders,
  quotaRefusal,
  tenantQuotaSubject,
  toQuotaLimits,
} from "./quota";

const now = Date.parse("2026-12-07T12:00:00Z");
const windows = quotaWindowsAt(now, "UTC");

describe("quota", () => {
  it("is null when nothing is limited", () => {
    expect(toQuotaLimits(null)).toBeNull();
    expect(toQuotaLimits({ requestsPerDay: null })).toBeNull();
  });

  it("makes one counter per limited metric, cost in micros", () => {
    const limits = toQuotaLimits({ requestsPerDay: 100, costPerMonthUsd: 12.5 });
    expect(limits).not.toBeNull();
    const counters = quotaCounters("key:k1", limits!, windows);
    expect(counters.map((c) => [c.metric, c.key, c.limit])).toEqual([
      ["requestsPerDay", "quota:key:k1:requestsPerDay:2026-12-07", 100],
      ["costPerMonthUsd", "quota:key:k1:costPerMonthUsd:2026-12", 12_500_000],
    ]);
  });

  it("answers headers and the refusal of the first exhausted counter", () => {
    const counters = quotaCounters(
      "key:k1",
      toQuotaLimits({ tokensPerDay: 1000, costPerMonthUsd: 5 })!,
      windows,
    );
    const readings = [
      { counter: counters[0]!, used: 400 },
      { counter: counters[1]!, used: 5_000_001 },
    ];
    expect(quotaHeaders(readings, now)).toEqual({
      "x-quota-tokens-per-day-limit": "1000",
      "x-quota-tokens-per-day-remaining": "600",
      "x-quota-tokens-per-day-reset": "43200",
      "x-quota-cost-per-month-usd-limit": "5",
      "x-quota-cost-per-month-usd-remaining": "0",
      "x-quota-cost-per-month-usd-reset": String(24 * 86_400 + 43_200),
    });
    const hit = exhaustedCounter(readings);
    expect(hit?.counter.metric).toBe("costPerMonthUsd");
    expect(quotaRefusal(hit!, now)).toEqual({
      scope: "key",
      quota: "costPerMonthUsd",
      limit: 5,
      usage: 5.000001,
      resetsAt: "2027-01-01T00:00:00.000Z",
      retryAfterSeconds: 24 * 86_400 + 43_200,
    });
    expect(exhaustedCounter([{ counter: counters[0]!, used: 999 }])).toBeNull();
  });

  it("names a tenant's counters apart: tenant subject, x-quota-tenant-* headers, scope in the refusal", () => {
    const counters = quotaCounters(
      tenantQuotaSubject("t1"),
      toQuotaLimits({ requestsPerDay: 10 })!,
      windows,
      "tenant",
    );
    expect(counters.map((c) => [c.scope, c.key])).toEqual([
      ["tenant", "quota:{tenant:t1}:requestsPerDay:2026-12-07"],
    ]);
    const readings = [{ counter: counters[0]!, used: 10 }];
    expect(quotaHeaders(readings, now)).toEqual({
      "x-quota-tenant-requests-per-day-limit": "10",
      "x-quota-tenant-requests-per-day-remaining": "0",
      "x-quota-tenant-requests-per-day-reset": "43200",
    });
    expect(quotaRefusal(readings[0]!, now)).toMatchObject({
      scope: "tenant",
      quota: "requestsPerDay",
      usage: 10,
    });
  });
});
