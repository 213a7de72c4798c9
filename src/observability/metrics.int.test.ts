import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLogSpill } from "../gateway/log-spill/log-spill";
import { createLogWriter } from "../gateway/log-writer";
import {
  CHAT_BODY,
  postToGateway,
  startGatewayHarness,
  type GatewayHarness,
} from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";
import { createObservability, type Observability } from "./create-observability";
import { createLogger } from "./logger";
import { createMetrics } from "./metrics";

/**
 * `/metrics` over real traffic: a gateway with the real health layer on 127.0.0.1, mock upstreams, and
 * the metrics endpoint served by its own node server. Every expectation is an exact count of what
 * the test sent.
 */

const TOKEN = "metrics-token-for-tests";

let h: GatewayHarness;
let okUp: MockUpstream;
let badUp: MockUpstream;
let obs: Observability;
let metricsServer: Server;
let metricsUrl: string;

/** Parses Prometheus text into samples (name, labels, value); comments skipped. */
function parseSamples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the one sample with this name and (at least) these labels; 0 when there is none. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = parseSamples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value ?? 0;
}

async function scrape(query = "", headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${metricsUrl}/metrics${query}`, { headers, signal: AbortSignal.timeout(5_000) });
}

async function scrapeText(): Promise<string> {
  const res = await scrape("", { authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  return res.text();
}

const call = (slug: string, key: string): Promise<number> =>
  postToGateway(h.proxyUrl(slug, "/v1/chat/completions"), key, CHAT_BODY);

async function waitForRows(n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await h.requestLogs()).length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} request-log rows`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  obs = createObservability({ metricsToken: TOKEN, logger: createLogger("silent") });
  h = await startGatewayHarness({
    healthLayer: { checkIntervalMs: 0 },
    gatewayOptions: { retryBudget: false },
    logWriterOptions: { onWrite: obs.onRequestRecorded },
  });
  obs.attach({ health: h.health!.registry, inFlight: h.gateway.inFlight, logWriter: h.gateway.logWriter });
  okUp = await startMockUpstream({ record: false });
  badUp = await startMockUpstream({ record: false, behaviour: { mode: "status", status: 503 } });
  metricsServer = createServer((req, res) => void obs.metricsHandler(req, res));
  await new Promise<void>((resolve) => metricsServer.listen(0, "127.0.0.1", resolve));
  metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  obs?.close();
  metricsServer?.closeAllConnections();
  await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
  await h?.close();
  await okUp?.close();
  await badUp?.close();
});

describe("GET /metrics", () => {
  it("counts requests, attempts, latency, TTFB and rejections exactly as sent", async () => {
    const ok = await h.addProvider({ name: "ok-provider", baseUrl: okUp.url, apiKey: "sk-ok-secret-1234" });
    const bad = await h.addProvider({
      name: "bad-provider",
      baseUrl: badUp.url,
      apiKey: "sk-bad-secret-5678",
    });
    const good = await h.addGroup({ slug: "good" });
    const failing = await h.addGroup({ slug: "failing", maxAttempts: 1 });
    await h.addMember(good.id, ok.id);
    await h.addMember(failing.id, bad.id);
    const key = (await h.addKey()).key;
    const limited = (await h.addKey({ rateLimitPerMinute: 1 })).key;
    await h.reload();

    for (let i = 0; i < 7; i++) expect(await call("good", key)).toBe(200);
    for (let i = 0; i < 3; i++) expect(await call("failing", key)).toBe(503);
    expect(await call("good", limited)).toBe(200);
    expect(await call("good", limited)).toBe(429);
    expect(await call("no-such-group", key)).toBe(404);
    await waitForRows(13);
    const rows = await h.requestLogs();

    const text = await scrapeText();
    const req = "roundabout_requests_total";
    expect(valueOf(text, req, { group: "good", provider: "ok-provider", status_class: "2xx" })).toBe(8);
    expect(valueOf(text, req, { group: "failing", provider: "bad-provider", status_class: "5xx" })).toBe(3);
    expect(valueOf(text, req, { group: "good", provider: "", status_class: "4xx" })).toBe(1);
    // The unknown slug came from the URL: counted, but never a label value.
    expect(valueOf(text, req, { group: "", provider: "", status_class: "4xx" })).toBe(1);
    expect(text).not.toContain("no-such-group");
    const total = parseSamples(text)
      .filter((s) => s.name === req)
      .reduce((sum, s) => sum + s.value, 0);
    expect(total).toBe(13);

    const att = "roundabout_upstream_attempts_total";
    expect(valueOf(text, att, { provider: "ok-provider", outcome: "success" })).toBe(8);
    expect(valueOf(text, att, { provider: "bad-provider", outcome: "failure" })).toBe(3);

    expect(valueOf(text, "roundabout_request_duration_seconds_count", { group: "good" })).toBe(9);
    expect(valueOf(text, "roundabout_request_duration_seconds_count", { group: "failing" })).toBe(3);
    expect(valueOf(text, "roundabout_request_ttfb_seconds_count", { group: "good" })).toBe(8);
    const failingTtfb = rows.filter((r) => r.groupSlug === "failing" && r.ttfbMs !== null).length;
    expect(valueOf(text, "roundabout_request_ttfb_seconds_count", { group: "failing" })).toBe(failingTtfb);
    const inf = { group: "good", le: "+Inf" };
    expect(valueOf(text, "roundabout_request_duration_seconds_bucket", inf)).toBe(9);

    expect(valueOf(text, "roundabout_rate_limit_rejections_total", { code: "RATE_LIMITED" })).toBe(1);
    expect(valueOf(text, "roundabout_rate_limit_rejections_total", { code: "GROUP_RATE_LIMITED" })).toBe(0);
    expect(valueOf(text, "roundabout_retry_budget_rejections_total")).toBe(0);
    expect(valueOf(text, "roundabout_log_queue_depth")).toBe(0);
    expect(valueOf(text, "roundabout_log_rows_dropped_total")).toBe(0);
    // No credential in the exposition.
    expect(text).not.toMatch(/sk-ok-secret|sk-bad-secret/);

    // Provider states and ejections follow the health registry.
    const before = valueOf(text, "roundabout_provider_ejections_total", { provider_id: bad.id });
    await h.health!.eject(bad.id, null);
    const after = await scrapeText();
    const state = (s: string) =>
      valueOf(after, "roundabout_provider_state", { provider_id: bad.id, state: s });
    expect([state("ejected"), state("healthy")]).toEqual([1, 0]);
    expect(valueOf(after, "roundabout_provider_state", { provider_id: ok.id, state: "healthy" })).toBe(1);
    expect(
      valueOf(after, "roundabout_provider_ejections_total", {
        provider_id: bad.id,
        provider: "bad-provider",
      }),
    ).toBe(before + 1);
  });

  it("reports log queue depth and drops from the writer at scrape time", async () => {
    const writer = createLogWriter({
      db: h.db,
      logger: createLogger("silent"),
      maxQueue: 2,
      flushIntervalMs: 60_000,
      rollups: false,
    });
    const metrics = createMetrics();
    metrics.attach({ logWriter: writer });
    for (let i = 0; i < 5; i++) {
      writer.write({
        id: `metrics-drop-${i}-${Date.now()}`,
        createdAt: new Date(),
        method: "GET",
        path: "/",
        status: 200,
        totalMs: 1,
      });
    }
    const text = await metrics.registry.metrics();
    expect(valueOf(text, "roundabout_log_queue_depth")).toBe(2);
    expect(valueOf(text, "roundabout_log_rows_dropped_total")).toBe(3);
    await writer.close();
    const later = await metrics.registry.metrics();
    expect(valueOf(later, "roundabout_log_queue_depth")).toBe(0);
    expect(valueOf(later, "roundabout_log_rows_dropped_total")).toBe(3);
  });

  it("reports the request-log spill (rows, bytes, fill ratio) from the writer at scrape time", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "rb-metrics-spill-"));
    const spill = await openLogSpill({ dir, logger: createLogger("silent"), maxBytes: 1024 * 1024 });
    const writer = createLogWriter({
      db: h.db,
      logger: createLogger("silent"),
      spill,
      maxQueue: 2,
      batchSize: 1_000,
      flushIntervalMs: 60_000,
      retryBaseMs: 60_000,
      rollups: false,
    });
    const metrics = createMetrics();
    metrics.attach({ logWriter: writer });
    try {
      expect(valueOf(await metrics.registry.metrics(), "roundabout_log_spill_rows")).toBe(0);
      for (let i = 0; i < 5; i++) {
        writer.write({
          id: `metrics-spill-${i}-${Date.now()}`,
          createdAt: new Date(),
          method: "GET",
          path: "/",
          status: 200,
          totalMs: 1,
        });
      }
      // Two overflows of the two-row queue, a batch of two each, went to the spill.
      for (let i = 0; i < 200 && writer.stats().spill?.rows !== 4; i++)
        await new Promise((r) => setTimeout(r, 10));
      const text = await metrics.registry.metrics();
      expect(valueOf(text, "roundabout_log_spill_rows")).toBe(3);
      const bytes = valueOf(text, "roundabout_log_spill_bytes");
      expect(bytes).toBe(writer.stats().spill?.bytes);
      expect(bytes).toBeGreaterThan(0);
      expect(valueOf(text, "roundabout_log_spill_fill_ratio")).toBeCloseTo(bytes / (1024 * 1024), 9);
      expect(valueOf(text, "roundabout_log_rows_dropped_total")).toBe(0);
      expect(valueOf(text, "roundabout_log_queue_depth")).toBe(2);
    } finally {
      await writer.close();
      await spill.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("uses a private registry per instance", async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.observeAttempt("p", "success");
    expect(await a.registry.getSingleMetricAsString("roundabout_upstream_attempts_total")).toContain(
      'roundabout_upstream_attempts_total{provider="p",outcome="success"} 1',
    );
    expect(await b.registry.getSingleMetricAsString("roundabout_upstream_attempts_total")).not.toContain(
      'provider="p"',
    );
  });
});

describe("metrics token", () => {
  it("refuses a missing or wrong token with the unified 401 error", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong-token-value" },
      { authorization: "Basic abc" },
    ];
    for (const headers of attempts) {
      const res = await scrape("", headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("UNAUTHENTICATED");
      expect(JSON.stringify(body)).not.toContain(TOKEN);
    }
    expect((await scrape("?token=wrong-token-value")).status).toBe(401);
  });

  it("accepts the token as a bearer header or as ?token=", async () => {
    const viaHeader = await scrape("", { authorization: `Bearer ${TOKEN}` });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers.get("content-type")).toContain("text/plain");
    const viaQuery = await scrape(`?token=${TOKEN}`);
    expect(viaQuery.status).toBe(200);
    expect(await viaQuery.text()).toContain("# TYPE roundabout_requests_total counter");
  });

  it("is open when no token is configured, and answers only GET/HEAD", async () => {
    const open = createMetrics();
    const server = createServer((req, res) => void open.handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      expect((await fetch(url)).status).toBe(200);
      const post = await fetch(url, { method: "POST" });
      expect(post.status).toBe(405);
      expect(((await post.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
