import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../store/redis-store";
import {
  startGatewayHarness,
  type GatewayHarness,
  type GatewayHarnessOptions,
} from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";
import { startPrivateRedis, type PrivateRedis } from "../testing/private-redis";
import { testRedis } from "../testing/test-database";

/** Retry budget, exact rate limits under concurrency, and a Redis outage in the middle of traffic. */

const opened: GatewayHarness[] = [];
const upstreams: MockUpstream[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((h) => h.close()));
  await Promise.all(upstreams.splice(0).map((u) => u.close()));
});

async function harness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const h = await startGatewayHarness(options);
  opened.push(h);
  return h;
}

async function upstream(behaviour = {}): Promise<MockUpstream> {
  const up = await startMockUpstream({ record: false, behaviour });
  upstreams.push(up);
  return up;
}

/** A group over the given upstreams, one provider each; returns its slug. */
async function groupOver(h: GatewayHarness, ups: MockUpstream[], maxAttempts = 3): Promise<string> {
  const g = await h.addGroup({ maxAttempts });
  for (const up of ups) {
    const p = await h.addProvider({ baseUrl: up.url });
    await h.addMember(g.id, p.id);
  }
  await h.reload();
  return g.slug;
}

async function call(h: GatewayHarness, slug: string, key: string): Promise<Response> {
  const res = await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": key } });
  await res.arrayBuffer();
  return res;
}

/** Sends `n` requests keeping `concurrency` in flight; returns the statuses. */
async function load(n: number, concurrency: number, send: () => Promise<Response>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        statuses.push((await send()).status);
      }
    }),
  );
  return statuses;
}

const hits = (ups: MockUpstream[]) => ups.reduce((sum, up) => sum + up.requestCount, 0);

describe("retry budget under a total outage", () => {
  it.each([
    ["without health tracking", undefined],
    ["with health tracking", { checkIntervalMs: 0 }],
  ])(
    "every provider failing: upstream hits stay ≤ 1.2 × client requests (%s)",
    async (_name, healthLayer) => {
      const h = await harness({ healthLayer, gatewayOptions: { backoffBaseMs: 5, backoffCapMs: 20 } });
      const ups = [await upstream(), await upstream(), await upstream()];
      for (const up of ups) await up.setBehaviour({ mode: "status", status: 503 });
      const { key } = await h.addKey();
      const slug = await groupOver(h, ups, 3);
      const statuses = await load(200, 50, () => call(h, slug, key));
      expect(statuses).toHaveLength(200);
      expect(new Set(statuses)).toEqual(new Set([503]));
      expect(hits(ups)).toBeLessThanOrEqual(240);
      // Without a budget the same outage would cost 600 attempts; with it some retries still happen.
      expect(hits(ups)).toBeGreaterThan(200);
      // Requests whose retry was refused say so in their log row (metrics and alerts count them).
      const rows = await h.requestLogs();
      expect(rows.filter((r) => r.errorCode === "RETRY_BUDGET_EXHAUSTED").length).toBeGreaterThan(0);
    },
  );
});

describe("retry budget: failover is never refused while healthy providers exist", () => {
  it.each([
    ["without health tracking", undefined],
    ["with health tracking", { checkIntervalMs: 0 }],
  ])(
    "fresh gateway, 3 providers, one answering 503: 30 sequential requests all succeed (%s)",
    async (_name, healthLayer) => {
      const h = await harness({ healthLayer, gatewayOptions: { backoffBaseMs: 1, backoffCapMs: 5 } });
      const ups = [await upstream(), await upstream(), await upstream()];
      await ups[0]!.setBehaviour({ mode: "status", status: 503 });
      const { key } = await h.addKey();
      const slug = await groupOver(h, ups, 3);
      const statuses = await load(30, 1, () => call(h, slug, key));
      expect(statuses).toEqual(Array.from({ length: 30 }, () => 200));
      const rows = await h.requestLogs();
      expect(rows.filter((r) => r.errorCode === "RETRY_BUDGET_EXHAUSTED")).toHaveLength(0);
    },
  );

  it("a total outage under sequential load still stays ≤ 1.2 × client requests", async () => {
    const h = await harness({ gatewayOptions: { backoffBaseMs: 1, backoffCapMs: 5 } });
    const ups = [await upstream(), await upstream(), await upstream()];
    for (const up of ups) await up.setBehaviour({ mode: "status", status: 503 });
    const { key } = await h.addKey();
    const slug = await groupOver(h, ups, 3);
    const statuses = await load(200, 1, () => call(h, slug, key));
    expect(new Set(statuses)).toEqual(new Set([503]));
    console.log(`sequential total outage: ${hits(ups)} upstream attempts for 200 requests`);
    expect(hits(ups)).toBeLessThanOrEqual(240);
    expect(hits(ups)).toBeGreaterThan(200);
  });
});

describe("key rate limit: exact under a concurrent burst", () => {
  const stores: [string, () => Promise<GatewayHarnessOptions>][] = [
    ["memory store", async () => ({})],
    [
      "Redis store",
      async () => {
        const redis = testRedis();
        return { store: await createRedisStore({ url: redis.url, prefix: redis.prefix }) };
      },
    ],
  ];
  it.each(stores)("%s: a burst of 60 lets exactly the limit of 15 through", async (_name, options) => {
    const h = await harness(await options());
    const slug = await groupOver(h, [await upstream()]);
    const { key } = await h.addKey({ rateLimitPerMinute: 15 });
    await h.reload();
    const responses = await Promise.all(Array.from({ length: 60 }, () => call(h, slug, key)));
    const ok = responses.filter((r) => r.status === 200);
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toHaveLength(15);
    expect(limited).toHaveLength(45);
    for (const res of ok) expect(res.headers.get("x-ratelimit-limit")).toBe("15");
    const remaining = ok.map((r) => Number(r.headers.get("x-ratelimit-remaining"))).sort((a, b) => a - b);
    expect(remaining).toEqual(Array.from({ length: 15 }, (_, i) => i));
    for (const res of limited) {
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
    }
  });
});

describe("Redis killed in the middle of traffic, then restarted", () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function redisHarness(failure: "open" | "closed") {
    const store = await createRedisStore({
      url: redis.url,
      prefix: `rbt:${failure}:`,
      commandTimeoutMs: 300,
    });
    return harness({
      store,
      healthLayer: { checkIntervalMs: 0, syncIntervalMs: 50 },
      gatewayOptions: { stateStoreFailure: failure },
    });
  }

  async function waitForStore(h: GatewayHarness): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await h.store.ping();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it("fails open by default: limits are skipped with a warning, then enforced again", async () => {
    const h = await redisHarness("open");
    const slug = await groupOver(h, [await upstream()]);
    const limited = await h.addKey({ rateLimitPerMinute: 3 });
    const unlimited = await h.addKey();
    await h.reload();
    expect(await load(4, 1, () => call(h, slug, limited.key))).toEqual([200, 200, 200, 429]);

    await redis.kill();
    expect(await load(5, 2, () => call(h, slug, limited.key))).toEqual([200, 200, 200, 200, 200]);
    expect((await call(h, slug, unlimited.key)).status).toBe(200);
    // The warning names the request that met the outage (its request-log row has the same id).
    const warning = h.logLines
      .map((line) => JSON.parse(line) as { msg?: string; requestId?: string })
      .find((line) => line.msg?.includes("limits and caps are not enforced"));
    expect(warning?.requestId).toEqual(expect.any(String));
    expect((await h.requestLogs()).map((row) => row.id)).toContain(warning?.requestId);
    // A key added while Redis is down cannot be announced...
    const late = await h.addKey();

    await redis.restart();
    await waitForStore(h);
    // The restarted Redis kept nothing: a fresh window, enforced again.
    expect(await load(4, 1, () => call(h, slug, limited.key))).toEqual([200, 200, 200, 429]);
    // ...but the re-established subscription reloads everything (no periodic reload in this harness).
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = (await call(h, slug, late.key)).status;
    }
    expect(status).toBe(200);
  });

  it("fails closed when configured: limited keys get 503 STORE_UNAVAILABLE, others still pass", async () => {
    await redis.restart();
    const h = await redisHarness("closed");
    const slug = await groupOver(h, [await upstream()]);
    const limited = await h.addKey({ rateLimitPerMinute: 100 });
    const unlimited = await h.addKey();
    await h.reload();
    expect((await call(h, slug, limited.key)).status).toBe(200);

    await redis.kill();
    const refused = await fetch(h.proxyUrl(slug, "/v1/models"), { headers: { "x-api-key": limited.key } });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("STORE_UNAVAILABLE");
    expect((await call(h, slug, unlimited.key)).status).toBe(200);

    await redis.restart();
    await waitForStore(h);
    expect((await call(h, slug, limited.key)).status).toBe(200);
  });
});
