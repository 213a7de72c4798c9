import { describe, expect, it } from "vitest";
import { isAppError } from "../errors/catalogue";
import { createRegistryHarness, T0 } from "@/testing/health-test-support";

const GROUP = ["a", "b", "c", "d"];

describe("maximum ejection share", () => {
  it("with 3 of 4 failing and a 50% cap, only 2 are ejected; the third stays unhealthy but available", () => {
    const h = createRegistryHarness();
    h.fail("a", 5);
    h.fail("b", 5);
    h.fail("c", 5);
    const view = h.registry.evaluateGroup(GROUP);
    expect(view.members.map((m) => [m.id, m.state, m.available])).toEqual([
      ["a", "ejected", false],
      ["b", "ejected", false],
      ["c", "unhealthy", true],
      ["d", "healthy", true],
    ]);
    expect(view.panic).toBe(false);
    expect(h.registry.snapshot(["c"])[0]).toMatchObject({ reason: "consecutive_failures", ejections: 0 });

    // Once a slot frees up, the provider still over its threshold is ejected.
    h.advance(30_000);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.succeed("a");
    expect(h.member(GROUP, "c")).toMatchObject({ state: "ejected", available: false });
    expect(h.registry.snapshot(["c"])[0]?.ejectedUntil).toBe(T0 + 60_000);
  });

  it("a group of one is never ejected with the default cap", () => {
    const h = createRegistryHarness();
    h.fail("solo", 50);
    expect(h.member(["solo"], "solo")).toMatchObject({ available: true, state: "unhealthy" });
  });
});

describe("panic mode", () => {
  it("when every member is out, the one whose last failure is oldest is tried", () => {
    const h = createRegistryHarness({ maxEjectionShare: 1 });
    h.fail("b", 5);
    h.advance(1_000);
    h.fail("a", 5);
    h.advance(1_000);
    h.fail("c", 5);
    const view = h.registry.evaluateGroup(["a", "b", "c"]);
    expect(view.panic).toBe(true);
    expect(view.members.map((m) => [m.id, m.available, m.panic])).toEqual([
      ["a", false, false],
      ["b", true, true],
      ["c", false, false],
    ]);
    expect(h.registry.isAvailable("b", ["a", "b", "c"])).toBe(true);

    // The panic attempt fails: its failure is now the newest, so the next pick moves on.
    h.advance(1_000);
    h.fail("b");
    expect(h.member(["a", "b", "c"], "a")).toMatchObject({ available: true, panic: true, state: "ejected" });
    // Ejections start when the group evaluation applies them (T0 + 2 s), not at the failure; late
    // failures do not lengthen them.
    expect(h.registry.snapshot(["b"])[0]?.ejectedUntil).toBe(T0 + 32_000);
  });

  it("never picks a provider whose credential was rejected or that an operator ejected", () => {
    const h = createRegistryHarness({ maxEjectionShare: 1 });
    h.registry.record("a", { health: "auth_failure", status: 401 });
    h.registry.eject("b");
    const view = h.registry.evaluateGroup(["a", "b"]);
    expect(view.panic).toBe(false);
    expect(view.members.every((m) => !m.available)).toBe(true);
  });
});

describe("auth failures", () => {
  it("mark the provider unhealthy/auth and allow one trial per cooldown, never more", () => {
    const h = createRegistryHarness();
    h.registry.record("a", { health: "auth_failure", status: 401 });
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "unhealthy",
      reason: "auth",
      ejectedUntil: T0 + 60_000,
      lastError: { status: 401, code: null, at: T0 },
    });
    expect(h.events).toEqual([{ providerId: "a", from: "healthy", to: "unhealthy", reason: "auth", at: T0 }]);

    h.advance(59_999);
    expect(h.member(GROUP, "a").available).toBe(false);
    expect(h.registry.tryBeginTrial("a")).toBe(false);

    h.advance(1);
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, trial: true });
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    expect(h.registry.tryBeginTrial("a")).toBe(false);
    h.registry.record("a", { health: "auth_failure", status: 403 });
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ reason: "auth", ejectedUntil: h.now() + 60_000 });
    expect(h.registry.tryBeginTrial("a")).toBe(false);

    h.advance(60_000);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    h.succeed("a");
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "healthy",
      reason: null,
      weightFactor: 0.1,
    });
  });

  it("are not capped by the ejection share: a rejected key is never used", () => {
    const h = createRegistryHarness();
    h.registry.record("a", { health: "auth_failure", status: 401 });
    h.registry.record("b", { health: "auth_failure", status: 401 });
    const view = h.registry.evaluateGroup(["a", "b"]);
    expect(view.members.map((m) => [m.state, m.reason, m.available])).toEqual([
      ["unhealthy", "auth", false],
      ["unhealthy", "auth", false],
    ]);
  });

  it("a late 401 turns an ejection into an auth block; restore (e.g. new key) ends it at once", () => {
    const h = createRegistryHarness();
    h.fail("a", 5);
    h.registry.evaluateGroup(GROUP);
    h.advance(10_000);
    h.registry.record("a", { health: "auth_failure", status: 401 });
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ reason: "auth", ejectedUntil: h.now() + 60_000 });
    h.registry.restore("a");
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy", weightFactor: 0.1 });
    expect(h.events.at(-1)).toMatchObject({ from: "unhealthy", to: "healthy", reason: "restored" });
  });
});

describe("manual eject and restore", () => {
  it("an indefinite ejection lasts until restored and offers no trial", () => {
    const h = createRegistryHarness();
    h.registry.eject("a");
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "ejected",
      reason: "manual",
      ejectedUntil: null,
      ejections: 1,
    });
    h.advance(3_600_000);
    expect(h.member(GROUP, "a").available).toBe(false);
    expect(h.registry.tryBeginTrial("a")).toBe(false);
    h.registry.record("a", { health: "auth_failure", status: 401 });
    expect(h.registry.snapshot(["a"])[0]?.reason).toBe("manual");

    h.registry.restore("a");
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, state: "healthy", weightFactor: 0.1 });
    expect(h.events.map((e) => [e.from, e.to, e.reason])).toEqual([
      ["healthy", "ejected", "manual"],
      ["ejected", "healthy", "restored"],
    ]);
  });

  it("an ejection with an end is followed by a trial, and ignores the share cap", () => {
    const h = createRegistryHarness();
    h.registry.eject("a", T0 + 5_000);
    h.registry.eject("b", T0 + 5_000);
    h.registry.eject("c", T0 + 5_000);
    expect(
      h.registry
        .evaluateGroup(GROUP)
        .members.filter((m) => m.available)
        .map((m) => m.id),
    ).toEqual(["d"]);
    h.advance(5_000);
    expect(h.member(GROUP, "a")).toMatchObject({ available: true, trial: true });
  });

  it("rejects an end that is not in the future", () => {
    const h = createRegistryHarness();
    let caught: unknown;
    try {
      h.registry.eject("a", T0);
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && caught.code).toBe("VALIDATION_FAILED");
  });

  it("restoring an in-service provider clears its counters", () => {
    const h = createRegistryHarness();
    h.fail("a", 5);
    h.registry.restore("a");
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({
      state: "healthy",
      consecutiveFailures: 0,
      volume: 0,
    });
    expect(h.registry.effectiveWeight("a", 4)).toBe(4);
  });
});

describe("snapshot and listeners", () => {
  it("reports every field", () => {
    const h = createRegistryHarness();
    h.succeed("a", 3, 100);
    h.advance(500);
    h.registry.record("a", { health: "failure", code: "UPSTREAM_TIMEOUT" });
    expect(h.registry.snapshot()).toEqual([
      {
        providerId: "a",
        state: "healthy",
        reason: null,
        ejectedUntil: null,
        consecutiveFailures: 1,
        successRate: 0.75,
        volume: 4,
        latencyEwmaMs: 100,
        lastError: { status: null, code: "UPSTREAM_TIMEOUT", at: T0 + 500 },
        lastFailureAt: T0 + 500,
        ejections: 0,
        ejectionLevel: 0,
        weightFactor: 1,
        trialInFlight: false,
      },
    ]);
    expect(h.registry.snapshot(["never-seen"])[0]).toMatchObject({ state: "healthy", volume: 0 });
  });

  it("notices time-driven recoveries lazily, and stops after unsubscribe / forget", () => {
    const h = createRegistryHarness();
    const seen: string[] = [];
    const unsubscribe = h.registry.onTransition((e) => seen.push(`${e.from}>${e.to}`));
    for (let i = 0; i < 10; i++) {
      h.succeed("a");
      h.fail("a");
    }
    expect(seen).toEqual(["healthy>unhealthy"]);
    h.advance(29_999);
    h.registry.snapshot();
    expect(seen).toHaveLength(1);
    h.advance(1);
    h.registry.snapshot();
    expect(seen).toEqual(["healthy>unhealthy", "unhealthy>healthy"]);
    expect(h.events.at(-1)).toMatchObject({ reason: "recovered", at: T0 + 30_000 });
    unsubscribe();
    h.fail("a", 5);
    expect(seen).toHaveLength(2);
    h.registry.forget("a");
    expect(h.registry.snapshot()).toEqual([]);
  });
});
