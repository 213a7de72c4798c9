import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../observability/logger";
import { createRedisStore } from "../store/redis-store";
import type { StateStore } from "../store/types";
import { testRedis } from "../testing/test-database";
import { createGatewayHealth, type GatewayHealth } from "./gateway-health";

/**
 * Two health layers ("instances") sharing one real Redis through their own store connections, as two
 * processes would. The periodic cycle is set long where a test proves that pub/sub alone propagates.
 */

const POLICY = { consecutiveFailures: 3, baseEjectionMs: 400, slowStartMs: 0 };
const opened: { health: GatewayHealth; store: StateStore }[] = [];

afterEach(async () => {
  for (const { health, store } of opened.splice(0)) {
    await health.close();
    await store.close();
  }
});

async function instances(prefix: string, syncIntervalMs: number): Promise<[GatewayHealth, GatewayHealth]> {
  const { url } = testRedis();
  const made: GatewayHealth[] = [];
  for (let i = 0; i < 2; i++) {
    const store = await createRedisStore({ url, prefix });
    const health = createGatewayHealth({
      store,
      logger: createLogger("silent"),
      policy: POLICY,
      syncIntervalMs,
    });
    opened.push({ health, store });
    made.push(health);
  }
  for (const health of made) {
    health.follow(["p", "q"]);
    await health.start();
  }
  return [made[0]!, made[1]!];
}

const fail = (h: GatewayHealth, id: string, n: number) => {
  for (let i = 0; i < n; i++) h.hooks.onAttemptOutcome(id, { kind: "status", status: 503 }, 5, "failure");
};

async function eventually(check: () => boolean, ms = 2_000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

const prefix = () => `${testRedis().prefix}h:`;

describe("health shared through Redis", () => {
  it("adds up failures seen on two instances; the ejection reaches the other one", async () => {
    const [a, b] = await instances(prefix(), 10_000);
    fail(a, "p", 2);
    fail(b, "p", 2);
    // Neither instance alone crossed the threshold of 3.
    expect(a.evaluate(["p", "q"]).members[0]?.available).toBe(true);
    expect(b.evaluate(["p", "q"]).members[0]?.available).toBe(true);
    await a.sync();
    await b.sync();
    expect(b.snapshot(["p"])[0]?.consecutiveFailures).toBe(4);
    expect(b.evaluate(["p", "q"]).members[0]).toMatchObject({ available: false, state: "ejected" });
    const took = await eventually(() => a.snapshot(["p"])[0]?.state === "ejected");
    // Announced on pub/sub: far sooner than the 10 s cycle.
    expect(took).toBeLessThan(1_000);
    expect(a.evaluate(["p", "q"]).members[0]?.available).toBe(false);
  });

  it("grants the half-open trial to exactly one instance", async () => {
    const [a, b] = await instances(prefix(), 10_000);
    fail(a, "p", 3);
    a.evaluate(["p", "q"]);
    await eventually(() => b.snapshot(["p"])[0]?.state === "ejected");
    await new Promise((resolve) => setTimeout(resolve, POLICY.baseEjectionMs + 20));
    expect(a.evaluate(["p", "q"]).members[0]).toMatchObject({ available: true, trial: true });
    expect(b.evaluate(["p", "q"]).members[0]).toMatchObject({ available: true, trial: true });
    const claims = await Promise.all([
      a.hooks.claimTrial("p"),
      b.hooks.claimTrial("p"),
      a.hooks.claimTrial("p"),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = claims[0] === true || claims[2] === true ? a : b;
    const loser = winner === a ? b : a;
    await eventually(() => loser.snapshot(["p"])[0]?.trialInFlight === true);
    winner.hooks.onAttemptOutcome("p", { kind: "status", status: 200 }, 3, "success");
    await eventually(() => loser.snapshot(["p"])[0]?.state === "healthy");
  });

  it("applies an operator's ejection and restore on every instance", async () => {
    const [a, b] = await instances(prefix(), 10_000);
    await a.eject("q", null);
    expect(a.snapshot(["q"])[0]).toMatchObject({ state: "ejected", reason: "manual", ejectedUntil: null });
    await eventually(() => b.snapshot(["q"])[0]?.reason === "manual");
    await b.restore("q");
    await eventually(() => a.snapshot(["q"])[0]?.state === "healthy");
    expect(a.evaluate(["p", "q"]).members[1]?.available).toBe(true);
  });

  it("keeps judging locally while the store is unreachable", async () => {
    const [a] = await instances(prefix(), 50);
    const store = opened[0]!.store;
    await store.close();
    fail(a, "p", 3);
    expect(a.evaluate(["p", "q"]).members[0]).toMatchObject({ available: false, state: "ejected" });
  });
});
