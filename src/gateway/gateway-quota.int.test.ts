import { eq } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { keyQuotaSubject, tenantQuotaSubject } from "../core/quota/quota";
import { DEFAULT_TENANT_ID } from "../core/vocabulary/tenants";
import { quotaWindowsAt } from "../core/quota/calendar-window";
import { apiKeys, modelPrices, tenants, type StoredQuota } from "../db/schema";
import { syncQuotaUsage } from "../stats/quota-usage-sync";
import { createRedisStore } from "../store/redis-store";
import type { StateStore } from "../store/types";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";
import { testRedis } from "../testing/test-database";
import { createLogger } from "../observability/logger";

/**
 * Key quotas through the gateway, on the memory store and on Redis: exactly the limit passes, the
 * refusal says which quota, its limit, usage and reset, X-Quota-* on every answer, tokens and cost
 * charged after the response, and usage rebuilt from the request logs after the store lost it; the
 * same for tenant quotas, shared by the tenant's keys and checked in the key's store step.
 */

const opened: { h: GatewayHarness; up: MockUpstream }[] = [];
afterEach(async () => {
  for (const { h, up } of opened.splice(0)) {
    await h.close();
    await up.close();
  }
});
afterAll(async () => {
  for (const { h, up } of opened.splice(0)) {
    await h.close();
    await up.close();
  }
});

async function setup(store?: StateStore) {
  const h = await startGatewayHarness(store ? { store } : {});
  const up = await startMockUpstream({ behaviour: { inputTokens: 10, outputTokens: 5, model: "priced" } });
  opened.push({ h, up });
  const route = await h.addRoute({ baseUrl: up.url });
  return { h, up, ...route };
}

async function setQuota(h: GatewayHarness, keyId: string, quota: StoredQuota): Promise<void> {
  await h.db.update(apiKeys).set({ quota }).where(eq(apiKeys.id, keyId));
  await h.reload();
}

async function keyIdOf(h: GatewayHarness): Promise<string> {
  const [row] = await h.db.select({ id: apiKeys.id }).from(apiKeys).orderBy(apiKeys.createdAt).limit(1);
  return row!.id;
}

async function send(h: GatewayHarness, slug: string, key: string) {
  const res = await fetch(h.proxyUrl(slug, "/v1/chat/completions"), {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: "priced", messages: [] }),
  });
  const text = await res.text();
  return { res, text };
}

const stores: [string, () => Promise<StateStore | undefined>][] = [
  ["memory store", async () => undefined],
  [
    "Redis store",
    async () => {
      const redis = testRedis();
      return createRedisStore({ url: redis.url, prefix: redis.prefix });
    },
  ],
];

describe.each(stores)("key quotas (%s)", (_name, makeStore) => {
  it("lets exactly requestsPerDay of a burst through and refuses the rest with the quota's facts", async () => {
    const { h, slug, key } = await setup(await makeStore());
    await setQuota(h, await keyIdOf(h), { requestsPerDay: 5 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => send(h, slug, key)));
    const ok = answers.filter((a) => a.res.status === 200);
    const refused = answers.filter((a) => a.res.status === 429);
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(7);
    for (const { res } of ok) {
      expect(res.headers.get("x-quota-requests-per-day-limit")).toBe("5");
      expect(Number(res.headers.get("x-quota-requests-per-day-remaining"))).toBeLessThan(5);
    }
    const { res, text } = refused[0]!;
    const reset = quotaWindowsAt(Date.now(), "UTC").day.resetMs;
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(
      Math.floor((reset - Date.now()) / 1000),
    );
    expect(res.headers.get("x-quota-requests-per-day-remaining")).toBe("0");
    const body = JSON.parse(text) as { error: { code: string; details: Record<string, unknown> } };
    expect(body.error.code).toBe("QUOTA_EXCEEDED");
    expect(body.error.details).toMatchObject({
      quota: "requestsPerDay",
      limit: 5,
      usage: 5,
      resetsAt: new Date(reset).toISOString(),
    });
    const rows = await h.requestLogs();
    expect(rows.filter((r) => r.errorCode === "QUOTA_EXCEEDED")).toHaveLength(7);
  });

  it("charges tokens and cost after the response; the request that crosses the limit completes, the next is refused", async () => {
    const { h, slug, key } = await setup(await makeStore());
    await h.db.insert(modelPrices).values({
      model: "priced",
      inputPerMTokMicros: 1_000_000_000, // $1,000 per MTok: 10 input tokens = $0.01
      outputPerMTokMicros: 2_000_000_000, // 5 output tokens = $0.01
      cacheReadPerMTokMicros: null,
      cacheWritePerMTokMicros: null,
    });
    const keyId = await keyIdOf(h);
    await setQuota(h, keyId, { tokensPerDay: 40, costPerMonthUsd: 1 });
    // 15 tokens each: 0 → 15 → 30 → 45 (the third crosses 40 and completes) → refused.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await send(h, slug, key)).res.status);
      await h.gateway.logWriter.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const windows = quotaWindowsAt(Date.now(), "UTC");
    const subject = keyQuotaSubject(keyId);
    expect(await h.store.get(`quota:${subject}:tokensPerDay:${windows.day.id}`)).toBe("45");
    expect(await h.store.get(`quota:${subject}:costPerMonthUsd:${windows.month.id}`)).toBe("60000");

    // The store loses its counters (a Redis flush): usage comes back from the request logs.
    await h.store.del(
      `quota:${subject}:tokensPerDay:${windows.day.id}`,
      `quota:${subject}:costPerMonthUsd:${windows.month.id}`,
    );
    expect((await send(h, slug, key)).res.status).toBe(200);
    await h.gateway.logWriter.flush();
    const synced = await syncQuotaUsage({
      db: h.db,
      store: h.store,
      logger: createLogger("silent"),
      keys: () => h.gateway.snapshots.current()?.keysByDigest.values() ?? null,
      timeZone: "UTC",
    });
    expect(synced).toBe(1);
    // 4 answered requests × 15 tokens = 60 (the refused one carried none); never lowered afterwards.
    expect(await h.store.get(`quota:${subject}:tokensPerDay:${windows.day.id}`)).toBe("60");
    expect(await h.store.get(`quota:${subject}:costPerMonthUsd:${windows.month.id}`)).toBe("80000");
    const after = await send(h, slug, key);
    expect(after.res.status).toBe(429);
    expect(JSON.parse(after.text).error.details).toMatchObject({
      quota: "tokensPerDay",
      limit: 40,
      usage: 60,
    });
  });
});

describe.each(stores)("tenant quotas (%s)", (_name, makeStore) => {
  it("are shared by the tenant's keys, checked in the same step as the key's, and named in the refusal", async () => {
    const { h, slug, key } = await setup(await makeStore());
    const keyId = await keyIdOf(h);
    const second = await h.addKey();
    await h.db
      .update(tenants)
      .set({ quota: { requestsPerDay: 6 } })
      .where(eq(tenants.id, DEFAULT_TENANT_ID));
    await setQuota(h, keyId, { requestsPerDay: 4 });
    // First key: its own limit (4) binds before the tenant's (6); its refusals spend no tenant unit.
    const first = await Promise.all(Array.from({ length: 8 }, () => send(h, slug, key)));
    expect(first.filter((a) => a.res.status === 200)).toHaveLength(4);
    const keyRefusal = first.find((a) => a.res.status === 429)!;
    expect(JSON.parse(keyRefusal.text).error.details).toMatchObject({
      scope: "key",
      quota: "requestsPerDay",
    });
    // Second key (no quota of its own): the tenant's 2 remaining units, then the tenant's refusal.
    const rest = await Promise.all(Array.from({ length: 6 }, () => send(h, slug, second.key)));
    expect(rest.filter((a) => a.res.status === 200)).toHaveLength(2);
    const ok = rest.find((a) => a.res.status === 200)!;
    expect(ok.res.headers.get("x-quota-tenant-requests-per-day-limit")).toBe("6");
    expect(ok.res.headers.get("x-quota-requests-per-day-limit")).toBeNull();
    const refused = rest.find((a) => a.res.status === 429)!;
    expect(refused.res.headers.get("x-quota-tenant-requests-per-day-remaining")).toBe("0");
    expect(JSON.parse(refused.text).error).toMatchObject({
      code: "QUOTA_EXCEEDED",
      details: { scope: "tenant", quota: "requestsPerDay", limit: 6, usage: 6 },
    });
    const windows = quotaWindowsAt(Date.now(), "UTC");
    expect(
      await h.store.get(`quota:${tenantQuotaSubject(DEFAULT_TENANT_ID)}:requestsPerDay:${windows.day.id}`),
    ).toBe("6");
  });

  it("charge tokens after the response and come back from the logs after the store lost them", async () => {
    const { h, slug, key } = await setup(await makeStore());
    await h.db
      .update(tenants)
      .set({ quota: { tokensPerMonth: 40 } })
      .where(eq(tenants.id, DEFAULT_TENANT_ID));
    await h.reload();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await send(h, slug, key)).res.status);
      await h.gateway.logWriter.flush();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const windows = quotaWindowsAt(Date.now(), "UTC");
    const counter = `quota:${tenantQuotaSubject(DEFAULT_TENANT_ID)}:tokensPerMonth:${windows.month.id}`;
    expect(await h.store.get(counter)).toBe("45");
    await h.store.del(counter);
    expect((await send(h, slug, key)).res.status).toBe(200);
    await h.gateway.logWriter.flush();
    const snapshot = h.gateway.snapshots.current()!;
    await syncQuotaUsage({
      db: h.db,
      store: h.store,
      logger: createLogger("silent"),
      keys: () => snapshot.keysByDigest.values(),
      tenants: () => snapshot.tenantQuotas,
      timeZone: "UTC",
    });
    expect(await h.store.get(counter)).toBe("60");
    expect((await send(h, slug, key)).res.status).toBe(429);
  });
});

describe("keys without a quota", () => {
  it("never touch the store and carry no X-Quota-* headers", async () => {
    const { h, slug, key } = await setup();
    const { res } = await send(h, slug, key);
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].filter((n) => n.startsWith("x-quota"))).toEqual([]);
  });
});
