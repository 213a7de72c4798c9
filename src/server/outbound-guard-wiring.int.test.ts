import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMPTY_OUTBOUND_POLICY } from "@/core/outbound/allow-list";
import { testProviderConnection } from "@/services/provider-connection-test";
import { startGatewayHarness, type GatewayHarness } from "@/testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { callAdminApi } from "@/testing/process-setups";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * The outbound guard on every path of the real server: the admin API refuses an internal URL at save
 * time (400 OUTBOUND_BLOCKED naming OUTBOUND_ALLOW), the gateway, health checks and test connection
 * refuse it at connect time (no socket opened), and OUTBOUND_ALLOW=127.0.0.0/8,::1 permits loopback.
 */

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const dirs: string[] = [];
let upstream: MockUpstream;

async function admin(proc: RunningProcess, method: string, route: string, body?: unknown) {
  const r = await callAdminApi(proc.url, ADMIN_TOKEN, method, route, body);
  return { ...r, json: r.json ?? {} };
}

async function start(outboundAllow: string): Promise<RunningProcess> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-outbound-"));
  dirs.push(dataDir);
  return startTestProcess({
    DATA_DIR: dataDir,
    ADMIN_TOKEN,
    LOG_LEVEL: "warn",
    OUTBOUND_ALLOW: outboundAllow,
  });
}

const errorOf = (json: Record<string, unknown>) => json.error as { code: string; message: string };

beforeAll(async () => {
  upstream = await startMockUpstream();
});

afterAll(async () => {
  await upstream?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("save time: the admin API refuses internal URLs unless OUTBOUND_ALLOW permits them", () => {
  let strict: RunningProcess;
  let loopback: RunningProcess;
  beforeAll(async () => {
    strict = await start("");
    loopback = await start("127.0.0.0/8,::1");
  });
  afterAll(async () => {
    await strict?.stop();
    await loopback?.stop();
  });

  it("refuses a provider on 127.0.0.1, on `localhost` and on odd spellings of loopback", async () => {
    const port = new URL(upstream.url).port;
    for (const host of ["127.0.0.1", "localhost", "2130706433", "[::1]", "0x7f.1"]) {
      const res = await admin(strict, "POST", "/providers", {
        name: `p-${host}`,
        baseUrl: `http://${host}:${port}`,
      });
      expect(res.status, host).toBe(400);
      expect(errorOf(res.json).code).toBe("OUTBOUND_BLOCKED");
      expect(errorOf(res.json).message).toContain("OUTBOUND_ALLOW");
    }
    // An update to an internal URL is refused too.
    const ok = await admin(strict, "POST", "/providers", {
      name: "public",
      baseUrl: "https://api.example.com",
    });
    expect(ok.status).toBe(201);
    const id = (ok.json as { id: string }).id;
    const moved = await admin(strict, "PUT", `/providers/${id}`, { baseUrl: `http://127.0.0.1:${port}` });
    expect(moved.status).toBe(400);
    expect(errorOf(moved.json).code).toBe("OUTBOUND_BLOCKED");
    // And an import naming one.
    const imported = await admin(strict, "POST", "/config/import", {
      version: 1,
      providers: [{ name: "imp", baseUrl: `http://localhost:${port}` }],
    });
    expect(imported.status).toBe(400);
    expect(errorOf(imported.json).code).toBe("OUTBOUND_BLOCKED");
  });

  it("refuses a webhook to the cloud metadata address, even with loopback allowed", async () => {
    for (const proc of [strict, loopback]) {
      const res = await admin(proc, "POST", "/alerts/channels", {
        name: `meta-${randomBytes(3).toString("hex")}`,
        config: { type: "webhook", url: "http://169.254.169.254/latest/meta-data/" },
      });
      expect(res.status).toBe(400);
      expect(errorOf(res.json).code).toBe("OUTBOUND_BLOCKED");
      expect(errorOf(res.json).message).toContain("OUTBOUND_ALLOW");
    }
  });

  it("with OUTBOUND_ALLOW=127.0.0.0/8,::1, loopback providers are saved", async () => {
    const port = new URL(upstream.url).port;
    for (const host of ["127.0.0.1", "localhost"]) {
      const res = await admin(loopback, "POST", "/providers", {
        name: `l-${host}`,
        baseUrl: `http://${host}:${port}`,
      });
      expect(res.status, host).toBe(201);
    }
  });
});

describe("connect time: the gateway, health checks and test connection refuse internal addresses", () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startGatewayHarness({ outbound: EMPTY_OUTBOUND_POLICY, healthLayer: { checkIntervalMs: 0 } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a provider seeded past the save check (127.0.0.1, localhost) is never connected to", async () => {
    const port = new URL(upstream.url).port;
    const before = upstream.requestCount;
    for (const host of ["127.0.0.1", "localhost"]) {
      const g = await h.addGroup({ maxAttempts: 1 });
      const p = await h.addProvider({ baseUrl: `http://${host}:${port}`, healthCheckPath: "/v1/models" });
      await h.addMember(g.id, p.id);
      const { key } = await h.addKey();
      await h.reload();
      const res = await fetch(h.proxyUrl(g.slug, "/v1/models"), { headers: { "x-api-key": key } });
      expect(res.status, host).toBe(502);
      const row = (await h.requestLogs()).find((r) => r.id === res.headers.get("x-request-id"));
      expect(row?.errorCode).toBe("UPSTREAM_CONNECT_FAILED");
      expect(row?.attempts.map((a) => a.errorCode)).toEqual(["OUTBOUND_BLOCKED"]);

      const tested = await testProviderConnection(h.serviceContext(), p.id, {});
      expect(tested.ok).toBe(false);
      expect(tested.error?.code).toBe("OUTBOUND_BLOCKED");
      expect(tested.error?.message).toContain("OUTBOUND_ALLOW");
    }
    const round = await h.checker!.runRound();
    expect(round.results.length).toBeGreaterThan(0);
    for (const result of round.results) expect(result.error).toBe("OUTBOUND_BLOCKED");
    expect(upstream.requestCount).toBe(before);
  });

  it("the same providers are reached once loopback is allowed", async () => {
    const allowed = await startGatewayHarness();
    try {
      const port = new URL(upstream.url).port;
      const g = await allowed.addGroup({ maxAttempts: 1 });
      const p = await allowed.addProvider({ baseUrl: `http://localhost:${port}` });
      await allowed.addMember(g.id, p.id);
      const { key } = await allowed.addKey();
      await allowed.reload();
      const res = await fetch(allowed.proxyUrl(g.slug, "/v1/models"), { headers: { "x-api-key": key } });
      expect(res.status).toBe(200);
      const tested = await testProviderConnection(allowed.serviceContext(), p.id, {});
      expect(tested.error).toBeNull();
    } finally {
      await allowed.close();
    }
  });
});
