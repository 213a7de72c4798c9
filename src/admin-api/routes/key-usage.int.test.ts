import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createdApiKeySchema } from "@/contracts/api-keys";
import { keyUsageSchema } from "@/contracts/key-usage";
import { tenantSchema } from "@/contracts/tenants";
import { quotaWindowsAt } from "@/core/quota/calendar-window";
import type { NewRequestLogRow } from "@/db/schema";
import { aggregateRollups } from "@/stats/rollup-aggregate";
import { upsertRollups } from "@/stats/rollup-write";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";

/**
 * GET /api-keys/{id}/usage: this quota day's and month's requests, tokens and cost of one key, read
 * from the rollups of its own tenant, beside its quota. Figures exact from seeded rows.
 */

let t: AdminTestServer;

beforeAll(async () => {
  t = await startAdminTestServer("postgres");
});
afterAll(async () => {
  await t?.close();
});

const MINUTE = 60_000;

function logRow(
  over: Partial<NewRequestLogRow> & Pick<NewRequestLogRow, "id" | "createdAt">,
): NewRequestLogRow {
  return { method: "POST", path: "/v1/chat/completions", status: 200, totalMs: 5, attempts: [], ...over };
}

describe("key usage", () => {
  it("sums today and this month from the key's rollups, leaving out refusals, other keys and last month", async () => {
    const team = (await t.call("POST", "/tenants", { json: { name: "Team", slug: "team" } })).as(
      tenantSchema,
    );
    const inTeam = { headers: { "x-roundabout-tenant": "team" } };
    const key = (
      await t.call("POST", "/api-keys", {
        ...inTeam,
        json: { name: "metered", quota: { requestsPerDay: 100, costPerMonthUsd: 2.5 } },
      })
    ).as(createdApiKeySchema);
    const other = (await t.call("POST", "/api-keys", { ...inTeam, json: { name: "other" } })).as(
      createdApiKeySchema,
    );

    const now = Date.now();
    const windows = quotaWindowsAt(now, "UTC");
    const base = { tenantId: team.id, keyId: key.id };
    const today = new Date(Math.max(windows.day.startMs, now - 2 * MINUTE));
    const rows: NewRequestLogRow[] = [
      logRow({ ...base, id: "a", createdAt: today, inputTokens: 100, outputTokens: 20, costMicros: 1_250 }),
      logRow({ ...base, id: "b", createdAt: today, inputTokens: 7, outputTokens: 3, costMicros: 11 }),
      // Refused before admission: no request counted (the quota does not count it either).
      logRow({ ...base, id: "c", createdAt: today, status: 429, errorCode: "QUOTA_EXCEEDED" }),
      // Another key of the same tenant, and this key last month: neither counts.
      logRow({ ...base, keyId: other.id, id: "d", createdAt: today, inputTokens: 999, costMicros: 999 }),
      logRow({ ...base, id: "e", createdAt: new Date(windows.month.startMs - 90 * MINUTE), inputTokens: 5 }),
    ];
    // Earlier this month but not today (impossible on the 1st): month only.
    const earlierThisMonth = windows.day.startMs - 90 * MINUTE >= windows.month.startMs;
    if (earlierThisMonth) {
      rows.push(
        logRow({
          ...base,
          id: "f",
          createdAt: new Date(windows.day.startMs - 90 * MINUTE),
          inputTokens: 1_000,
          outputTokens: 500,
          costMicros: 2_000_000,
        }),
      );
    }
    await upsertRollups(t.database.db, aggregateRollups(rows));

    const usage = (await t.call("GET", `/api-keys/${key.id}/usage`, inTeam)).as(keyUsageSchema);
    expect(usage).toMatchObject({
      keyId: key.id,
      timeZone: "UTC",
      quota: { requestsPerDay: 100, costPerMonthUsd: 2.5 },
      day: {
        id: windows.day.id,
        startsAt: new Date(windows.day.startMs).toISOString(),
        resetsAt: new Date(windows.day.resetMs).toISOString(),
        requests: 2,
        tokens: 130,
        costUsd: 0.001261,
      },
      month: {
        id: windows.month.id,
        requests: earlierThisMonth ? 3 : 2,
        tokens: earlierThisMonth ? 1_630 : 130,
        costUsd: earlierThisMonth ? 2.001261 : 0.001261,
      },
    });

    // A key of another tenant is not found from here, with or without traffic.
    (await t.call("GET", `/api-keys/${key.id}/usage`)).error(404, "API_KEY_NOT_FOUND");
    (await t.call("GET", "/api-keys/not-a-uuid/usage")).error(404, "API_KEY_NOT_FOUND");
    const fresh = (await t.call("GET", `/api-keys/${other.id}/usage`, inTeam)).as(keyUsageSchema);
    expect(fresh.quota).toBeNull();
    expect(fresh.day).toMatchObject({ requests: 1, tokens: 999, costUsd: 0.000999 });
  });
});
