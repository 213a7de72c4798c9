import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthTransition } from "../core/health/health-registry";
import { healthEvents } from "../db/schema/rollups";
import { createLogger } from "../observability/logger";
import { createHealthTransitionRecorder } from "../stats/health-events";
import { postToGateway, startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";
import { startMockUpstream, type MockUpstream } from "../testing/mock-upstream";

/**
 * Issue 12, "health that does not flap", on the real gateway with the default health policy: steady
 * load to healthy providers stores no transition at all, and a provider that turns slow is reported
 * `degraded`/`latency` once, then `healthy` once after it has been fast again for the exit dwell.
 * Transitions are counted both where the registry emits them and where the runtime stores them (the
 * health_events rows written by the same recorder the runtime attaches).
 */

let h: GatewayHarness;
let key: string;
const ups: MockUpstream[] = [];
const seen: HealthTransition[] = [];

beforeAll(async () => {
  h = await startGatewayHarness({ healthLayer: { checkIntervalMs: 0 } });
  const health = h.health!;
  health.registry.onTransition((event) => seen.push(event));
  health.onTransition(createHealthTransitionRecorder({ db: h.db, logger: createLogger("silent") }));
  for (let i = 0; i < 3; i++) ups.push(await startMockUpstream({ record: false }));
  key = (await h.addKey()).key;
});

afterAll(async () => {
  await h?.close();
  for (const up of ups) await up.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function createGroup(upstreams: readonly MockUpstream[]): Promise<{ slug: string; ids: string[] }> {
  const group = await h.addGroup({ maxAttempts: 1 });
  const ids: string[] = [];
  for (const [index, up] of upstreams.entries()) {
    const provider = await h.addProvider({ name: `${group.slug}-${index}`, baseUrl: up.url });
    ids.push(provider.id);
    await h.addMember(group.id, provider.id);
  }
  await h.reload();
  return { slug: group.slug, ids };
}

const BODY = { model: "m", messages: [{ role: "user", content: "hi" }] };

/** Sends `total` requests from `workers` concurrent loops (each pausing `pauseMs` between calls). */
async function sendLoad(slug: string, total: number, workers: number, pauseMs = 0): Promise<number[]> {
  const statuses: number[] = [];
  let issued = 0;
  const loop = async () => {
    while (issued < total) {
      issued += 1;
      statuses.push(await postToGateway(h.proxyUrl(slug, "/v1/chat/completions"), key, BODY));
      if (pauseMs > 0) await sleep(pauseMs);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  return statuses;
}

/** Keeps `workers` loops sending until stop() is called; resolves the statuses. */
function startLoad(slug: string, workers: number, pauseMs: number) {
  let running = true;
  const statuses: number[] = [];
  const loop = async () => {
    while (running) {
      statuses.push(await postToGateway(h.proxyUrl(slug, "/v1/chat/completions"), key, BODY));
      await sleep(pauseMs);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, loop));
  return {
    async stop(): Promise<number[]> {
      running = false;
      await done;
      return statuses;
    },
  };
}

async function storedTransitions(ids: readonly string[]) {
  // The recorder writes fire-and-forget: give the last inserts a moment to land.
  await sleep(100);
  return h.db
    .select()
    .from(healthEvents)
    .where(inArray(healthEvents.providerId, [...ids]))
    .orderBy(healthEvents.id);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
  return Date.now() - started;
}

describe("steady load to healthy providers", () => {
  it("stores zero transitions for one provider over 2000 requests", async () => {
    const { slug, ids } = await createGroup([ups[0]!]);
    const statuses = await sendLoad(slug, 2_000, 8);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(h.health!.snapshot(ids)[0]).toMatchObject({ state: "healthy", volume: expect.any(Number) });
    expect(seen.filter((e) => ids.includes(e.providerId))).toEqual([]);
    expect(await storedTransitions(ids)).toEqual([]);
  }, 300_000);

  it("stores zero transitions for a group of three over 2000 requests", async () => {
    const { slug, ids } = await createGroup(ups);
    const statuses = await sendLoad(slug, 2_000, 8);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(h.health!.snapshot(ids).map((s) => s.state)).toEqual(["healthy", "healthy", "healthy"]);
    expect(seen.filter((e) => ids.includes(e.providerId))).toEqual([]);
    expect(await storedTransitions(ids)).toEqual([]);
  }, 300_000);
});

describe("a provider that turns slow, then fast again", () => {
  it("is reported degraded by latency once within seconds, and healthy once after the exit dwell", async () => {
    const { slug, ids } = await createGroup(ups);
    const slowId = ids[2]!;
    const policy = h.health!.registry.policy;
    const load = startLoad(slug, 6, 10);
    try {
      await sleep(500);
      await ups[2]!.setBehaviour({ delayMs: 600 });
      const enteredAfter = await waitFor(
        () => seen.some((e) => e.providerId === slowId && e.to === "degraded"),
        policy.degradedEnterMs + 8_000,
      );
      expect(enteredAfter).toBeGreaterThanOrEqual(policy.degradedEnterMs);
      expect(seen.filter((e) => ids.includes(e.providerId))).toMatchObject([
        { providerId: slowId, from: "healthy", to: "degraded", reason: "latency" },
      ]);

      await ups[2]!.setBehaviour({});
      const fastSince = Date.now();
      await waitFor(
        () => seen.some((e) => e.providerId === slowId && e.to === "healthy"),
        policy.degradedExitMs + 8_000,
      );
      expect(Date.now() - fastSince).toBeGreaterThanOrEqual(policy.degradedExitMs);
      // A little more traffic after the recovery: nothing else moves.
      await sleep(1_000);
    } finally {
      const statuses = await load.stop();
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    }
    expect(seen.filter((e) => ids.includes(e.providerId))).toMatchObject([
      { providerId: slowId, from: "healthy", to: "degraded", reason: "latency" },
      { providerId: slowId, from: "degraded", to: "healthy", reason: "recovered" },
    ]);
    const stored = await storedTransitions(ids);
    expect(stored.map((row) => [row.providerId, row.fromState, row.toState, row.reason])).toEqual([
      [slowId, "healthy", "degraded", "latency"],
      [slowId, "degraded", "healthy", "recovered"],
    ]);
    const fast = await h.db.select().from(healthEvents).where(eq(healthEvents.providerId, ids[0]!));
    expect(fast).toEqual([]);
  }, 300_000);
});
