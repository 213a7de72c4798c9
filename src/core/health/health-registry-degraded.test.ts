import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../random/seeded";
import type { HealthTransition } from "./health-registry";
import { createRegistryHarness, type RegistryHarness } from "@/testing/health-test-support";
import type { HealthPolicyOverrides } from "./policy";
import type { ProviderHealthState } from "./provider-health";

/**
 * `degraded` on a fake clock, through the registry as the gateway drives it: attempts recorded as they
 * resolve, the group evaluated (and its reference noted) at least once a second by the cached view.
 */

const GROUP = ["a", "b", "c"];

/** The rule before issue 12: no floor, no hysteresis, no dwell. */
const FLAPPY: HealthPolicyOverrides = {
  degradedLatencyFloorMs: 0,
  degradedLatencyExitFactor: 3,
  degradedSuccessRateExit: 0.9,
  degradedEnterMs: 0,
  degradedExitMs: 0,
};

/**
 * Drives `ms` of traffic: every `stepMs` each provider in `ids` gets one attempt, a success with
 * `latency(id)` ms unless `fails(id)`; the group is evaluated every second.
 */
function drive(
  h: RegistryHarness,
  ids: readonly string[],
  ms: number,
  stepMs: number,
  latency: (id: string) => number,
  fails: (id: string) => boolean = () => false,
): void {
  const end = h.now() + ms;
  let nextEvaluation = h.now();
  while (h.now() < end) {
    if (h.now() >= nextEvaluation) {
      h.registry.evaluateGroup(ids);
      nextEvaluation += 1_000;
    }
    for (const id of ids) {
      if (fails(id)) h.fail(id);
      else h.succeed(id, 1, latency(id));
    }
    h.advance(stepMs);
  }
}

const eventsOf = (h: RegistryHarness, id: string): HealthTransition[] =>
  h.events.filter((event) => event.providerId === id);

/** Loopback latencies: 0.05–0.95 ms, with a 15 ms pause (GC, scheduling) one attempt in a hundred. */
function subMillisecond(seed: number): () => number {
  const random = createSeededRandom(seed);
  return () => (random() < 0.01 ? 15 : 0.05 + random() * 0.9);
}

describe("steady sub-millisecond latencies", () => {
  it("make zero transitions, for one provider and for a group of three", () => {
    const h = createRegistryHarness();
    const next = subMillisecond(1);
    drive(h, ["solo"], 60_000, 10, next);
    drive(h, GROUP, 60_000, 10, next);
    expect(h.events).toEqual([]);
    expect(h.registry.snapshot(["solo", ...GROUP]).map((s) => s.state)).toEqual(Array(4).fill("healthy"));
  });

  it("flip constantly under the rule without floor, hysteresis or dwell (the traffic above is no easy case)", () => {
    const h = createRegistryHarness(FLAPPY);
    drive(h, GROUP, 60_000, 10, subMillisecond(1));
    expect(h.events.length).toBeGreaterThan(20);
  });
});

describe("a provider whose latency jumps from 50 ms to 2 s", () => {
  it("is reported degraded within seconds, and healthy only after being fast for the exit dwell", () => {
    const h = createRegistryHarness();
    const { degradedEnterMs, degradedExitMs } = h.registry.policy;
    const random = createSeededRandom(2);
    const around = (ms: number) => ms * (0.9 + random() * 0.2);
    let slow = false;
    const latency = (id: string) => around(id === "c" && slow ? 2_000 : 50);
    drive(h, GROUP, 20_000, 200, latency);
    expect(h.events).toEqual([]);

    slow = true;
    const slowSince = h.now();
    drive(h, GROUP, 8_000, 200, latency);
    const entered = eventsOf(h, "c");
    expect(entered).toMatchObject([{ from: "healthy", to: "degraded", reason: "latency" }]);
    expect(entered[0]!.at - slowSince).toBeGreaterThanOrEqual(degradedEnterMs);
    expect(entered[0]!.at - slowSince).toBeLessThanOrEqual(degradedEnterMs + 1_000);
    expect(h.registry.snapshot(["c"])[0]).toMatchObject({ state: "degraded", reason: "latency" });

    slow = false;
    const fastSince = h.now();
    drive(h, GROUP, degradedExitMs, 200, latency);
    expect(eventsOf(h, "c")).toHaveLength(1);
    drive(h, GROUP, 20_000, 200, latency);
    const all = eventsOf(h, "c");
    expect(all).toMatchObject([
      { from: "healthy", to: "degraded", reason: "latency" },
      { from: "degraded", to: "healthy", reason: "recovered" },
    ]);
    // The EWMA needs a dozen fast answers to fall under the exit line, then the dwell runs.
    expect(all[1]!.at - fastSince).toBeGreaterThanOrEqual(degradedExitMs);
    expect(all[1]!.at - fastSince).toBeLessThanOrEqual(degradedExitMs + 4_000);
    expect(h.events).toHaveLength(2);
  });

  it("is degraded in a group of two (judged against its peer), never alone (no peer to compare with)", () => {
    const h = createRegistryHarness();
    drive(h, ["x", "y"], 10_000, 200, (id) => (id === "y" ? 2_000 : 50));
    expect(eventsOf(h, "y")).toMatchObject([{ to: "degraded", reason: "latency" }]);
    drive(h, ["solo"], 10_000, 200, () => 10_000);
    expect(eventsOf(h, "solo")).toEqual([]);
  });
});

describe("jitter around a threshold", () => {
  it("around the enter line reports degraded once and stays; around the exit line it stays degraded", () => {
    const h = createRegistryHarness();
    let flip = false;
    let high = 400;
    let low = 200;
    // Peers at 100 ms: enter line 300 ms, exit line 200 ms. Alternating 400/200 ms answers keep C's
    // EWMA crossing 300 ms on every attempt (≈ 289 / 311 ms).
    const latency = (id: string) => {
      if (id !== "c") return 100;
      flip = !flip;
      return flip ? high : low;
    };
    drive(h, GROUP, 120_000, 100, latency);
    expect(h.events).toMatchObject([{ providerId: "c", to: "degraded", reason: "latency" }]);
    // 260/140 ms answers keep the EWMA crossing the 200 ms exit line (≈ 189 / 211 ms).
    high = 260;
    low = 140;
    drive(h, GROUP, 120_000, 100, latency);
    expect(h.events).toHaveLength(1);
    expect(h.registry.snapshot(["c"])[0]?.state).toBe("degraded");
  });

  it("flips on almost every attempt under the rule without hysteresis or dwell", () => {
    const h = createRegistryHarness(FLAPPY);
    let flip = false;
    const latency = (id: string) => {
      if (id !== "c") return 100;
      flip = !flip;
      return flip ? 400 : 200;
    };
    drive(h, GROUP, 10_000, 100, latency);
    expect(h.events.length).toBeGreaterThan(50);
  });

  it("of the success rate around 90 % reports degraded once, and recovers once the failures stop", () => {
    const h = createRegistryHarness();
    const random = createSeededRandom(3);
    let failureShare = 0.1;
    drive(
      h,
      ["p", "q"],
      120_000,
      50,
      () => 100,
      (id) => id === "p" && random() < failureShare,
    );
    expect(h.events).toMatchObject([{ providerId: "p", to: "degraded", reason: "success_rate" }]);
    failureShare = 0;
    drive(
      h,
      ["p", "q"],
      60_000,
      50,
      () => 100,
      (id) => id === "p" && random() < failureShare,
    );
    expect(h.events).toMatchObject([
      { providerId: "p", to: "degraded", reason: "success_rate" },
      { providerId: "p", from: "degraded", to: "healthy", reason: "recovered" },
    ]);

    const flappy = createRegistryHarness(FLAPPY);
    const again = createSeededRandom(3);
    drive(
      flappy,
      ["p", "q"],
      120_000,
      50,
      () => 100,
      (id) => id === "p" && again() < 0.1,
    );
    expect(flappy.events.length).toBeGreaterThan(10);
  });
});

describe("the verdict beside the state", () => {
  it("survives the shared state being written back every 200 ms (shared health)", () => {
    const h = createRegistryHarness();
    drive(h, GROUP, 5_000, 200, (id) => (id === "c" ? 2_000 : 50));
    expect(h.events).toHaveLength(1);
    for (let i = 0; i < 150; i++) {
      for (const id of GROUP) {
        const revived = JSON.parse(JSON.stringify(h.registry.readState(id))) as ProviderHealthState;
        h.registry.writeState(id, revived);
      }
      if (i % 5 === 0) h.registry.evaluateGroup(GROUP);
      h.advance(200);
    }
    expect(h.events).toHaveLength(1);
    expect(h.registry.snapshot(["c"])[0]).toMatchObject({ state: "degraded", reason: "latency" });
  });

  it("by success rate ends with an ejection: the provider comes back healthy, not degraded", () => {
    const h = createRegistryHarness();
    const four = ["a", "b", "c", "d"];
    let failing = 0;
    drive(
      h,
      four,
      10_000,
      100,
      () => 100,
      (id) => id === "a" && ++failing % 5 === 0,
    );
    expect(eventsOf(h, "a")).toMatchObject([{ to: "degraded", reason: "success_rate" }]);
    h.fail("a", 5);
    h.registry.evaluateGroup(four);
    h.advance(h.registry.snapshot(["a"])[0]!.ejectedUntil! - h.now());
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.succeed("a", 1, 100);
    expect(eventsOf(h, "a").map((e) => `${e.to}:${e.reason}`)).toEqual([
      "degraded:success_rate",
      "unhealthy:consecutive_failures",
      "ejected:consecutive_failures",
      "healthy:trial_succeeded",
    ]);
  });

  it("by success rate is cleared at once by an operator's restore", () => {
    const h = createRegistryHarness();
    drive(
      h,
      ["p"],
      10_000,
      100,
      () => 100,
      () => h.now() % 500 === 0,
    );
    expect(h.registry.snapshot(["p"])[0]).toMatchObject({ state: "degraded", reason: "success_rate" });
    h.registry.restore("p");
    expect(h.registry.snapshot(["p"])[0]).toMatchObject({ state: "healthy", volume: 0 });
    expect(h.events.map((e) => `${e.to}:${e.reason}`)).toEqual(["degraded:success_rate", "healthy:restored"]);
  });

  it("holds through an idle spell (snapshots only), and lapses once the provider is left without peers", () => {
    const h = createRegistryHarness();
    drive(h, GROUP, 5_000, 200, (id) => (id === "c" ? 2_000 : 50));
    expect(h.events).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      h.advance(15_000);
      h.registry.snapshot();
    }
    expect(h.events).toHaveLength(1);
    // Its peers leave the group: within the reference window plus the exit dwell it is no longer
    // judged slow (there is nobody to be slower than).
    const aloneSince = h.now();
    drive(h, ["c"], 45_000, 200, () => 2_000);
    expect(eventsOf(h, "c").map((e) => `${e.to}:${e.reason}`)).toEqual([
      "degraded:latency",
      "healthy:recovered",
    ]);
    const { degradedExitMs, latencyReferenceWindowMs } = h.registry.policy;
    expect(h.events[1]!.at - aloneSince).toBeGreaterThanOrEqual(degradedExitMs);
    expect(h.events[1]!.at - aloneSince).toBeLessThanOrEqual(latencyReferenceWindowMs + degradedExitMs);
  });

  it("is dropped with the provider by forget", () => {
    const h = createRegistryHarness();
    drive(h, GROUP, 5_000, 200, (id) => (id === "c" ? 2_000 : 50));
    h.registry.forget("c");
    drive(h, ["c"], 5_000, 200, () => 2_000);
    expect(h.registry.snapshot(["c"])[0]).toMatchObject({ state: "healthy" });
  });
});
