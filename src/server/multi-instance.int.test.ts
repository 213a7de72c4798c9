import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { openTestDatabase, testRedis } from "@/testing/test-database";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * Two real instances sharing one PostgreSQL database and one Redis: A (full: admin API + gateway)
 * and B (gateway only). Limits, health and config changes must hold across both.
 */

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const CRON_SECRET = `cron-${randomBytes(12).toString("hex")}`;
const PROBE_PATH = "/health-probe";

let a: RunningProcess;
let b: RunningProcess;
let good: MockUpstream;
let bad: MockUpstream;
let probed: MockUpstream;
let dataDir: string;

beforeAll(async () => {
  good = await startMockUpstream({ record: false });
  bad = await startMockUpstream({ record: false, behaviour: { mode: "status", status: 503 } });
  probed = await startMockUpstream();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-multi-"));
  const db = await openTestDatabase("postgres");
  await db.close();
  const redis = testRedis();
  const vars = {
    DATA_DIR: dataDir,
    DATABASE_URL: db.url!,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    SECRET_KEY: randomBytes(32).toString("base64"),
    ADMIN_TOKEN,
    CRON_SECRET,
    HEALTH_CHECK_INTERVAL_MS: "1000",
    LOG_LEVEL: "info",
  };
  a = await startTestProcess(vars, "full");
  b = await startTestProcess(vars, "gateway");
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  for (const up of [good, bad, probed]) await up?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function admin(method: string, route: string, body?: unknown) {
  const res = await fetch(`${a.url}/api/admin${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function createProvider(name: string, baseUrl: string, extra: Record<string, unknown> = {}) {
  const res = await admin("POST", "/providers", { name, baseUrl, ...extra });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function createGroup(slug: string, providerIds: string[]) {
  const res = await admin("POST", "/groups", { slug, name: slug, maxAttempts: 2 });
  expect(res.status).toBe(201);
  const groupId = res.json.id as string;
  for (const providerId of providerIds) {
    expect((await admin("POST", `/groups/${groupId}/providers`, { providerId })).status).toBe(201);
  }
  return groupId;
}

async function createKey(extra: Record<string, unknown> = {}) {
  const res = await admin("POST", "/api-keys", { name: `k-${randomBytes(4).toString("hex")}`, ...extra });
  expect(res.status).toBe(201);
  return { id: res.json.id as string, key: res.json.key as string };
}

function call(proc: RunningProcess, slug: string, key: string) {
  return fetch(`${proc.url}/api/proxy/${slug}/v1/models`, { headers: { "x-api-key": key } }).then(
    async (res) => {
      await res.arrayBuffer();
      return res;
    },
  );
}

/** Polls until `check` holds; returns the time it took. */
async function eventually(check: () => Promise<boolean>, ms = 3_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe("two instances sharing PostgreSQL and Redis", () => {
  it("a burst split across both instances lets exactly the key's limit through", async () => {
    const p = await createProvider("burst", good.url);
    await createGroup("burst", [p]);
    const { key } = await createKey({ rateLimitPerMinute: 12 });
    await eventually(async () => (await call(b, "burst", key)).status === 200);
    // One request already spent: 11 left for the burst of 40 split over both instances.
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(i % 2 === 0 ? a : b, "burst", key)),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(11);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(29);
  });

  it("a provider ejected by failures seen on A is skipped by B", async () => {
    const failing = await createProvider("eject-bad", bad.url);
    const healthy = await createProvider("eject-good", good.url);
    await createGroup("eject", [failing, healthy]);
    const { key } = await createKey();
    await eventually(async () => (await call(b, "eject", key)).status === 200);
    await eventually(async () => {
      await call(a, "eject", key);
      const report = await admin("GET", "/health");
      const entry = (report.json.providers as { providerId: string; state: string }[]).find(
        (p) => p.providerId === failing,
      );
      return entry?.state === "ejected";
    }, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = bad.requestCount;
    for (let i = 0; i < 20; i++) expect((await call(b, "eject", key)).status).toBe(200);
    expect(bad.requestCount - before).toBe(0);
  });

  it("a key revoked on A is refused by B within 1 s", async () => {
    const p = await createProvider("revoke", good.url);
    await createGroup("revoke", [p]);
    const { id, key } = await createKey();
    await eventually(async () => (await call(b, "revoke", key)).status === 200);
    const revoked = await admin("PUT", `/api-keys/${id}`, { enabled: false });
    expect(revoked.status).toBe(200);
    const took = await eventually(async () => (await call(b, "revoke", key)).status === 401, 2_000);
    expect(took).toBeLessThan(1_000);
  });

  it("manual eject on A (audited, announced) is applied by B; restore brings it back", async () => {
    const first = await createProvider("manual-1", good.url);
    const second = await createProvider("manual-2", bad.url);
    await createGroup("manual", [first, second]);
    await bad.setBehaviour({});
    try {
      const { key } = await createKey();
      await eventually(async () => (await call(b, "manual", key)).status === 200);
      const ejected = await admin("POST", `/providers/${second}/eject`, { reason: "maintenance window" });
      expect(ejected.status).toBe(200);
      expect(ejected.json).toMatchObject({ state: "ejected", reason: "manual", ejectedUntil: null });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const before = bad.requestCount;
      for (let i = 0; i < 10; i++) expect((await call(b, "manual", key)).status).toBe(200);
      expect(bad.requestCount - before).toBe(0);

      const audit = await admin("GET", `/audit?entityId=${second}`);
      const actions = (audit.json.items as { action: string; summary: string }[]).map((i) => i.action);
      expect(actions).toContain("provider.eject");

      expect((await admin("POST", `/providers/${second}/restore`, { reason: "done" })).status).toBe(200);
      await eventually(async () => {
        const n = bad.requestCount;
        for (let i = 0; i < 6; i++) await call(b, "manual", key);
        return bad.requestCount > n;
      });
      expect((await admin("POST", `/providers/${second}/eject`, { reason: "" })).status).toBe(400);
      expect((await admin("POST", `/providers/${randomUuid()}/eject`, { reason: "x" })).status).toBe(404);
    } finally {
      await bad.setBehaviour({ mode: "status", status: 503 });
    }
  });

  it("answers the health report per provider and per group membership", async () => {
    const report = await admin("GET", "/health");
    expect(report.status).toBe(200);
    expect(report.json).toMatchObject({ shared: true });
    const groups = report.json.groups as { slug: string; members: Record<string, unknown>[] }[];
    const eject = groups.find((g) => g.slug === "eject");
    expect(eject?.members.map((m) => [m.name, m.state, m.available])).toEqual([
      ["eject-bad", "ejected", false],
      ["eject-good", "healthy", true],
    ]);
    const member = eject!.members[0]!;
    for (const field of ["reason", "ejectedUntil", "successRate", "latencyMs", "inFlight", "lastError"]) {
      expect(member).toHaveProperty(field);
    }
    expect(member.lastError).toMatchObject({ status: 503 });
  });

  it("runs periodic active checks on one instance only; the cron endpoint runs a round on demand", async () => {
    await createProvider("probed", probed.url, { healthCheckPath: PROBE_PATH });
    const p = await admin("GET", "/providers");
    const probedId = (p.json.items as { id: string; name: string }[]).find((x) => x.name === "probed")!.id;
    await createGroup("probed", [probedId]);
    const count = () => probed.requests.filter((r) => r.path === PROBE_PATH).length;
    await eventually(async () => count() > 0, 5_000);
    const start = count();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const rounds = count() - start;
    // One instance holds the lock: about one probe a second, not two.
    expect(rounds).toBeGreaterThanOrEqual(1);
    expect(rounds).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 1000) + 1);

    const denied = await fetch(`${a.url}/api/cron/health-check`, {
      method: "POST",
      headers: { authorization: "Bearer wrong-secret-value" },
    });
    expect(denied.status).toBe(401);
    const before = count();
    const res = await fetch(`${b.url}/api/cron/health-check`, {
      method: "POST",
      headers: { authorization: `Bearer ${CRON_SECRET}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { provider: string; outcome: string; status: number }[] };
    expect(body.results.find((r) => r.provider === "probed")).toMatchObject({
      outcome: "success",
      status: 200,
    });
    expect(count()).toBeGreaterThan(before);
  });
});

function randomUuid(): string {
  return crypto.randomUUID();
}
