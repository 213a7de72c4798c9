import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../observability/logger";
import { createMetrics } from "../observability/metrics";
import { startPrivateRedis, type PrivateRedis } from "../testing/private-redis";
import { withCircuitBreaker, type BreakerStateStore, type BreakerStoreOptions } from "./breaker-store";
import { createStore, REDIS_COMMAND_TIMEOUT_MS } from "./create-store";
import { createRedisStore } from "./redis-store";
import { rejectionCode, sleep, waitFor } from "@/testing/store-contract";
import type { StateStore } from "./types";

/**
 * The breaker in front of a real Redis that is frozen (SIGSTOP: connections stay open, nothing
 * answers) and thawed again — the stall the breaker exists for.
 */

let redis: PrivateRedis;
let raw: Redis;
const stores: StateStore[] = [];
let seq = 0;

beforeAll(async () => {
  redis = await startPrivateRedis();
  raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});

afterEach(async () => {
  // A test that failed while Redis was frozen must not leave it frozen for the next one.
  redis.thaw();
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});

async function breakerStore(options: BreakerStoreOptions = {}): Promise<BreakerStateStore> {
  const inner = await createRedisStore({
    url: redis.url,
    prefix: `cb${++seq}:`,
    commandTimeoutMs: REDIS_COMMAND_TIMEOUT_MS,
  });
  const store = withCircuitBreaker(inner, options);
  stores.push(store);
  await store.ping();
  return store;
}

/** How long `p` takes to settle, and with which code ("resolved" when it did not reject). */
async function timed(p: Promise<unknown>): Promise<{ ms: number; code: string }> {
  const start = performance.now();
  const code = await rejectionCode(p);
  return { ms: performance.now() - start, code };
}

describe("circuit breaker in front of a frozen Redis", () => {
  it("opens within a second of the freeze; then calls fail at once; it closes once Redis answers", async () => {
    const events: string[] = [];
    const s = await breakerStore({
      onOpen: (t) => events.push(`open after ${t.failures}`),
      onClose: () => events.push("closed"),
    });
    await s.set("k", "v");

    redis.freeze();
    const frozenAt = performance.now();
    // Traffic as the gateway makes it: a few calls at once, each waiting for the command timeout.
    const first = await Promise.all([s.get("k"), s.hitSlidingWindow("w", 5, 60_000), s.incr("c")].map(timed));
    expect(first.map((r) => r.code)).toEqual(Array(3).fill("STORE_UNAVAILABLE"));
    expect(s.breaker.snapshot().state).toBe("open");
    expect(performance.now() - frozenAt).toBeLessThan(1_000);
    expect(events).toEqual(["open after 3"]);

    const fast = await Promise.all(Array.from({ length: 50 }, (_, i) => timed(s.get(`k${i}`))));
    expect(new Set(fast.map((r) => r.code))).toEqual(new Set(["STORE_UNAVAILABLE"]));
    // At once: a call that reached the frozen Redis would wait for the 250 ms timeout.
    expect(Math.max(...fast.map((r) => r.ms))).toBeLessThan(100);
    const lock = await timed(s.acquireLock("l", 1_000));
    expect(lock.code).toBe("STORE_UNAVAILABLE");
    expect(lock.ms).toBeLessThan(100);

    // Still frozen after a probe or two: the probes fail and it stays open.
    await sleep(1_300);
    expect(s.breaker.snapshot().state).not.toBe("closed");
    expect(events).toEqual(["open after 3"]);

    redis.thaw();
    const thawedAt = performance.now();
    await waitFor(() => s.breaker.snapshot().state === "closed", "the breaker to close", 3_000);
    expect(performance.now() - thawedAt).toBeLessThan(2_000);
    expect(events).toEqual(["open after 3", "closed"]);
    expect(await s.get("k")).toBe("v");
    expect(s.breaker.snapshot()).toMatchObject({ opens: 1, closes: 1 });
  });

  it("does not count data errors: a script's or Redis's own refusal leaves it closed", async () => {
    const s = withCircuitBreaker(await createRedisStore({ url: redis.url, prefix: "cbdata:" }));
    stores.push(s);
    await s.set("text", "not a number");
    for (let i = 0; i < 10; i++) {
      expect(await rejectionCode(s.incr("text"))).toBe("INTERNAL_ERROR"); // Redis: not an integer
      expect(await rejectionCode(s.compareAndSet("k", "a", "b", { ttlMs: 0 }))).toBe("INTERNAL_ERROR");
    }
    await raw.set("cbwt:sw:w", "x");
    const wrongType = await createRedisStore({ url: redis.url, prefix: "cbwt:" });
    const guarded = withCircuitBreaker(wrongType, { failureThreshold: 1 });
    stores.push(guarded);
    // A sliding window on a string key: Redis answers WRONGTYPE.
    expect(await rejectionCode(guarded.hitSlidingWindow("w", 1, 1_000))).toBe("INTERNAL_ERROR");
    expect(guarded.breaker.snapshot()).toMatchObject({ state: "closed", opens: 0 });
    expect(s.breaker.snapshot()).toMatchObject({ state: "closed", opens: 0, consecutiveFailures: 0 });
  });

  it("lets subscriptions through while open; leases taken before go through the breaker", async () => {
    // A probe interval long enough that the breaker stays open for the whole test.
    const s = await breakerStore({ probeIntervalMs: 60_000 });
    const rawChannel = `cb${seq}:ch:ch`;
    const lease = await s.acquireLock("held", 60_000);
    expect(lease).not.toBeNull();
    redis.freeze();
    await Promise.all([s.get("a"), s.get("b"), s.get("c")].map(timed));
    expect(s.breaker.snapshot().state).toBe("open");
    redis.thaw();

    expect(await rejectionCode(s.publish("ch", "m"))).toBe("STORE_UNAVAILABLE");
    expect((await timed(lease!.renew(60_000))).code).toBe("STORE_UNAVAILABLE");
    const got: string[] = [];
    await s.subscribe("ch", (m) => got.push(m));
    // Published by another client straight to Redis: the subscription works while the breaker is open.
    const deadline = Date.now() + 3_000;
    while (got.length === 0 && Date.now() < deadline) {
      await raw.publish(rawChannel, "hello");
      await sleep(50);
    }
    expect(got[0]).toBe("hello");
    expect(s.breaker.snapshot().state).toBe("open");
  });
});

describe("Redis store deadline against a frozen Redis", () => {
  it("an operation given up on does not go on: no script re-run after NOSCRIPT once Redis answers", async () => {
    const s = await createRedisStore({ url: redis.url, prefix: "cb-deadline:", commandTimeoutMs: 150 });
    stores.push(s);
    await s.ping();
    await raw.script("FLUSH"); // as after a Redis restart: the next EVALSHA meets NOSCRIPT
    redis.freeze();
    expect((await timed(s.hitSlidingWindow("w", 5, 60_000))).code).toBe("STORE_UNAVAILABLE");
    redis.thaw();
    // Redis now answers the queued EVALSHA with NOSCRIPT; the abandoned hit must not be recorded.
    await sleep(300);
    expect(await raw.zcard("cb-deadline:sw:w")).toBe(0);
    expect((await s.hitSlidingWindow("w", 5, 60_000)).remaining).toBe(4);
  });
});

describe("createStore wiring", () => {
  it("waits for a slow first answer, so the start-up ping is not cut by the short command timeout", async () => {
    // Redis answers only 700 ms after the process starts to connect (a slow start).
    redis.freeze();
    const thawing = sleep(700).then(() => redis.thaw());
    const s = await createStore({ redisUrl: redis.url, prefix: "cb-slow-start:" });
    stores.push(s);
    // What the runtime does first: a ping that must not fail.
    const ping = await timed(s.ping());
    await thawing;
    expect(ping.code).toBe("resolved");
    expect(ping.ms).toBeLessThan(100);
    expect(s.breaker?.snapshot()).toMatchObject({ state: "closed", opens: 0 });
  });

  it("gives up waiting after two seconds when Redis is unreachable; the ping then fails", async () => {
    const start = performance.now();
    const s = await createStore({ redisUrl: "redis://127.0.0.1:1", prefix: "cb-down:" });
    stores.push(s);
    expect(performance.now() - start).toBeLessThan(4_000);
    expect(await rejectionCode(s.ping())).toBe("STORE_UNAVAILABLE");
  });

  it("logs each open and close and exposes them as metrics", async () => {
    const lines: string[] = [];
    const logger = createLogger("info", { write: (line: string) => void lines.push(line) });
    const s = await createStore({
      redisUrl: redis.url,
      prefix: "cb-factory:",
      logger,
      commandTimeoutMs: 200,
    });
    stores.push(s);
    await s.ping();
    const metrics = createMetrics();
    metrics.attach({ stateStore: s });
    const scrape = () => metrics.registry.metrics();
    expect(await scrape()).toContain("roundabout_state_store_breaker_open 0");

    redis.freeze();
    await Promise.all([s.get("a"), s.get("b"), s.get("c")].map(timed));
    expect(s.breaker?.snapshot().state).toBe("open");
    let text = await scrape();
    expect(text).toContain("roundabout_state_store_breaker_open 1");
    expect(text).toContain('roundabout_state_store_breaker_transitions_total{to="open"} 1');
    expect(text).toContain('roundabout_state_store_breaker_transitions_total{to="closed"} 0');

    redis.thaw();
    await waitFor(() => s.breaker?.snapshot().state === "closed", "the breaker to close", 3_000);
    text = await scrape();
    expect(text).toContain("roundabout_state_store_breaker_open 0");
    expect(text).toContain('roundabout_state_store_breaker_transitions_total{to="closed"} 1');

    const messages = lines.map((l) => JSON.parse(l) as { msg: string; level: number; failures?: number });
    const opened = messages.filter((m) => m.msg.startsWith("state store circuit breaker opened"));
    const closed = messages.filter((m) => m.msg.startsWith("state store circuit breaker closed"));
    expect(opened).toHaveLength(1);
    expect(opened[0]?.failures).toBe(3);
    expect(closed).toHaveLength(1);
  });
});
