import { randomUUID } from "node:crypto";
import { lt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quotaWindowsAt } from "../core/quota/calendar-window";
import { keyQuotaSubject, tenantQuotaSubject, toQuotaLimits } from "../core/quota/quota";
import { DEFAULT_TENANT_ID } from "../core/vocabulary/tenants";
import type { Database } from "../db/client";
import { requestLogs, tenants, type NewRequestLogRow } from "../db/schema";
import { createRequestLogInsert } from "../gateway/insert-request-logs";
import { createLogger } from "../observability/logger";
import { createMemoryStore } from "../store/memory-store";
import type { StateStore } from "../store/types";
import { openTestDatabase } from "../testing/test-database";
import { aggregateRollups } from "./rollup-aggregate";
import { upsertRollups } from "./rollup-write";
import { syncQuotaUsage } from "./quota-usage-sync";

/**
 * The quota recount on PostgreSQL: today from the request logs, the month's earlier days from the
 * rollups — so usage survives raw logs deleted by a LOG_RETENTION_DAYS shorter than a month — for
 * keys and tenants, replays left out.
 */

const DAY = 86_400_000;
// Mid-month, so the month has earlier days; the clock is injected, rows are dated around it.
const NOW = Date.parse("2026-12-15T12:00:00Z");
const windows = quotaWindowsAt(NOW, "UTC");

let database: Database;
let store: StateStore;
let otherTenant: string;

beforeAll(async () => {
  database = await openTestDatabase("postgres");
  store = createMemoryStore();
  otherTenant = randomUUID();
  await database.db
    .insert(tenants)
    .values({ id: otherTenant, name: "Other", slug: `o-${otherTenant.slice(0, 8)}` });
});

afterAll(async () => {
  await store?.close();
  await database?.close();
});

let seq = 0;
function row(
  keyId: string,
  tenantId: string,
  at: number,
  extra: Partial<NewRequestLogRow> = {},
): NewRequestLogRow {
  return {
    id: `sync-${++seq}`,
    createdAt: new Date(at),
    tenantId,
    keyId,
    groupId: randomUUID(),
    providerId: randomUUID(),
    method: "POST",
    path: "/v1/messages",
    status: 200,
    totalMs: 5,
    inputTokens: 100,
    outputTokens: 20,
    costMicros: 1_000,
    ...extra,
  };
}

/** Writes rows as the log writer does: raw rows and their rollups in one transaction. */
async function write(rows: NewRequestLogRow[]): Promise<void> {
  const insert = createRequestLogInsert();
  await database.db.transaction(async (tx) => {
    await insert(tx, rows);
    await upsertRollups(tx, aggregateRollups(rows));
  });
}

describe("quota usage recount", () => {
  it("counts earlier days from the rollups after their raw logs are gone, today from the logs, no replays", async () => {
    const keyA = randomUUID();
    const keyB = randomUUID();
    await write([
      // Earlier this month (raw logs deleted below, as retention would).
      row(keyA, otherTenant, NOW - 10 * DAY),
      row(keyA, otherTenant, NOW - 3 * DAY),
      row(keyB, otherTenant, NOW - 3 * DAY, { inputTokens: 1_000, costMicros: 5_000 }),
      // Last month: counts for nothing.
      row(keyA, otherTenant, windows.month.startMs - DAY),
      // Today.
      row(keyA, otherTenant, NOW - 60_000),
      row(keyA, otherTenant, NOW - 30_000, {
        status: 429,
        errorCode: "QUOTA_EXCEEDED",
        inputTokens: null,
        outputTokens: null,
        costMicros: null,
      }),
      row(keyA, otherTenant, NOW - 20_000, { source: "replay" }),
      row(keyB, otherTenant, NOW - 10_000),
      // Another tenant's key: not this tenant's usage.
      row(randomUUID(), DEFAULT_TENANT_ID, NOW - 10_000, { inputTokens: 50_000 }),
    ]);
    await database.db.delete(requestLogs).where(lt(requestLogs.createdAt, new Date(windows.day.startMs)));

    const keyQuota = toQuotaLimits({
      requestsPerDay: 100,
      tokensPerDay: 10_000,
      tokensPerMonth: 10_000,
      costPerMonthUsd: 1,
    })!;
    const tenantQuota = toQuotaLimits({ requestsPerDay: 100, tokensPerMonth: 100_000, costPerMonthUsd: 10 })!;
    const synced = await syncQuotaUsage({
      db: database.db,
      store,
      logger: createLogger("silent"),
      keys: () => [
        { id: keyA, quota: keyQuota },
        { id: keyB, quota: null },
      ],
      tenants: () => new Map([[otherTenant, tenantQuota]]),
      timeZone: "UTC",
      now: () => NOW,
    });
    expect(synced).toBe(2);
    const read = async (subject: string, metric: string, window: string) =>
      Number(await store.get(`quota:${subject}:${metric}:${window}`));
    const a = keyQuotaSubject(keyA);
    // Key A today: one answered request (the refusal and the replay are not counted), 120 tokens.
    expect(await read(a, "requestsPerDay", windows.day.id)).toBe(1);
    expect(await read(a, "tokensPerDay", windows.day.id)).toBe(120);
    // Month: two earlier days (rollups) + today = 360 tokens, $0.003.
    expect(await read(a, "tokensPerMonth", windows.month.id)).toBe(360);
    expect(await read(a, "costPerMonthUsd", windows.month.id)).toBe(3_000);
    const t = tenantQuotaSubject(otherTenant);
    // Tenant: key A (one today) + key B (one today).
    expect(await read(t, "requestsPerDay", windows.day.id)).toBe(2);
    // Key A 360 + key B (1,020 earlier + 120 today) = 1,500 tokens; cost 3,000 + 5,000 + 1,000.
    expect(await read(t, "tokensPerMonth", windows.month.id)).toBe(1_500);
    expect(await read(t, "costPerMonthUsd", windows.month.id)).toBe(9_000);
  });
});
