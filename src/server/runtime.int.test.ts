import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows } from "@/db/execute-rows";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { PROCESS_SETUPS, callAdminApi } from "@/testing/process-setups";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const CANARY_CREDENTIAL = `upstream-canary-${randomBytes(12).toString("hex")}`;

function admin(proc: RunningProcess, method: string, route: string, body?: unknown) {
  return callAdminApi(proc.url, ADMIN_TOKEN, method, route, body);
}

describe.each(PROCESS_SETUPS)("whole process: first start, restart, no leaked secret ($name)", (setup) => {
  let upstream: MockUpstream;
  let dataDir: string;
  let vars: Record<string, string>;
  let gatewayKey = "";
  const seen: string[] = [];

  beforeAll(async () => {
    upstream = await startMockUpstream();
    dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-proc-"));
    vars = { DATA_DIR: dataDir, ADMIN_TOKEN, ...(await setup.vars()) };
  });
  afterAll(async () => {
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts, creates the first admin once, serves admin API and gateway, and leaks no secret", async () => {
    const proc = await startTestProcess(vars);
    try {
      expect(proc.output.join("\n")).toMatch(/username: admin/);
      const provider = await admin(proc, "POST", "/providers", {
        name: "mock",
        baseUrl: upstream.url,
        apiKey: CANARY_CREDENTIAL,
      });
      expect(provider.status).toBe(201);
      const group = await admin(proc, "POST", "/groups", { slug: "main", name: "Main" });
      expect(group.status).toBe(201);
      const groupId = (group.json as { id: string }).id;
      const providerId = (provider.json as { id: string }).id;
      expect((await admin(proc, "POST", `/groups/${groupId}/providers`, { providerId })).status).toBe(201);
      const key = await admin(proc, "POST", "/api-keys", { name: "canary" });
      expect(key.status).toBe(201);
      gatewayKey = (key.json as { key: string }).key;
      expect(gatewayKey).toMatch(/^sk-[A-Za-z0-9_-]{43,}$/);

      await proc.runtime.gateway.reload();
      const proxied = await fetch(`${proc.url}/api/proxy/main/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${gatewayKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      seen.push(await proxied.text(), JSON.stringify([...proxied.headers]));
      expect(proxied.status).toBe(200);
      const last = upstream.requests.at(-1)!;
      expect(last.headers.authorization).toBe(`Bearer ${CANARY_CREDENTIAL}`);
      expect(JSON.stringify(last.headers)).not.toContain(gatewayKey);

      for (const route of [
        "/providers",
        `/providers/${providerId}`,
        "/groups",
        `/groups/${groupId}`,
        "/api-keys",
        "/config/export",
        "/providers/export.csv",
        "/audit",
        "/overview",
        "/users",
        "/health",
        "/stats/overview",
        `/stats/providers/${providerId}`,
        "/logs",
        "/logs/export?format=csv",
        "/alerts/rules",
        "/alerts/channels",
        "/alerts/history",
      ]) {
        const res = await admin(proc, "GET", route);
        expect(res.status, route).toBe(200);
        seen.push(res.text);
      }
      const metrics = await fetch(`${proc.url}/metrics`);
      const metricsText = await metrics.text();
      expect(metrics.status).toBe(200);
      expect(metricsText).toMatch(/^roundabout_requests_total\{[^}]*group="main"[^}]*\} 1$/m);
      seen.push(metricsText);
      await proc.runtime.gateway.logWriter.flush();
      const { db } = proc.runtime.database;
      const tables = await executeRows<{ tablename: string }>(
        db,
        sql`select tablename from pg_tables where schemaname = 'public'`,
      );
      expect(tables.length).toBeGreaterThanOrEqual(10);
      for (const { tablename } of tables) {
        seen.push(JSON.stringify(await executeRows(db, sql.raw(`select * from "${tablename}"`))));
      }
      const [logged] = await executeRows<{ n: number }>(db, sql`select count(*)::int as n from request_logs`);
      expect(logged?.n).toBe(1);
    } finally {
      await proc.stop();
    }
    seen.push(...proc.output);
    const everything = seen.join("\n");
    // The collection really holds the tables and logs: the key's public prefix and the provider are in it.
    expect(everything).toContain(gatewayKey.slice(0, 7));
    expect(everything).toContain(upstream.url);
    expect(everything).not.toContain(CANARY_CREDENTIAL);
    expect(everything).not.toContain(gatewayKey);
    expect(everything).not.toContain(gatewayKey.slice(3, 30));
  });

  it("keeps its data across a restart: same provider, credential still decrypts, key still valid", async () => {
    const proc = await startTestProcess({ ...vars, HEALTH_LATENCY_FLOOR_MS: "900" });
    try {
      expect(proc.output.join("\n")).not.toMatch(/username: admin/);
      // The setting reaches the health policy the registry judges with.
      expect(proc.runtime.health.registry.policy.degradedLatencyFloorMs).toBe(900);
      const providers = await admin(proc, "GET", "/providers");
      expect(JSON.stringify(providers.json)).toContain('"name":"mock"');
      const before = upstream.requests.length;
      const res = await fetch(`${proc.url}/api/proxy/main/v1/models`, {
        headers: { "x-api-key": gatewayKey },
      });
      expect(res.status).toBe(200);
      await res.text();
      expect(upstream.requests.length).toBe(before + 1);
      expect(upstream.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY_CREDENTIAL}`);
    } finally {
      await proc.stop();
    }
  });

  it("enforces roles with a real console session: a viewer reads but cannot write", async () => {
    const proc = await startTestProcess(vars);
    try {
      const password = `viewer-${randomBytes(8).toString("hex")}`;
      const created = await admin(proc, "POST", "/users", { username: "watcher", password, role: "viewer" });
      expect(created.status).toBe(201);
      expect(created.text).not.toContain(password);

      const signIn = await fetch(`${proc.url}/api/auth/sign-in/username`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: proc.url },
        body: JSON.stringify({ username: "watcher", password }),
      });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      expect(cookie).toContain("session_token");

      const asViewer = (method: string, route: string, body?: unknown) =>
        fetch(`${proc.url}/api/admin${route}`, {
          method,
          headers: { cookie, origin: proc.url, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const list = await asViewer("GET", "/providers");
      expect(list.status).toBe(200);
      const denied = await asViewer("POST", "/providers", { name: "nope", baseUrl: "http://127.0.0.1:9" });
      expect(denied.status).toBe(403);
      expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
      expect((await asViewer("GET", "/config/export?includeSecrets=true")).status).toBe(403);
      expect((await asViewer("GET", "/users")).status).toBe(403);
      const names = JSON.stringify((await admin(proc, "GET", "/providers")).json);
      expect(names).not.toContain("nope");

      const noCookie = await fetch(`${proc.url}/api/admin/providers`);
      expect(noCookie.status).toBe(401);
      const wrongToken = await fetch(`${proc.url}/api/admin/providers`, {
        headers: { authorization: "Bearer not-the-admin-token-at-all" },
      });
      expect(wrongToken.status).toBe(401);
    } finally {
      await proc.stop();
    }
  });
});
