import { createServer, type Server, type Socket } from "node:net";
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../observability/logger";
import { testRedis } from "../testing/test-database";
import { withCircuitBreaker } from "./breaker-store";
import { createStore } from "./create-store";
import { createMemoryStore } from "./memory-store";
import { createRedisStore } from "./redis-store";
import { rejectionCode, runStoreContract, sleep, waitFor } from "@/testing/store-contract";
import type { StateStore } from "./types";

const redis = testRedis();

runStoreContract("memory", async () => createMemoryStore());

let fakeNow = 1_700_000_000_000;
runStoreContract(
  "memory (fake clock)",
  async () => createMemoryStore({ now: () => fakeNow }),
  async (ms) => {
    fakeNow += ms;
  },
);

runStoreContract(
  "redis",
  (namespace = "main") => createRedisStore({ url: redis.url, prefix: `${redis.prefix}${namespace}:` }),
  sleep,
  { sharedBackend: true },
);

// Every call of the wrapped store goes through the breaker: the contract must hold unchanged.
runStoreContract(
  "redis behind circuit breaker",
  async (namespace = "main") =>
    withCircuitBreaker(await createRedisStore({ url: redis.url, prefix: `${redis.prefix}cb-${namespace}:` })),
  sleep,
  { sharedBackend: true },
);

/** Resolves to "deadline" if `p` has not settled within `ms`: a hang fails the test instead of timing it out. */
async function settleWithin(p: Promise<unknown>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("deadline"), ms);
  });
  try {
    return await Promise.race([rejectionCode(p), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe("redis store specifics", () => {
  let raw: Redis;
  const stores: StateStore[] = [];
  beforeAll(() => {
    raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    raw.disconnect();
  });

  it("builds every key through the keyspace and gives windows, slots and locks a TTL", async () => {
    const prefix = `${redis.prefix}keys:`;
    const s = await createRedisStore({ url: redis.url, prefix });
    stores.push(s);
    await s.set("k", "v");
    expect(await raw.get(`${prefix}kv:k`)).toBe("v");
    await s.hitSlidingWindow("w", 5, 60_000);
    const windowTtl = await raw.pttl(`${prefix}sw:w`);
    expect(windowTtl).toBeGreaterThan(0);
    expect(windowTtl).toBeLessThanOrEqual(60_000);
    await s.acquireSlot("s", 2, 30_000);
    expect(await raw.pttl(`${prefix}slots:s`)).toBeGreaterThan(0);
    await s.acquireLock("l", 30_000);
    expect(await raw.pttl(`${prefix}lock:l`)).toBeGreaterThan(0);
  });

  it("reloads its Lua scripts when the server lost them (restart or SCRIPT FLUSH)", async () => {
    const s = await createRedisStore({ url: redis.url, prefix: `${redis.prefix}flush:` });
    stores.push(s);
    expect((await s.hitSlidingWindow("w", 1, 60_000)).allowed).toBe(true);
    await raw.script("FLUSH");
    expect((await s.hitSlidingWindow("w", 1, 60_000)).allowed).toBe(false);
    expect(await s.acquireSlot("s", 1, 60_000)).not.toBeNull();
    expect(await s.countSlots("s")).toBe(1);
  });

  it("calls onResubscribed (only) after the subscriber connection was killed, and keeps delivering", async () => {
    const { prefix } = testRedis();
    const s = await createRedisStore({ url: redis.url, prefix });
    stores.push(s);
    const got: string[] = [];
    let resubscribed = 0;
    await s.subscribe("cfg", (m) => got.push(m), { onResubscribed: () => resubscribed++ });
    await s.publish("cfg", "before");
    await waitFor(() => got.length === 1, "message before the kill");
    expect(resubscribed).toBe(0);

    const subscriberIds = async () =>
      String(await raw.client("LIST"))
        .split("\n")
        .filter((line) => line.includes(` name=${prefix}subscriber `))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1]);
    const [oldId, ...others] = await subscriberIds();
    expect(oldId).toBeDefined();
    expect(others).toEqual([]);
    await raw.client("KILL", "ID", oldId as string);

    await waitFor(() => resubscribed === 1, "onResubscribed", 5000);
    const [newId] = await subscriberIds();
    expect(newId).toBeDefined();
    expect(newId).not.toBe(oldId);
    await s.publish("cfg", "after");
    await waitFor(() => got.length === 2, "message after the reconnect");
    expect(got).toEqual(["before", "after"]);
    expect(resubscribed).toBe(1);
  });

  it("rejects commands quickly with STORE_UNAVAILABLE when Redis is unreachable", async () => {
    const s = await createRedisStore({ url: "redis://127.0.0.1:1", prefix: "rb-unreachable:" });
    stores.push(s);
    const codes = await Promise.all([
      settleWithin(s.ping(), 3000),
      settleWithin(s.get("k"), 3000),
      settleWithin(s.hitSlidingWindow("k", 1, 1000), 3000),
      settleWithin(s.acquireLock("k", 1000), 3000),
      settleWithin(
        s.subscribe("ch", () => {}),
        3000,
      ),
    ]);
    expect(codes).toEqual(Array(5).fill("STORE_UNAVAILABLE"));
  });

  it("times commands out against a server that accepts connections but never answers", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (address === null || typeof address === "string") throw new Error("no tcp address");
    try {
      const s = await createRedisStore({
        url: `redis://127.0.0.1:${address.port}`,
        prefix: "rb-silent:",
        commandTimeoutMs: 300,
      });
      stores.push(s);
      const codes = await Promise.all([settleWithin(s.ping(), 3000), settleWithin(s.incr("k"), 3000)]);
      expect(codes).toEqual(["STORE_UNAVAILABLE", "STORE_UNAVAILABLE"]);
      await Promise.all(stores.splice(0).map((st) => st.close()));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("does not call a reply that waited while this process was busy a timeout", async () => {
    const s = await createRedisStore({
      url: redis.url,
      prefix: `${redis.prefix}busy:`,
      commandTimeoutMs: 100,
    });
    stores.push(s);
    await s.set("k", "v");
    // The command is on the wire; the reply arrives while the event loop is blocked for 4× the timeout.
    const pending = s.get("k");
    const until = Date.now() + 400;
    while (Date.now() < until) {
      // busy
    }
    expect(await pending).toBe("v");
    // The same store still times out against a server that really does not answer (test above).
  });

  it("never logs or returns the password of the Redis URL", async () => {
    const secret = "s3cr3t-Pa55word";
    let log = "";
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString();
        done();
      },
    });
    const s = await createRedisStore({
      url: `redis://rbuser:${secret}@127.0.0.1:1`,
      prefix: "rb-secret:",
      logger: createLogger("debug", sink),
    });
    stores.push(s);
    let message = "";
    try {
      await s.ping();
    } catch (err) {
      message = `${(err as Error).message} ${String((err as Error).cause)}`;
    }
    expect(message).toContain("unreachable");
    await waitFor(() => log.includes("redis connection error"), "the connection error log line");
    expect(log).toContain("127.0.0.1:1");
    expect(log).not.toContain(secret);
    expect(message).not.toContain(secret);
  });
});

describe("createStore", () => {
  it("creates the memory store without a URL and the Redis store with one", async () => {
    const memory = await createStore({});
    const shared = await createStore({ redisUrl: redis.url, prefix: `${redis.prefix}factory:` });
    try {
      expect(memory.kind).toBe("memory");
      expect(shared.kind).toBe("redis");
      // Only the store that can stall gets a circuit breaker.
      expect(memory.breaker).toBeUndefined();
      expect(shared.breaker?.snapshot().state).toBe("closed");
      await shared.ping();
      await shared.set("k", "v");
      expect(await shared.get("k")).toBe("v");
    } finally {
      await memory.close();
      await shared.close();
    }
  });
});
