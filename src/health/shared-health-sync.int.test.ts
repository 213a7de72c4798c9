import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { HealthPolicyOverrides } from "../core/health/policy";
import type { Database } from "../db/client";
import { healthEvents } from "../db/schema";
import { createLogger } from "../observability/logger";
import { createGroupService } from "../services/group-service";
import { createProviderService } from "../services/provider-service";
import { createHealthTransitionRecorder } from "../stats/health-events";
import { createRedisStore } from "../store/redis-store";
import type { StateStore } from "../store/types";
import { startGatewayHarness } from "../testing/gateway-harness";
import { openTestDatabase, testRedis } from "../testing/test-database";
import { createGatewayHealth, type GatewayHealth } from "./gateway-health";
import { buildHealthKey, buildReportedStateKey } from "./shared-health-sync";

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

async function instances(
  prefix: string,
  syncIntervalMs: number,
  policy: HealthPolicyOverrides = {},
): Promise<[GatewayHealth, GatewayHealth]> {
  const { url } = testRedis();
  const made: GatewayHealth[] = [];
  for (let i = 0; i < 2; i++) {
    const store = await createRedisStore({ url, prefix });
    const health = createGatewayHealth({
      store,
      logger: createLogger("silent"),
      policy: { ...POLICY, ...policy },
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

describe("degraded with shared health", () => {
  it("is judged beside the shared state: a slow provider is degraded once, not again at every sync", async () => {
    const [a] = await instances(prefix(), 20, { degradedEnterMs: 300, degradedExitMs: 1_000 });
    const group = ["p", "q", "r"];
    a.follow(group);
    const seen: string[] = [];
    a.registry.onTransition((event) => seen.push(`${event.providerId}:${event.to}:${event.reason}`));
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      for (const id of group) {
        a.hooks.onAttemptOutcome(id, { kind: "status", status: 200 }, id === "r" ? 2_000 : 50, "success");
      }
      a.evaluate(group);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await a.sync();
    expect(seen).toEqual(["r:degraded:latency"]);
    expect(a.snapshot(["r"])[0]).toMatchObject({ state: "degraded", reason: "latency" });
  });
});

describe("health transitions stored from two instances sharing Redis", () => {
  let database: Database;
  beforeAll(async () => {
    database = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await database?.close();
  });

  const stored = (providerId: string) =>
    database.db
      .select({ from: healthEvents.fromState, to: healthEvents.toState, reason: healthEvents.reason })
      .from(healthEvents)
      .where(eq(healthEvents.providerId, providerId))
      .orderBy(asc(healthEvents.at), asc(healthEvents.id));

  /** Waits until the stored rows satisfy `check`, then a little longer so late duplicates would show. */
  async function settled(providerId: string, check: (n: number) => boolean) {
    const started = Date.now();
    while (!check((await stored(providerId)).length)) {
      if (Date.now() - started > 3_000) throw new Error("transitions not stored in time");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    return stored(providerId);
  }

  it("one ejection and one restore are each stored once, not once per instance", async () => {
    const [a, b] = await instances(prefix(), 10_000);
    const p = randomUUID();
    for (const health of [a, b]) {
      health.follow([p]);
      health.onTransition(
        createHealthTransitionRecorder({ db: database.db, logger: createLogger("silent") }),
      );
    }
    fail(a, p, 3);
    expect(a.evaluate([p, "q"]).members[0]).toMatchObject({ available: false, state: "ejected" });
    await eventually(() => b.snapshot([p])[0]?.state === "ejected");
    expect(await settled(p, (n) => n >= 1)).toEqual([
      { from: "healthy", to: "ejected", reason: "consecutive_failures" },
    ]);

    await b.restore(p);
    await eventually(() => a.snapshot([p])[0]?.state === "healthy");
    await a.sync();
    await b.sync();
    expect(await settled(p, (n) => n >= 2)).toEqual([
      { from: "healthy", to: "ejected", reason: "consecutive_failures" },
      { from: "ejected", to: "healthy", reason: "restored" },
    ]);
  });
});

describe("shared health of a deleted provider", () => {
  it("leaves Redis once the provider is deleted, not when it only leaves its groups", async () => {
    const { url, prefix: keyPrefix } = testRedis();
    const h = await startGatewayHarness({
      database: "pglite",
      store: await createRedisStore({ url, prefix: keyPrefix }),
      healthLayer: { checkIntervalMs: 0, syncIntervalMs: 50 },
    });
    try {
      const health = h.health!;
      const ctx = h.serviceContext();
      const services = { providers: createProviderService(ctx), groups: createGroupService(ctx) };
      const by = {
        actor: { id: null, name: "test", role: "admin" as const, via: "token" as const },
        ip: null,
      };
      const provider = await h.addProvider({ baseUrl: "http://127.0.0.1:9" });
      const group = await h.addGroup();
      await h.addMember(group.id, provider.id);
      await h.reload();
      health.onTransition(() => undefined);
      await health.eject(provider.id, null);
      const keys = [buildHealthKey(provider.id), buildReportedStateKey(provider.id)];
      const present = async () => (await Promise.all(keys.map((k) => h.store.get(k)))).map((v) => v !== null);
      for (let i = 0; i < 200 && (await present()).includes(false); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await present()).toEqual([true, true]);

      // Out of every group but still configured: its state (here a manual ejection) is kept.
      await services.groups.removeMember(by, group.id, provider.id);
      await h.reload();
      expect(await present()).toEqual([true, true]);

      // Deleted: the announcement reloads the snapshot, which drops the provider's keys.
      await services.providers.remove(by, provider.id);
      for (let i = 0; i < 200 && (await present()).includes(true); i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await present()).toEqual([false, false]);
      expect(health.followed().has(provider.id)).toBe(false);

      // A late outcome of a request still in flight does not write it back.
      fail(health, provider.id, 3);
      await health.sync();
      expect(await present()).toEqual([false, false]);
    } finally {
      await h.close();
    }
  });
});
