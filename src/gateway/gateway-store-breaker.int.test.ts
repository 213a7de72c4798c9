import { performance } from "node:perf_hooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createStore, REDIS_COMMAND_TIMEOUT_MS } from "../store/create-store";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";
import { startPrivateRedis, type PrivateRedis } from "../testing/private-redis";

/**
 * A frozen Redis (SIGSTOP: the process stops answering, its connections stay open) behind a real
 * gateway with a rate-limited key. Without the state store's circuit breaker every limited request
 * waited for the Redis command timeout; with it, once a few commands timed out, requests take the
 * STATE_STORE_FAILURE path at once, and limits are enforced again once Redis answers.
 *
 * The latency bounds below are a functional property with a wide margin (a request that waits for a
 * command timeout takes ≥ 250 ms; one that does not, ~1 ms), not a benchmark: requests go one at a
 * time so each one's latency is its own, and the request logs go to PostgreSQL so that embedded
 * PGlite inserts (synchronous, on this event loop) do not add their pauses to the tail. The bound is
 * 50 ms, relaxed to 1.5× the tail of the same requests against a healthy Redis when a loaded machine
 * makes even those slower (see fastBound).
 */

let redis: PrivateRedis;
const opened: GatewayHarness[] = [];
const upstreams: MockUpstream[] = [];
let seq = 0;

beforeAll(async () => {
  redis = await startPrivateRedis();
});

afterEach(async () => {
  redis.thaw();
  await Promise.all(opened.splice(0).map((h) => h.close()));
  await Promise.all(upstreams.splice(0).map((u) => u.close()));
});

afterAll(async () => {
  await redis?.stop();
});

interface Answer {
  status: number;
  ms: number;
  limitHeader: string | null;
  code: string | null;
}

/** A gateway over one mock upstream, its state in the private Redis through the production factory. */
async function gatewayOnRedis(failure: "open" | "closed") {
  const store = await createStore({ redisUrl: redis.url, prefix: `gw-cb${++seq}:` });
  await store.ping();
  const h = await startGatewayHarness({
    database: "postgres",
    store,
    healthLayer: { checkIntervalMs: 0, syncIntervalMs: 50 },
    gatewayOptions: { stateStoreFailure: failure },
  });
  opened.push(h);
  const up = await startMockUpstream({ record: false });
  upstreams.push(up);
  const group = await h.addGroup();
  const provider = await h.addProvider({ baseUrl: up.url });
  await h.addMember(group.id, provider.id);
  await h.reload();
  const breakerState = () => store.breaker?.snapshot().state;

  const call = async (key: string): Promise<Answer> => {
    const start = performance.now();
    const res = await fetch(h.proxyUrl(group.slug, "/v1/models"), { headers: { "x-api-key": key } });
    const text = await res.text();
    const ms = performance.now() - start;
    let code: string | null = null;
    if (res.status >= 400) code = (JSON.parse(text) as { error: { code: string } }).error.code;
    return { status: res.status, ms, limitHeader: res.headers.get("x-ratelimit-limit"), code };
  };

  /** `n` calls, `concurrency` at a time. */
  const load = async (n: number, concurrency: number, key: string): Promise<Answer[]> => {
    const answers: Answer[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          next++;
          answers.push(await call(key));
        }
      }),
    );
    return answers;
  };

  /** Freezes Redis and keeps traffic going until the breaker opens; returns ms from freeze to open. */
  const freezeUntilOpen = async (key: string): Promise<number> => {
    redis.freeze();
    const frozenAt = performance.now();
    while (breakerState() === "closed" && performance.now() - frozenAt < 5_000) await load(4, 4, key);
    expect(breakerState()).toBe("open");
    return performance.now() - frozenAt;
  };

  /** Thaws Redis; returns ms until the breaker closed (a probe runs every second). */
  const thawUntilClosed = async (): Promise<number> => {
    redis.thaw();
    const thawedAt = performance.now();
    while (breakerState() !== "closed" && performance.now() - thawedAt < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(breakerState()).toBe("closed");
    return performance.now() - thawedAt;
  };

  return { h, call, load, freezeUntilOpen, thawUntilClosed };
}

/**
 * What "fast" means for requests during the freeze: p99 ≤ 50 ms, or — on a machine so loaded that the
 * same requests with Redis answering have a slower tail — no more than 1.5× that tail. Either way far
 * below the command timeout every request would wait without the breaker.
 */
function fastBound(healthy: Answer[]): number {
  const bound = Math.max(50, 1.5 * p99(healthy));
  expect(bound).toBeLessThan(REDIS_COMMAND_TIMEOUT_MS);
  return bound;
}

/** The 99th percentile of the answers' latencies (nearest rank). */
function p99(answers: Answer[]): number {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1]!;
}

describe("a frozen Redis behind the gateway's state-store circuit breaker", () => {
  it("fail-open: requests stay fast while Redis is frozen, and limits come back once it answers", async () => {
    const g = await gatewayOnRedis("open");
    const limited = await g.h.addKey({ rateLimitPerMinute: 20 });
    const other = await g.h.addKey({ rateLimitPerMinute: 1_000 });
    await g.h.reload();
    // The same requests with Redis answering, for the machine's own latency tail.
    const healthy = await g.load(300, 1, other.key);
    expect(new Set(healthy.map((a) => a.status))).toEqual(new Set([200]));
    const before = await g.load(5, 1, limited.key);
    expect(before.map((a) => [a.status, a.limitHeader])).toEqual(Array(5).fill([200, "20"]));

    expect(await g.freezeUntilOpen(limited.key)).toBeLessThan(1_000);
    const during = await g.load(300, 1, limited.key);
    expect(new Set(during.map((a) => a.status))).toEqual(new Set([200]));
    // Limits are not enforced (fail-open), so no limit headers either.
    expect(during.filter((a) => a.limitHeader !== null)).toEqual([]);
    expect(p99(during)).toBeLessThanOrEqual(fastBound(healthy));

    expect(await g.thawUntilClosed()).toBeLessThan(2_000);
    // Enforced again: 20 per minute, of which 5 were used before the freeze (and a few hits sent
    // while it was frozen may have been applied once Redis ran again).
    const after = await g.load(20, 1, limited.key);
    const statuses = after.map((a) => a.status);
    const allowed = statuses.indexOf(429);
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed).toBeLessThanOrEqual(15);
    expect(statuses).toEqual([...Array<number>(allowed).fill(200), ...Array<number>(20 - allowed).fill(429)]);
    expect(new Set(after.map((a) => a.limitHeader))).toEqual(new Set(["20"]));
  }, 120_000);

  it("fail-closed: limited requests get 503 STORE_UNAVAILABLE at once, others pass; recovered after thaw", async () => {
    const g = await gatewayOnRedis("closed");
    const limited = await g.h.addKey({ rateLimitPerMinute: 1_000 });
    const unlimited = await g.h.addKey();
    await g.h.reload();
    const healthy = await g.load(100, 1, limited.key);
    expect(new Set(healthy.map((a) => a.status))).toEqual(new Set([200]));

    expect(await g.freezeUntilOpen(limited.key)).toBeLessThan(1_000);
    const refused = await g.load(100, 1, limited.key);
    expect(new Set(refused.map((a) => `${a.status} ${a.code}`))).toEqual(new Set(["503 STORE_UNAVAILABLE"]));
    expect(p99(refused)).toBeLessThanOrEqual(fastBound(healthy));
    const passed = await g.load(20, 2, unlimited.key);
    expect(new Set(passed.map((a) => a.status))).toEqual(new Set([200]));

    expect(await g.thawUntilClosed()).toBeLessThan(2_000);
    const back = await g.load(5, 1, limited.key);
    expect(back.map((a) => [a.status, a.limitHeader])).toEqual(Array(5).fill([200, "1000"]));
  }, 120_000);
});
