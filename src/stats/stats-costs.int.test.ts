import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statsCacheSchema, statsCostsSchema, type CostEntry } from "@/contracts/stats";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { tenants, type NewRequestLogRow } from "@/db/schema";
import { createLogWriter } from "@/gateway/log-writer";
import { createLogger } from "@/observability/logger";
import { createServiceContext } from "@/services/service-context";
import { createStatsService, type StatsService } from "@/services/stats-service";
import { parseCsv } from "@/http/csv";
import { startGatewayHarness, type GatewayHarness } from "@/testing/gateway-harness";
import { DATABASE_KINDS } from "@/testing/test-database";
import { ALL_KEYS } from "./rollup-aggregate";
import { sumCostMicros } from "./spend-query";

/**
 * Cost by model, key, group, provider and tenant, and the cache / affinity table, from seeded
 * request-log rows written through the real log writer (raw rows + both rollups in one transaction):
 * exact figures at minute, hour and day grain, a replay left out, a second tenant kept apart, and the
 * CSV downloads (formula cells neutralised). On PGlite and PostgreSQL.
 */

const HOUR = 3_600_000;

describe.each(DATABASE_KINDS)("cost and cache statistics on %s", (kind) => {
  let h: GatewayHarness;
  let stats: StatsService;
  let otherStats: StatsService;
  let otherTenant = "";
  // Two hours before the current hour, so every grain's bucket of the rows is inside the ranges below.
  const t0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const ids = { pA: "", pB: "", pC: "", g1: "", g2: "", g3: "", k1: "", k2: "", k3: "" };

  beforeAll(async () => {
    h = await startGatewayHarness({ database: kind });
    const [other] = await h.db.insert(tenants).values({ name: "Other team", slug: "other" }).returning();
    otherTenant = other!.id;
    ids.pA = (await h.addProvider({ name: "prov-a", baseUrl: "http://127.0.0.1:9" })).id;
    ids.pB = (await h.addProvider({ name: "prov-b", baseUrl: "http://127.0.0.1:9" })).id;
    ids.pC = (
      await h.addProvider({ name: "prov-c", baseUrl: "http://127.0.0.1:9", tenantId: otherTenant })
    ).id;
    ids.g1 = (await h.addGroup({ slug: "chat" })).id;
    ids.g2 = (await h.addGroup({ slug: "batch" })).id;
    ids.g3 = (await h.addGroup({ slug: "chat", tenantId: otherTenant })).id;
    ids.k1 = (await h.addKey({ name: "alpha" })).id;
    ids.k2 = (await h.addKey({ name: "beta" })).id;
    ids.k3 = (await h.addKey({ name: "gamma", tenantId: otherTenant })).id;

    let n = 0;
    const row = (fields: Partial<NewRequestLogRow>): NewRequestLogRow => ({
      id: `seed-${kind}-${++n}`,
      createdAt: new Date(t0 + n * 60_000),
      method: "POST",
      path: "/v1/messages",
      status: 200,
      totalMs: 20,
      attempts: [],
      ...fields,
    });
    const d = { tenantId: DEFAULT_TENANT_ID };
    const rows: NewRequestLogRow[] = [
      // chat / prov-a / alpha: a cache hit with affinity, then a new session.
      row({
        ...d,
        groupId: ids.g1,
        providerId: ids.pA,
        keyId: ids.k1,
        model: "claude-sonnet",
        inputTokens: 1000,
        cacheReadTokens: 600,
        cacheWriteTokens: 100,
        outputTokens: 50,
        costMicros: 1234,
        affinity: "hit",
      }),
      row({
        ...d,
        groupId: ids.g1,
        providerId: ids.pA,
        keyId: ids.k1,
        model: "claude-sonnet",
        inputTokens: 500,
        cacheReadTokens: 0,
        outputTokens: 20,
        costMicros: 700,
        affinity: "miss",
      }),
      // chat / prov-b / beta: the session's provider was skipped.
      row({
        ...d,
        groupId: ids.g1,
        providerId: ids.pB,
        keyId: ids.k2,
        model: "claude-sonnet",
        inputTokens: 400,
        cacheReadTokens: 300,
        outputTokens: 10,
        costMicros: 300,
        affinity: "moved",
      }),
      // batch / prov-b: no affinity; one failure; an unpriced model; a formula-like model name.
      row({
        ...d,
        groupId: ids.g2,
        providerId: ids.pB,
        keyId: ids.k2,
        model: "gpt-4.1",
        inputTokens: 100,
        outputTokens: 100,
        costMicros: 2000,
      }),
      row({
        ...d,
        groupId: ids.g2,
        providerId: ids.pB,
        keyId: ids.k2,
        model: "gpt-4.1",
        status: 503,
        errorCode: "UPSTREAM_STATUS",
      }),
      row({
        ...d,
        groupId: ids.g2,
        providerId: ids.pB,
        keyId: ids.k1,
        model: "unpriced-model",
        inputTokens: 10,
        outputTokens: 5,
      }),
      row({ ...d, groupId: ids.g2, providerId: ids.pB, keyId: ids.k1, model: "=HYPERLINK(1)" }),
      // A replay: statistics leave it out.
      row({
        ...d,
        groupId: ids.g1,
        providerId: ids.pA,
        keyId: ids.k1,
        model: "claude-sonnet",
        inputTokens: 9,
        outputTokens: 9,
        costMicros: 99_999,
        affinity: "hit",
        source: "replay",
      }),
      // Refused before a key was known.
      row({ ...d, status: 401, errorCode: "INVALID_API_KEY" }),
      // The other tenant.
      row({
        tenantId: otherTenant,
        groupId: ids.g3,
        providerId: ids.pC,
        keyId: ids.k3,
        model: "gpt-4.1",
        inputTokens: 50,
        outputTokens: 50,
        costMicros: 5000,
        affinity: "hit",
      }),
    ];
    const writer = createLogWriter({ db: h.db, logger: createLogger("silent") });
    for (const r of rows) writer.write(r);
    expect(await writer.flush()).toBe(0);
    await writer.close();
    stats = createStatsService(h.serviceContext());
    otherStats = createStatsService(
      createServiceContext(
        { db: h.db, store: h.store, sealer: h.secretBox, logger: createLogger("silent") },
        otherTenant,
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  // A 4 h range (minute grain: 5m buckets), a day (hour grain) and 20 days (day grain).
  const ranges = {
    minute: { from: String(t0 - HOUR), to: String(t0 + 3 * HOUR) },
    hour: { from: String(t0 - 12 * HOUR), to: String(t0 + 12 * HOUR) },
    day: { from: String(t0 - 10 * 24 * HOUR), to: String(t0 + 10 * 24 * HOUR) },
  };
  const pick = (e: CostEntry) => [e.name, e.requests, e.errors, e.costUsd, e.share, e.unpricedRequests];

  it("splits cost by model exactly at every grain, most expensive first", async () => {
    for (const [grain, range] of Object.entries(ranges)) {
      const costs = statsCostsSchema.parse(await stats.costs({ ...range, by: "model" }));
      expect(costs.range.grain).toBe(grain);
      expect(costs.by).toBe("model");
      expect(costs.items.map(pick)).toEqual([
        ["claude-sonnet", 3, 0, 0.002234, 0.527633, 0],
        ["gpt-4.1", 2, 1, 0.002, 0.472367, 0],
        [null, 1, 1, 0, 0, 0],
        ["=HYPERLINK(1)", 1, 0, 0, 0, 0],
        ["unpriced-model", 1, 0, 0, 0, 1],
      ]);
      expect(costs.items[0]!.tokens).toEqual({ input: 1900, output: 80, cacheRead: 900, cacheWrite: 100 });
      expect(costs.totals).toEqual({
        requests: 8,
        costUsd: 0.004234,
        tokens: { input: 2010, output: 185, cacheRead: 900, cacheWrite: 100 },
      });
    }
  });

  it("splits cost by key, group and provider with names, from the same rollups as the rest of Statistics", async () => {
    const by = async (dim: "key" | "group" | "provider") =>
      statsCostsSchema.parse(await stats.costs({ ...ranges.hour, by: dim })).items;
    const keys = await by("key");
    expect(keys.map((e) => [e.id, e.name, e.requests, e.costUsd])).toEqual([
      [ids.k2, "beta", 3, 0.0023],
      [ids.k1, "alpha", 4, 0.001934],
      [null, null, 1, 0],
    ]);
    expect(keys[0]!.detail).toMatch(/…/);
    expect((await by("group")).map((e) => [e.name, e.requests, e.errors, e.costUsd])).toEqual([
      ["chat", 3, 0, 0.002234],
      ["batch", 4, 1, 0.002],
      [null, 1, 1, 0],
    ]);
    expect((await by("provider")).map((e) => [e.name, e.requests, e.costUsd, e.unpricedRequests])).toEqual([
      ["prov-b", 5, 0.0023, null],
      ["prov-a", 2, 0.001934, null],
      [null, 1, 0, null],
    ]);
  });

  it("keeps tenants apart, and splits by tenant only on the system-wide table", async () => {
    const other = statsCostsSchema.parse(await otherStats.costs({ ...ranges.hour, by: "model" }));
    expect(other.items.map(pick)).toEqual([["gpt-4.1", 1, 0, 0.005, 1, 0]]);
    const byTenant = statsCostsSchema.parse(await stats.tenantCosts(ranges.day));
    expect(byTenant.items.map((e) => [e.id, e.name, e.detail, e.requests, e.costUsd])).toEqual([
      [otherTenant, "Other team", "other", 1, 0.005],
      [DEFAULT_TENANT_ID, "Default", "default", 8, 0.004234],
    ]);
    // The dashboard's spend reads the acting tenant's rows only.
    const [from, to] = [t0 - HOUR, t0 + 3 * HOUR];
    expect(await sumCostMicros(h.db, from, to, ALL_KEYS, DEFAULT_TENANT_ID)).toBe(4234);
    expect(await sumCostMicros(h.db, from, to, ALL_KEYS, otherTenant)).toBe(5000);
  });

  it("reports cache-read share and affinity hit share per group and provider", async () => {
    for (const range of Object.values(ranges)) {
      const cache = statsCacheSchema.parse(await stats.cache(range));
      expect(cache.totals).toMatchObject({
        requests: 8,
        cacheReadShare: 0.447761,
        affinity: { hits: 1, misses: 1, moved: 1, hitShare: 0.333333 },
      });
      const brief = (list: typeof cache.groups) =>
        list.map((e) => [
          e.name,
          e.requests,
          e.tokens.input,
          e.tokens.cacheRead,
          e.cacheReadShare,
          e.affinity.hitShare,
        ]);
      expect(brief(cache.groups)).toEqual([
        ["batch", 4, 110, 0, 0, null],
        ["chat", 3, 1900, 900, 0.473684, 0.333333],
        [null, 1, 0, 0, null, null],
      ]);
      expect(brief(cache.providers)).toEqual([
        ["prov-b", 5, 510, 300, 0.588235, 0],
        ["prov-a", 2, 1500, 600, 0.4, 0.5],
        [null, 1, 0, 0, null, null],
      ]);
    }
    const other = statsCacheSchema.parse(await otherStats.cache(ranges.hour));
    expect(other.groups.map((e) => [e.id, e.affinity.hitShare])).toEqual([[ids.g3, 1]]);
  });

  it("downloads the cost and cache tables as CSV, formula cells neutralised", async () => {
    const file = await stats.exportCosts({ ...ranges.hour, by: "model", format: "csv" });
    expect(file.filename).toMatch(/^stats-costs-by-model-\d{8}T\d{6}Z\.csv$/);
    expect(file.contentType).toMatch(/^text\/csv/);
    const text = await new Response(file.body).text();
    expect(text).toContain("'=HYPERLINK(1)");
    const parsed = parseCsv(text);
    if (!parsed.ok) throw new Error(parsed.message);
    const [header, ...records] = parsed.records.map((r) => r.fields);
    expect(header).toEqual([
      "id",
      "name",
      "detail",
      "requests",
      "errors",
      "input_tokens",
      "output_tokens",
      "cache_read_tokens",
      "cache_write_tokens",
      "cost_usd",
      "cost_share",
      "unpriced_requests",
    ]);
    expect(records[0]).toEqual([
      "claude-sonnet",
      "claude-sonnet",
      "",
      "3",
      "0",
      "1900",
      "80",
      "900",
      "100",
      "0.002234",
      "0.527633",
      "0",
    ]);
    // The parser takes the guard off again: the cell round-trips.
    expect(records.map((r) => r[1])).toContain("=HYPERLINK(1)");

    const cache = await new Response(
      (await stats.exportCache({ ...ranges.hour, format: "csv", view: "providers" })).body,
    ).text();
    expect(cache.split("\r\n")[0]).toBe(
      "id,name,requests,input_tokens,cache_read_tokens,cache_write_tokens,cache_read_share,affinity_hits,affinity_misses,affinity_moved,affinity_hit_share",
    );
    expect(cache).toContain(`${ids.pA},prov-a,2,1500,600,100,0.4,1,1,0,0.5`);
  });

  it("refuses a bad dimension or range with INVALID_QUERY", async () => {
    await expect(stats.costs({ by: "colour" })).rejects.toMatchObject({ code: "INVALID_QUERY" });
    await expect(stats.cache({ from: "2", to: "1" })).rejects.toMatchObject({ code: "INVALID_QUERY" });
  });
});
