import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statsOverviewSchema, type StatsKeySplitEntry } from "@/contracts/stats";
import { isAppError } from "@/core/errors/catalogue";
import { apiKeys, type RequestLogRow } from "@/db/schema";
import type { AdminServices } from "@/services/admin-services";
import { createStatsService } from "@/services/stats-service";
import { parseCsv } from "@/http/csv";
import { postToGateway, startGatewayHarness, type GatewayHarness } from "@/testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { DATABASE_KINDS } from "@/testing/test-database";
import { HISTOGRAM_RELATIVE_ERROR, exactQuantile } from "./histogram";

/**
 * The per-key split of the statistics overview, from real traffic through the gateway with three
 * gateway keys (one deleted afterwards) and a bad key: exact requests, errors and token sums per key,
 * named from api_keys, and the `view=keys` CSV download. On PGlite and PostgreSQL.
 */

const INPUT_TOKENS = 7;

describe.each(DATABASE_KINDS)("per-key statistics from real gateway traffic on %s", (kind) => {
  let h: GatewayHarness;
  let services: Pick<AdminServices, "stats">;
  const upstreams: MockUpstream[] = [];
  let rows: RequestLogRow[] = [];
  let started = 0;
  let busyGroupId = "";
  const keys = {
    alpha: { id: "", key: "", name: "", prefix: "" },
    beta: { id: "", key: "", name: "", prefix: "" },
    gone: { id: "", key: "", name: "", prefix: "" },
  };
  const statuses: number[] = [];

  beforeAll(async () => {
    started = Date.now();
    h = await startGatewayHarness({ database: kind });
    services = { stats: createStatsService(h.serviceContext()) };
    const [ok, busy] = await Promise.all([
      startMockUpstream({ behaviour: { inputTokens: INPUT_TOKENS, outputTokens: "max_tokens" } }),
      startMockUpstream({ behaviour: { mode: "status", status: 503 } }),
    ]);
    upstreams.push(ok, busy);
    const pOk = await h.addProvider({ baseUrl: ok.url, name: "ok" });
    const pBusy = await h.addProvider({ baseUrl: busy.url, name: "busy" });
    const main = await h.addGroup({ slug: "main" });
    const busyGroup = await h.addGroup({ slug: "busy", maxAttempts: 1 });
    busyGroupId = busyGroup.id;
    await h.addMember(main.id, pOk.id);
    await h.addMember(busyGroup.id, pBusy.id);
    for (const entry of Object.values(keys)) {
      const created = await h.addKey();
      const [row] = await h.db
        .select({ name: apiKeys.name, prefix: apiKeys.keyPrefix })
        .from(apiKeys)
        .where(eq(apiKeys.id, created.id));
      Object.assign(entry, created, row);
    }
    await h.reload();

    const send = async (slug: string, key: string, maxTokens: number) =>
      statuses.push(
        await postToGateway(h.proxyUrl(slug, "/v1/messages"), key, {
          model: "m",
          max_tokens: maxTokens,
          messages: [],
        }),
      );
    // alpha: 6 answered (output tokens 1..6 = 21) and 2 overloaded.
    for (let i = 1; i <= 6; i++) await send("main", keys.alpha.key, i);
    for (let i = 0; i < 2; i++) await send("busy", keys.alpha.key, 1);
    // beta: 3 answered (output 3 × 10) and 1 overloaded.
    for (let i = 0; i < 3; i++) await send("main", keys.beta.key, 10);
    await send("busy", keys.beta.key, 1);
    // gone: 2 answered (output 2 × 5), then the key is deleted: its statistics stay, unnamed.
    for (let i = 0; i < 2; i++) await send("main", keys.gone.key, 5);
    // No recognised key: 3 refused.
    for (let i = 0; i < 3; i++) await send("main", "sk-not-a-key", 1);
    rows = await h.requestLogs();
    await h.db.delete(apiKeys).where(eq(apiKeys.id, keys.gone.id));
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await Promise.all(upstreams.map((u) => u.close()));
  });

  const range = (bucket: string) => ({
    from: String(started - 60_000),
    to: String(Date.now() + 60_000),
    bucket,
  });
  const entryOf = (list: readonly StatsKeySplitEntry[], id: string | null) => {
    const found = list.find((e) => e.id === id);
    if (found === undefined) throw new Error(`no entry for key ${id}`);
    return found;
  };

  it("sent the traffic the scenario describes", () => {
    expect(statuses).toEqual([
      ...Array<number>(6).fill(200),
      503,
      503,
      200,
      200,
      200,
      503,
      200,
      200,
      401,
      401,
      401,
    ]);
    expect(rows).toHaveLength(17);
  });

  it("splits per key exactly at minute, hour and day grain, most requests first", async () => {
    for (const bucket of ["1m", "1h", "1d"]) {
      const o = statsOverviewSchema.parse(await services.stats.overview(range(bucket)));
      expect(o.keys.map((e) => [e.id, e.requests])).toEqual([
        [keys.alpha.id, 8],
        [keys.beta.id, 4],
        [null, 3],
        [keys.gone.id, 2],
      ]);
      expect(o.keys.reduce((s, e) => s + e.requests, 0)).toBe(o.totals.requests);

      expect(entryOf(o.keys, keys.alpha.id)).toMatchObject({
        name: keys.alpha.name,
        keyMasked: `${keys.alpha.prefix}…${keys.alpha.key.slice(-4)}`,
        requests: 8,
        successes: 6,
        errors: 2,
        successRate: 0.75,
        statusClasses: { "2xx": 6, "5xx": 2 },
        errorsByCode: { UPSTREAM_OVERLOADED: 2 },
        tokens: { input: 6 * INPUT_TOKENS, output: 21 },
      });
      expect(entryOf(o.keys, keys.beta.id)).toMatchObject({
        name: keys.beta.name,
        requests: 4,
        successes: 3,
        errors: 1,
        errorsByCode: { UPSTREAM_OVERLOADED: 1 },
        tokens: { input: 3 * INPUT_TOKENS, output: 30 },
      });
      expect(entryOf(o.keys, keys.gone.id)).toMatchObject({
        name: null,
        keyMasked: null,
        requests: 2,
        errors: 0,
        tokens: { input: 2 * INPUT_TOKENS, output: 10 },
      });
      expect(entryOf(o.keys, null)).toMatchObject({
        name: null,
        keyMasked: null,
        requests: 3,
        errors: 3,
        errorsByCode: { GATEWAY_KEY_INVALID: 3 },
        tokens: { input: 0, output: 0 },
      });
    }
  });

  it("gives each key's latency percentiles within the histogram's error", async () => {
    const o = await services.stats.overview(range("1h"));
    const mine = rows.filter((r) => r.keyId === keys.alpha.id).map((r) => r.totalMs);
    const truth = exactQuantile(mine, 0.95)!;
    const estimate = entryOf(o.keys, keys.alpha.id).latencyMs.p95!;
    expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(truth * HISTOGRAM_RELATIVE_ERROR + 0.05);
  });

  it("filters the key split by group", async () => {
    const o = await services.stats.overview({ ...range("1h"), groupId: busyGroupId });
    expect(o.keys.map((e) => [e.id, e.requests, e.errors])).toEqual([
      [keys.alpha.id, 2, 2],
      [keys.beta.id, 1, 1],
    ]);
  });

  it("downloads the key split as CSV (view=keys) and in the JSON document", async () => {
    const file = await services.stats.exportOverview({ ...range("1h"), format: "csv", view: "keys" });
    expect(file.filename).toMatch(/^stats-keys-\d{8}T\d{6}Z\.csv$/);
    const parsed = parseCsv(await new Response(file.body).text());
    if (!parsed.ok) throw new Error(parsed.message);
    const [header, ...records] = parsed.records.map((r) => r.fields);
    expect(header!.slice(0, 6)).toEqual(["key_id", "name", "key_masked", "requests", "successes", "errors"]);
    const column = (name: string) => header!.indexOf(name);
    expect(
      records.map((f) => [
        f[0],
        f[1],
        f[column("requests")],
        f[column("errors")],
        f[column("input_tokens")],
        f[column("output_tokens")],
        f[column("errors_by_code")],
      ]),
    ).toEqual([
      [keys.alpha.id, keys.alpha.name, "8", "2", String(6 * INPUT_TOKENS), "21", "UPSTREAM_OVERLOADED=2"],
      [keys.beta.id, keys.beta.name, "4", "1", String(3 * INPUT_TOKENS), "30", "UPSTREAM_OVERLOADED=1"],
      ["", "", "3", "3", "0", "0", "GATEWAY_KEY_INVALID=3"],
      [keys.gone.id, "", "2", "0", String(2 * INPUT_TOKENS), "10", ""],
    ]);
    expect(records[0]![2]).toBe(`${keys.alpha.prefix}…${keys.alpha.key.slice(-4)}`);

    const json = await services.stats.exportOverview({ ...range("1h"), format: "json" });
    const doc = statsOverviewSchema.parse(JSON.parse(await new Response(json.body).text()));
    expect(doc.keys.map((e) => e.requests)).toEqual([8, 4, 3, 2]);
  });

  it("refuses view=keys on the provider detail, which has no key split", async () => {
    const providerId = rows.find((r) => r.providerId !== null)!.providerId!;
    const err: unknown = await services.stats
      .exportProvider(providerId, { ...range("1h"), format: "csv", view: "keys" })
      .catch((e: unknown) => e);
    expect(isAppError(err) ? err.code : err).toBe("INVALID_QUERY");
  });
});
