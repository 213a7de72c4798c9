import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogRow } from "@/db/schema";
import type { AdminServices } from "@/services/admin-services";
import { createStatsService } from "@/services/stats-service";
import { postToGateway, startGatewayHarness, type GatewayHarness } from "@/testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { recordHealthTransition } from "./health-events";
import { HISTOGRAM_RELATIVE_ERROR, exactQuantile } from "./histogram";
import { statusClassOf } from "./status-class";

/**
 * Real traffic through the gateway (PGlite), then the statistics read from the rollups the log
 * writer maintained: counts, error splits and token sums must match the raw rows exactly, and
 * percentiles must be within the histogram's stated error of the true ones computed from the rows.
 */

let h: GatewayHarness;
let services: Pick<AdminServices, "stats">;
const upstreams: MockUpstream[] = [];
let rows: RequestLogRow[] = [];
let providerA = "";
let started = 0;

const sent = { ok: 0, streamed: 0, overloaded: 0, midStream: 0, failover: 0, badKey: 0, unknownGroup: 0 };

beforeAll(async () => {
  started = Date.now();
  h = await startGatewayHarness({
    database: "pglite",
    gatewayOptions: { backoffBaseMs: 1, backoffCapMs: 2 },
  });
  services = { stats: createStatsService(h.serviceContext()) };
  const tokens = { inputTokens: 11, outputTokens: "max_tokens" as const };
  const [a, c, d, e] = await Promise.all([
    startMockUpstream({ behaviour: tokens }),
    startMockUpstream({ behaviour: { mode: "status", status: 503 } }),
    startMockUpstream({ behaviour: { mode: "fail-mid-stream", failAfterChunks: 1 } }),
    startMockUpstream({ behaviour: { mode: "refuse" } }),
  ]);
  upstreams.push(a, c, d, e);
  const pa = await h.addProvider({ baseUrl: a.url, name: "alpha" });
  const pc = await h.addProvider({ baseUrl: c.url, name: "busy" });
  const pd = await h.addProvider({ baseUrl: d.url, name: "cutter" });
  const pe = await h.addProvider({ baseUrl: e.url, name: "down" });
  providerA = pa.id;
  const g1 = await h.addGroup({ slug: "main" });
  const g2 = await h.addGroup({ slug: "busy", maxAttempts: 1 });
  const g3 = await h.addGroup({ slug: "cut", maxAttempts: 1 });
  const g4 = await h.addGroup({ slug: "failover" });
  await h.addMember(g1.id, pa.id);
  await h.addMember(g2.id, pc.id);
  await h.addMember(g3.id, pd.id);
  await h.addMember(g4.id, pe.id, { priority: 0 });
  await h.addMember(g4.id, pa.id, { priority: 1 });
  const { key } = await h.addKey();
  await h.reload();

  for (let i = 0; i < 30; i++) {
    // Spread latencies so the percentiles have something to estimate.
    a.queueBehaviour({ ...tokens, delayMs: (i * 7) % 61 });
    if (
      (await postToGateway(h.proxyUrl("main", "/v1/messages"), key, {
        model: "m",
        max_tokens: i + 1,
        messages: [],
      })) === 200
    )
      sent.ok++;
  }
  for (let i = 0; i < 10; i++) {
    const status = await postToGateway(h.proxyUrl("main", "/v1/messages"), key, {
      model: "m",
      max_tokens: 3,
      stream: true,
      messages: [],
    });
    if (status === 200) sent.streamed++;
  }
  for (let i = 0; i < 5; i++) {
    if ((await postToGateway(h.proxyUrl("busy", "/v1/messages"), key, { model: "m", messages: [] })) === 503)
      sent.overloaded++;
  }
  for (let i = 0; i < 2; i++) {
    await postToGateway(h.proxyUrl("cut", "/v1/messages"), key, { model: "m", stream: true, messages: [] });
    sent.midStream++;
  }
  for (let i = 0; i < 3; i++) {
    if (
      (await postToGateway(h.proxyUrl("failover", "/v1/messages"), key, {
        model: "m",
        max_tokens: 2,
        messages: [],
      })) === 200
    )
      sent.failover++;
  }
  for (let i = 0; i < 4; i++) {
    if ((await postToGateway(h.proxyUrl("main", "/v1/messages"), "sk-not-a-key", { model: "m" })) === 401)
      sent.badKey++;
  }
  for (let i = 0; i < 3; i++) {
    if ((await postToGateway(h.proxyUrl("nowhere", "/v1/messages"), key, { model: "m" })) === 404)
      sent.unknownGroup++;
  }
  rows = await h.requestLogs();
}, 60_000);

afterAll(async () => {
  await h?.close();
  await Promise.all(upstreams.map((u) => u.close()));
});

const countBy = <T>(items: readonly T[], keyOf: (item: T) => string | null) => {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = keyOf(item);
    if (k !== null) out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};
const sumOf = (values: readonly (number | null)[]) => values.reduce<number>((s, v) => s + (v ?? 0), 0);

function expectWithinError(estimate: number | null, truth: number | null): void {
  expect(truth).not.toBeNull();
  expect(estimate).not.toBeNull();
  // The stated bound, plus the 0.05 ms of rounding the API applies.
  expect(Math.abs(estimate! - truth!)).toBeLessThanOrEqual(truth! * HISTOGRAM_RELATIVE_ERROR + 0.05);
}

function range(bucket: string) {
  return { from: String(started - 60_000), to: String(Date.now() + 60_000), bucket };
}

describe("statistics from real gateway traffic", () => {
  it("sent the traffic the scenario describes", () => {
    expect(sent).toEqual({
      ok: 30,
      streamed: 10,
      overloaded: 5,
      midStream: 2,
      failover: 3,
      badKey: 4,
      unknownGroup: 3,
    });
    expect(rows).toHaveLength(57);
  });

  it("overview totals equal the raw rows exactly, at minute, hour and day grain", async () => {
    const classes = countBy(rows, (r) => statusClassOf(r.status, r.errorCode));
    const codes = countBy(rows, (r) => r.errorCode);
    expect(classes).toEqual({ "2xx": 43, "4xx": 7, "5xx": 5, err: 2 });
    expect(codes).toMatchObject({ UPSTREAM_OVERLOADED: 5, GATEWAY_KEY_INVALID: 4, GROUP_UNKNOWN: 3 });
    const input = sumOf(rows.map((r) => r.inputTokens));
    const output = sumOf(rows.map((r) => r.outputTokens));
    // Non-streamed answers to "main" carry max_tokens = 1..30 as output tokens.
    expect(sumOf(rows.filter((r) => !r.streamed && r.groupSlug === "main").map((r) => r.outputTokens))).toBe(
      465,
    );

    for (const bucket of ["1m", "1h", "1d"]) {
      const o = await services.stats.overview(range(bucket));
      expect(o.range.grain).toBe(bucket === "1m" ? "minute" : bucket === "1h" ? "hour" : "day");
      expect(o.totals).toMatchObject({
        requests: 57,
        successes: 43,
        errors: 14,
        statusClasses: { "2xx": 43, "3xx": 0, "4xx": 7, "5xx": 5, err: 2 },
        errorsByCode: codes,
        tokens: { input, output },
        bytes: { in: sumOf(rows.map((r) => r.bytesIn)), out: sumOf(rows.map((r) => r.bytesOut)) },
      });
      expect(o.totals.successRate).toBeCloseTo(43 / 57, 5);
      expect(o.series.reduce((s, p) => s + p.requests, 0)).toBe(57);
      const latencies = rows.map((r) => r.totalMs);
      const ttfbs = rows.flatMap((r) => (r.ttfbMs === null ? [] : [r.ttfbMs]));
      for (const [q, name] of [
        [0.5, "p50"],
        [0.95, "p95"],
        [0.99, "p99"],
      ] as const) {
        expectWithinError(o.totals.latencyMs[name], exactQuantile(latencies, q));
        expectWithinError(o.totals.ttfbMs[name], exactQuantile(ttfbs, q));
      }
      expect(o.totals.latencyMs.avg).toBeCloseTo(sumOf(latencies) / 57, 0);
    }
  });

  it("splits per provider exactly, naming each provider", async () => {
    const o = await services.stats.overview(range("1h"));
    const expected = countBy(rows, (r) => r.providerId ?? "none");
    const got = Object.fromEntries(o.providers.map((p) => [p.id ?? "none", p.requests]));
    expect(got).toEqual(expected);
    const alpha = o.providers.find((p) => p.id === providerA)!;
    expect(alpha.name).toBe("alpha");
    const alphaRows = rows.filter((r) => r.providerId === providerA);
    expect(alpha.tokens.output).toBe(sumOf(alphaRows.map((r) => r.outputTokens)));
    expectWithinError(
      alpha.latencyMs.p95,
      exactQuantile(
        alphaRows.map((r) => r.totalMs),
        0.95,
      ),
    );
  });

  it("filters by group", async () => {
    const main = rows.filter((r) => r.groupSlug === "main" && r.groupId !== null);
    const o = await services.stats.overview({ ...range("1h"), groupId: main[0]!.groupId! });
    expect(o.totals.requests).toBe(main.length);
    expect(o.totals.tokens.output).toBe(sumOf(main.map((r) => r.outputTokens)));
  });

  it("provider detail: its own totals, split per group, and its health transitions", async () => {
    await recordHealthTransition(h.db, {
      providerId: providerA,
      from: "healthy",
      to: "ejected",
      reason: "consecutive_failures",
      at: Date.now(),
    });
    const d = await services.stats.provider(providerA, range("1h"));
    const mine = rows.filter((r) => r.providerId === providerA);
    expect(d.provider).toEqual({ id: providerA, name: "alpha" });
    expect(d.totals.requests).toBe(mine.length);
    expect(Object.fromEntries(d.groups.map((g) => [g.name, g.requests]))).toEqual(
      countBy(mine, (r) => r.groupSlug),
    );
    expect(d.healthEvents).toMatchObject([
      { from: "healthy", to: "ejected", reason: "consecutive_failures" },
    ]);
  });

  it("fills connectMs in the attempt timeline, between start and first byte", () => {
    const failover = rows.filter((r) => r.groupSlug === "failover");
    expect(failover).toHaveLength(3);
    for (const r of failover) {
      const [first, second] = r.attempts;
      expect(first).toMatchObject({ outcome: "failure", errorCode: "UPSTREAM_CONNECT_FAILED" });
      expect(first!.connectMs).toBeUndefined();
      expect(second!.outcome).toBe("success");
      expect(second!.connectMs).toBeGreaterThanOrEqual(second!.startMs);
      expect(second!.connectMs).toBeLessThanOrEqual(second!.firstByteMs!);
    }
  });
});
