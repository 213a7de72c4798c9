import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupSchema } from "@/contracts/groups";
import { healthReportSchema } from "@/contracts/health";
import { providerSchema, providerTestResultSchema, type Provider } from "@/contracts/providers";
import { providers } from "@/db/schema";
import type { SnapshotHolder } from "@/gateway/snapshot/snapshot-holder";
import { createActiveChecker } from "@/health/active-checker";
import type { GatewayHealth } from "@/health/gateway-health";
import { createLogger } from "@/observability/logger";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { startAdminTestServer, type AdminTestServer } from "@/testing/admin-api-test-server";
import { loopbackOutboundPolicy } from "../../testing/loopback-outbound";

const SECRET = `sk-probe-${randomBytes(12).toString("hex")}`;
const X_SECRET = `xk-probe-${randomBytes(12).toString("hex")}`;
const HEADER_VALUE = `extra-${randomBytes(6).toString("hex")}`;

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("POST /providers/{id}/test (pglite)", () => {
  const logLines: string[] = [];
  let t: AdminTestServer;
  let upstream: MockUpstream;
  let health: GatewayHealth;
  let snapshots: SnapshotHolder;
  let bearer: Provider;

  beforeAll(async () => {
    upstream = await startMockUpstream();
    t = await startAdminTestServer("pglite", {
      logger: createLogger("debug", { write: (line: string) => void logLines.push(line) }),
    });
    // The health layer and routing snapshots behind GET /health, which the active checker also feeds.
    ({ health, snapshots } = t.registry);
    await snapshots.start();
    bearer = await createProvider({
      baseUrl: `${upstream.url}/v1`,
      apiKey: SECRET,
      healthCheckPath: "/models",
      headers: { "X-Extra": HEADER_VALUE },
    });
    // Routed in a group, so the health report and the active checker both cover it.
    const group = await t.call("POST", "/groups", {
      json: { slug: `g-${randomBytes(3).toString("hex")}`, name: "G" },
    });
    expect(group.status).toBe(201);
    const member = await t.call("POST", `/groups/${group.as(groupSchema).id}/providers`, {
      json: { providerId: bearer.id },
    });
    expect(member.status).toBe(201);
    await snapshots.reload();
  });
  afterAll(async () => {
    await upstream?.close();
    await t?.close();
  });

  async function createProvider(fields: Record<string, unknown>): Promise<Provider> {
    const res = await t.call("POST", "/providers", {
      json: { name: `p-${randomBytes(4).toString("hex")}`, ...fields },
    });
    expect(res.status).toBe(201);
    return res.as(providerSchema);
  }

  async function probe(id: string, json?: unknown) {
    const res = await t.call("POST", `/providers/${id}/test`, json === undefined ? {} : { json });
    expect(res.status, res.text).toBe(200);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain(X_SECRET);
    return res.as(providerTestResultSchema);
  }

  async function healthOf(id: string) {
    const report = (await t.call("GET", "/health")).as(healthReportSchema);
    const entry = report.providers.find((p) => p.providerId === id);
    expect(entry).toBeDefined();
    return entry!;
  }

  it("probes the health-check path with the provider's credential and extra headers", async () => {
    await upstream.setBehaviour({});
    const seen = upstream.requests.length;
    const result = await probe(bearer.id);
    expect(result).toMatchObject({
      ok: true,
      outcome: "success",
      status: 200,
      error: null,
      url: `${upstream.url}/v1/models`,
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(result.testedAt))).toBe(false);
    const sent = upstream.requests.slice(seen);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "GET", path: "/v1/models" });
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent[0]!.headers["x-extra"]).toBe(HEADER_VALUE);
  });

  it("sends an x-api-key credential, and probes the body's path, else the health path, else /", async () => {
    const keyed = await createProvider({ baseUrl: upstream.url, apiKey: X_SECRET, authStyle: "x-api-key" });
    const seen = upstream.requests.length;
    expect((await probe(keyed.id)).url).toBe(`${upstream.url}/`);
    expect((await probe(keyed.id, { path: "/v1/models?limit=1" })).url).toBe(
      `${upstream.url}/v1/models?limit=1`,
    );
    expect((await probe(bearer.id, { path: "/ping" })).url).toBe(`${upstream.url}/v1/ping`);
    const sent = upstream.requests.slice(seen);
    expect(sent.map((r) => r.path + r.query)).toEqual(["/", "/v1/models?limit=1", "/v1/ping"]);
    expect(sent[0]!.headers["x-api-key"]).toBe(X_SECRET);
    expect(sent[0]!.headers.authorization).toBeUndefined();
  });

  it("never echoes what the upstream answers, even when it reflects the credential", async () => {
    await upstream.setBehaviour({
      mode: "status",
      status: 200,
      body: JSON.stringify({ saw: `Bearer ${SECRET}` }),
    });
    try {
      expect(await probe(bearer.id)).toMatchObject({ ok: true, status: 200 });
    } finally {
      await upstream.setBehaviour({});
    }
  });

  it("reports 401 as auth_failure, 503 as failure and 404 as neutral (reached, inconclusive)", async () => {
    try {
      await upstream.setBehaviour({ mode: "status", status: 401 });
      expect(await probe(bearer.id)).toMatchObject({
        ok: false,
        outcome: "auth_failure",
        status: 401,
        error: null,
      });
      await upstream.setBehaviour({ mode: "status", status: 503 });
      expect(await probe(bearer.id)).toMatchObject({
        ok: false,
        outcome: "failure",
        status: 503,
        error: null,
      });
      await upstream.setBehaviour({ mode: "status", status: 404 });
      expect(await probe(bearer.id)).toMatchObject({
        ok: false,
        outcome: "neutral",
        status: 404,
        error: null,
      });
    } finally {
      await upstream.setBehaviour({});
    }
  });

  it("reports a refused connection as UPSTREAM_CONNECT_FAILED", async () => {
    const refused = await createProvider({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      apiKey: SECRET,
    });
    const result = await probe(refused.id);
    expect(result).toMatchObject({ ok: false, outcome: "failure", status: null });
    expect(result.error).toEqual({
      code: "UPSTREAM_CONNECT_FAILED",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("reports an upstream that never answers as UPSTREAM_TIMEOUT after timeoutMs", async () => {
    await upstream.setBehaviour({ mode: "hang" });
    try {
      const result = await probe(bearer.id, { timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, outcome: "failure", status: null });
      expect(result.error?.code).toBe("UPSTREAM_TIMEOUT");
      expect(result.latencyMs).toBeGreaterThanOrEqual(250);
    } finally {
      await upstream.setBehaviour({});
    }
  });

  it("changes no health state, writes no audit row and announces nothing", async () => {
    const before = await healthOf(bearer.id);
    const counts = await t.counts();
    const events = t.events.length;
    await upstream.setBehaviour({ mode: "status", status: 503 });
    try {
      // More failures than the consecutive-failure ejection threshold (5).
      for (let i = 0; i < 6; i++) expect((await probe(bearer.id)).status).toBe(503);
      const after = await healthOf(bearer.id);
      expect(after).toEqual(before);
      expect(after).toMatchObject({ state: "healthy", lastError: null, consecutiveFailures: 0 });
      expect(await t.counts()).toEqual(counts);
      expect(t.events.length).toBe(events);

      // Control: the active checker, through the same probe, does feed the health layer.
      const checker = createActiveChecker({
        store: t.store,
        logger: createLogger("silent"),
        health,
        snapshots,
        intervalMs: 0,
        outbound: loopbackOutboundPolicy(),
      });
      const round = await checker.runRound();
      await checker.close();
      expect(round.results).toEqual([
        expect.objectContaining({ providerId: bearer.id, outcome: "failure", status: 503, error: null }),
      ]);
      expect((await healthOf(bearer.id)).lastError).toMatchObject({ status: 503 });
    } finally {
      await upstream.setBehaviour({});
    }
  });

  it("answers 403 to viewers without probing, and 404 PROVIDER_NOT_FOUND for unknown ids", async () => {
    const seen = upstream.requestCount;
    (await t.call("POST", `/providers/${bearer.id}/test`, { as: "viewer" })).error(403, "FORBIDDEN");
    (await t.call("POST", `/providers/${crypto.randomUUID()}/test`)).error(404, "PROVIDER_NOT_FOUND");
    (await t.call("POST", "/providers/not-a-uuid/test")).error(404, "PROVIDER_NOT_FOUND");
    expect(upstream.requestCount).toBe(seen);
  });

  it("rejects a bad path, timeout, unknown field or malformed JSON without probing", async () => {
    const seen = upstream.requestCount;
    for (const json of [
      { path: "models" },
      { path: "/a b" },
      { timeoutMs: 50 },
      { timeoutMs: 30_001 },
      { other: 1 },
    ]) {
      (await t.call("POST", `/providers/${bearer.id}/test`, { json })).error(400, "VALIDATION_FAILED");
    }
    (await t.call("POST", `/providers/${bearer.id}/test`, { raw: "{" })).error(400, "INVALID_JSON");
    expect(upstream.requestCount).toBe(seen);
  });

  it("answers 500 for a credential that cannot be decrypted, logging neither it nor the probe", async () => {
    const broken = await createProvider({ baseUrl: upstream.url, apiKey: SECRET });
    // Sealed for another row: it no longer opens under this provider's id.
    await t.database.db
      .update(providers)
      .set({ apiKeyCipher: t.secretBox.seal(SECRET, crypto.randomUUID()) })
      .where(eq(providers.id, broken.id));
    const seen = upstream.requestCount;
    const res = await t.call("POST", `/providers/${broken.id}/test`);
    expect(res.error(500, "INTERNAL_ERROR").message).toMatch(/credential/);
    expect(upstream.requestCount).toBe(seen);
    expect(logLines.some((line) => line.includes(broken.id))).toBe(true);
    for (const line of logLines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(X_SECRET);
    }
  });
});
