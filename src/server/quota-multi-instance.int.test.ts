import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quotaWindowsAt } from "@/core/quota/calendar-window";
import { startMockUpstream, type MockUpstream } from "@/testing/mock-upstream";
import { openTestDatabase, testRedis } from "@/testing/test-database";
import { startTestProcess, type RunningProcess } from "@/testing/runtime-test-support";

/**
 * Quotas across two instances sharing one PostgreSQL database and one Redis (issue 14): A (admin API
 * + gateway) and B (gateway only). A burst split across both admits exactly the limit — of a key and
 * of a tenant shared by two keys — and usage comes back after the store is wiped (every key under
 * this test's prefix deleted: the FLUSHDB of a Redis others share) once an instance recounts.
 */

const ADMIN_TOKEN = `adm-${randomBytes(12).toString("hex")}`;
const TENANT = `qt-${randomBytes(3).toString("hex")}`;

let a: RunningProcess;
let b: RunningProcess;
let up: MockUpstream;
let dataDir: string;
let vars: Record<string, string>;
let redis: Redis;
let prefix: string;
let tenantId: string;

beforeAll(async () => {
  // 10 input + 5 output tokens per answer.
  up = await startMockUpstream({ record: false, behaviour: { inputTokens: 10, outputTokens: 5 } });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "rb-quota-"));
  const db = await openTestDatabase("postgres");
  await db.close();
  const store = testRedis();
  prefix = store.prefix;
  redis = new Redis(store.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  vars = {
    DATA_DIR: dataDir,
    DATABASE_URL: db.url!,
    REDIS_URL: store.url,
    REDIS_PREFIX: store.prefix,
    SECRET_KEY: randomBytes(32).toString("base64"),
    ADMIN_TOKEN,
    HEALTH_CHECK_INTERVAL_MS: "0",
    LOG_LEVEL: "warn",
  };
  a = await startTestProcess(vars, "full");
  b = await startTestProcess(vars, "gateway");
  const created = await admin("POST", "/tenants", { name: "Quota team", slug: TENANT }, false);
  expect(created.status).toBe(201);
  tenantId = created.json.id as string;
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await up?.close();
  redis?.disconnect();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** An admin call as the system administrator, acting in the test tenant unless `inTenant` is false. */
async function admin(method: string, route: string, body?: unknown, inTenant = true) {
  const res = await fetch(`${a.url}/api/admin${route}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      "content-type": "application/json",
      ...(inTenant ? { "x-roundabout-tenant": TENANT } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : null) as Record<string, unknown> };
}

async function createRoute(slug: string): Promise<void> {
  const provider = await admin("POST", "/providers", { name: slug, baseUrl: up.url });
  expect(provider.status).toBe(201);
  const group = await admin("POST", "/groups", { slug, name: slug });
  expect(group.status).toBe(201);
  const member = await admin("POST", `/groups/${group.json.id as string}/providers`, {
    providerId: provider.json.id,
  });
  expect(member.status).toBe(201);
}

async function createKey(extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const res = await admin("POST", "/api-keys", { name: `k-${randomBytes(4).toString("hex")}`, ...extra });
  expect(res.status).toBe(201);
  return { id: res.json.id as string, key: res.json.key as string };
}

async function call(proc: RunningProcess, slug: string, key: string) {
  const res = await fetch(`${proc.url}/api/proxy/${slug}/v1/chat/completions`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [] }),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers };
}

async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const counter = (subject: string, metric: string, window: string) =>
  `${prefix}kv:quota:${subject}:${metric}:${window}`;

describe("quotas on two instances sharing PostgreSQL and Redis", () => {
  it("a burst split across both instances admits exactly the key's quota", async () => {
    await createRoute("qk");
    const { key } = await createKey({ quota: { requestsPerDay: 9 } });
    // B learns the key over pub/sub (its 401s before that are not admitted, so not counted).
    await eventually(async () => (await call(b, "qk", key)).status === 200);
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => call(i % 2 ? a : b, "qk", key)));
    // One request was spent while waiting for B: 8 of the burst pass.
    expect(burst.filter((r) => r.status === 200)).toHaveLength(8);
    expect(burst.filter((r) => r.status === 429)).toHaveLength(22);
    expect(JSON.parse(burst.find((r) => r.status === 429)!.text).error.details).toMatchObject({
      scope: "key",
      quota: "requestsPerDay",
      limit: 9,
      usage: 9,
    });
  });

  it("a burst over two keys and both instances admits exactly the tenant's quota", async () => {
    await createRoute("qt");
    const { key: first } = await createKey();
    const { key: second } = await createKey();
    const put = await admin("PUT", `/tenants/${tenantId}`, { quota: { requestsPerDay: 20 } }, false);
    expect(put.status).toBe(200);
    expect(put.json.quota).toMatchObject({ requestsPerDay: 20 });
    // The quota reached B's snapshot: its answers carry the tenant's headers.
    await eventually(async () => {
      const res = await call(b, "qt", second);
      return res.headers.get("x-quota-tenant-requests-per-day-limit") === "20";
    });
    const day = quotaWindowsAt(Date.now(), "UTC").day.id;
    const spent = Number(await redis.get(counter(`{tenant:${tenantId}}`, "requestsPerDay", day)));
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call(i % 2 ? a : b, "qt", i % 4 < 2 ? first : second)),
    );
    expect(burst.filter((r) => r.status === 200)).toHaveLength(20 - spent);
    const refused = burst.filter((r) => r.status === 429);
    expect(refused).toHaveLength(40 - (20 - spent));
    expect(JSON.parse(refused[0]!.text).error.details).toMatchObject({
      scope: "tenant",
      limit: 20,
      usage: 20,
    });
  });

  it("usage comes back from the database after the store is wiped and an instance recounts", async () => {
    await createRoute("qf");
    const { id: keyId, key } = await createKey({ quota: { tokensPerMonth: 60 } });
    await admin("PUT", `/tenants/${tenantId}`, { quota: { tokensPerMonth: 100_000 } }, false);
    await eventually(async () => (await call(b, "qf", key)).status === 200);
    // 15 tokens each: 15 (above) → 30 → 45 → 60; the next is refused.
    for (let i = 0; i < 3; i++) expect((await call(i % 2 ? a : b, "qf", key)).status).toBe(200);
    await eventually(async () => (await call(a, "qf", key)).status === 429);
    // Every answered request is in the database before the wipe.
    await eventually(async () => {
      const logs = await admin("GET", `/logs?limit=100&status=200&keyId=${keyId}`);
      return ((logs.json.items ?? []) as unknown[]).length === 4;
    });
    const month = quotaWindowsAt(Date.now(), "UTC").month.id;
    const tenantBefore = Number(await redis.get(counter(`{tenant:${tenantId}}`, "tokensPerMonth", month)));
    expect(tenantBefore).toBeGreaterThanOrEqual(60);

    // Wipe this deployment's keys (its FLUSHDB): the key is admitted again — the loss being shown.
    await wipePrefix();
    expect((await call(b, "qf", key)).status).toBe(200);
    // An instance start recounts from the request logs: B restarts.
    await b.stop();
    b = await startTestProcess(vars, "gateway");
    await eventually(async () => {
      const used = Number(await redis.get(counter(`{key:${keyId}}`, "tokensPerMonth", month)));
      return used >= 60;
    });
    const refused = await call(b, "qf", key);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text).error.details).toMatchObject({ scope: "key", quota: "tokensPerMonth" });
    // The tenant's month came back too (at least what it was before the wipe).
    expect(
      Number(await redis.get(counter(`{tenant:${tenantId}}`, "tokensPerMonth", month))),
    ).toBeGreaterThanOrEqual(tenantBefore);
  });
});

/** Deletes every key under this test's prefix (never FLUSHDB/FLUSHALL: the Redis is shared). */
async function wipePrefix(): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}
