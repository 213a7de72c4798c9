import { describe, expect, it } from "vitest";
import { createRegistryHarness, T0 } from "@/testing/health-test-support";

const GROUP = ["a", "b", "c", "d"];

describe("consecutive-failure ejection", () => {
  it("ejects on the 5th consecutive failure for the base ejection time", () => {
    const h = createRegistryHarness();
    h.fail("a", 4);
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy" });

    h.fail("a");
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "unhealthy",
      reason: "consecutive_failures",
    });
    expect(h.member(GROUP, "a")).toMatchObject({ available: false, state: "ejected", weightFactor: 0 });
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "ejected",
      reason: "consecutive_failures",
      ejectedUntil: T0 + 30_000,
      ejections: 1,
      ejectionLevel: 1,
      consecutiveFailures: 0,
    });
    expect(h.events).toEqual([
      { providerId: "a", from: "healthy", to: "unhealthy", reason: "consecutive_failures", at: T0 },
      { providerId: "a", from: "unhealthy", to: "ejected", reason: "consecutive_failures", at: T0 },
    ]);
  });

  it("a success in between resets the run", () => {
    const h = createRegistryHarness();
    h.fail("a", 4);
    h.succeed("a");
    h.fail("a", 4);
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy" });
    expect(h.registry.snapshot(["a"])[0]?.consecutiveFailures).toBe(4);
  });
});

describe("failure-rate ejection", () => {
  /** Alternates failure/success, starting with a failure, so no run reaches 5. */
  const alternate = (h: ReturnType<typeof createRegistryHarness>, id: string, count: number) => {
    for (let i = 0; i < count; i++) {
      if (i % 2 === 0) h.fail(id);
      else h.succeed(id);
    }
  };

  it("ejects at 50% failures once the window holds the minimum volume", () => {
    const h = createRegistryHarness();
    alternate(h, "a", 19);
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy" });
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ volume: 19, consecutiveFailures: 1 });
    h.succeed("a");
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ volume: 20, successRate: 0.5 });
    expect(h.member(GROUP, "a")).toMatchObject({
      available: false,
      state: "ejected",
      reason: "failure_rate",
    });
  });

  it("never ejects below the minimum volume, even at 50% failures, as the window slides", () => {
    const h = createRegistryHarness();
    for (let round = 0; round < 5; round++) {
      alternate(h, "a", 18);
      expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy" });
      h.advance(30_000);
    }
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ volume: 0, ejections: 0 });
  });

  it("does not eject below the threshold: 9 of 20 failing is only degraded", () => {
    const h = createRegistryHarness();
    h.succeed("a", 2);
    alternate(h, "a", 18);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ volume: 20, successRate: 0.55 });
    // Degraded once the low rate has lasted the enter dwell (health-registry-degraded.test.ts).
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy" });
    h.advance(h.registry.policy.degradedEnterMs);
    expect(h.member(GROUP, "a")).toMatchObject({
      available: true,
      state: "degraded",
      reason: "success_rate",
    });
  });

  it("failures older than the window stop counting", () => {
    const h = createRegistryHarness();
    h.fail("a", 4);
    h.succeed("a", 1);
    h.fail("a", 4);
    h.succeed("a", 1);
    h.advance(30_000);
    h.fail("a", 4);
    h.succeed("a", 6);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ volume: 10, successRate: 0.6, state: "healthy" });
  });
});

describe("ejection backoff", () => {
  it("grows 30 s, 60 s, 90 s … and caps at 5 min across failed trials", () => {
    const h = createRegistryHarness();
    h.fail("a", 5);
    h.registry.evaluateGroup(GROUP);
    const lengths: number[] = [];
    for (let i = 0; i < 12; i++) {
      const snap = h.registry.snapshot(["a"])[0];
      const until = snap?.ejectedUntil ?? 0;
      lengths.push(until - h.now());
      h.advance(until - h.now());
      expect(h.registry.tryBeginTrial("a")).toBe(true);
      h.fail("a");
    }
    expect(lengths.map((ms) => ms / 1000)).toEqual([30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300]);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      reason: "trial_failed",
      ejectionLevel: 10,
      ejections: 13,
    });
  });

  it("decays by one level per minute back in service", () => {
    const h = createRegistryHarness();
    h.fail("a", 5);
    h.registry.evaluateGroup(GROUP);
    for (let i = 0; i < 3; i++) {
      h.advance((h.registry.snapshot(["a"])[0]?.ejectedUntil ?? 0) - h.now());
      expect(h.registry.tryBeginTrial("a")).toBe(true);
      if (i < 2) h.fail("a");
      else h.succeed("a");
    }
    // Back in service after three ejections (30 s, 60 s, 90 s).
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ state: "healthy", ejectionLevel: 3 });
    h.advance(59_999);
    expect(h.registry.snapshot(["a"])[0]?.ejectionLevel).toBe(3);
    h.advance(1);
    expect(h.registry.snapshot(["a"])[0]?.ejectionLevel).toBe(2);
    h.advance(60_000);
    expect(h.registry.snapshot(["a"])[0]?.ejectionLevel).toBe(1);

    // The next ejection is the second step (60 s), not the fourth.
    h.fail("a", 5);
    h.registry.evaluateGroup(GROUP);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ ejectionLevel: 2, ejectedUntil: h.now() + 60_000 });

    // Fully decayed: back to the base time.
    h.advance(60_000);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.succeed("a");
    h.advance(120_000);
    expect(h.registry.snapshot(["a"])[0]?.ejectionLevel).toBe(0);
    h.fail("a", 5);
    h.registry.evaluateGroup(GROUP);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ ejectionLevel: 1, ejectedUntil: h.now() + 30_000 });
  });
});

describe("half-open trial", () => {
  const ejectA = () => {
    const h = createRegistryHarness();
    h.fail("a", 5);
    h.registry.evaluateGroup(GROUP);
    return h;
  };

  it("offers exactly one trial once the ejection ends, and nothing else while it runs", () => {
    const h = ejectA();
    h.advance(29_999);
    expect(h.member(GROUP, "a")).toMatchObject({ available: false, trial: false });
    expect(h.registry.tryBeginTrial("a")).toBe(false);

    h.advance(1);
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, trial: true, weightFactor: 0.1 });
    expect(h.registry.effectiveWeight("a", 10)).toBeCloseTo(1, 10);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    expect(h.registry.tryBeginTrial("a")).toBe(false);
    expect(h.registry.isAvailable("a", GROUP)).toBe(false);
    expect(h.registry.effectiveWeight("a", 10)).toBe(0);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ state: "ejected", trialInFlight: true });
  });

  it("trial success returns the provider with a linear slow-start ramp", () => {
    const h = ejectA();
    h.advance(30_000);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.succeed("a", 1, 250);
    expect(h.events.at(-1)).toEqual({
      providerId: "a",
      from: "ejected",
      to: "healthy",
      reason: "trial_succeeded",
      at: T0 + 30_000,
    });
    const ramp: number[] = [];
    for (const step of [0, 7_500, 7_500, 7_500, 7_500, 10_000]) {
      h.advance(step);
      ramp.push(h.registry.effectiveWeight("a", 10));
    }
    const expected = [1, 3.25, 5.5, 7.75, 10, 10];
    ramp.forEach((weight, i) => expect(weight).toBeCloseTo(expected[i] as number, 10));
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ state: "healthy", latencyEwmaMs: 250 });
  });

  it("trial failure ejects again for longer", () => {
    const h = ejectA();
    h.advance(30_000);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.fail("a", 1, 502);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "ejected",
      reason: "trial_failed",
      ejectedUntil: h.now() + 60_000,
      trialInFlight: false,
      lastError: { status: 502, code: null, at: h.now() },
    });
    expect(h.member(GROUP, "a").available).toBe(false);
  });

  it("a neutral outcome (client abort) frees the trial slot without deciding", () => {
    const h = ejectA();
    h.advance(30_000);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.registry.record("a", { health: "neutral", code: "CLIENT_CLOSED" });
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ state: "ejected", trialInFlight: false });
    expect(h.registry.tryBeginTrial("a")).toBe(true);
  });

  it("a trial that never reports is presumed lost after the trial timeout", () => {
    const h = ejectA();
    h.advance(30_000);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.advance(59_999);
    expect(h.registry.tryBeginTrial("a")).toBe(false);
    h.advance(1);
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, trial: true });
    expect(h.registry.tryBeginTrial("a")).toBe(true);
  });

  it("late outcomes during the ejection neither end it nor lengthen it", () => {
    const h = ejectA();
    h.advance(1_000);
    h.succeed("a", 3);
    h.fail("a", 10, 500);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "ejected",
      ejectedUntil: T0 + 30_000,
      ejections: 1,
      lastFailureAt: T0 + 1_000,
    });
  });
});

describe("neutral outcomes", () => {
  it("a storm of 400s and aborts never counts or ejects", () => {
    const h = createRegistryHarness();
    for (let i = 0; i < 1000; i++) {
      h.registry.record("a", { health: "neutral", status: i % 2 === 0 ? 400 : 499 });
    }
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy", weightFactor: 1 });
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      volume: 0,
      successRate: null,
      consecutiveFailures: 0,
      lastError: null,
    });
    expect(h.events).toEqual([]);
  });

  it("does not break a run of failures either", () => {
    const h = createRegistryHarness();
    h.fail("a", 2);
    h.registry.record("a", { health: "neutral", status: 429, code: "RATE_LIMITED" });
    h.fail("a", 3);
    expect(h.member(GROUP, "a")).toMatchObject({ state: "ejected", reason: "consecutive_failures" });
  });
});
