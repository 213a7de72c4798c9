import { describe, expect, it } from "vitest";
import { applyCheckOutcome, applyHealthOp, changesAvailability, type HealthOp } from "./health-ops";
import { createRegistryHarness, T0 } from "@/testing/health-test-support";
import { DEFAULT_HEALTH_POLICY as POLICY } from "./policy";
import {
  beginTrial,
  createHealthState,
  ejectManually,
  ejectProvider,
  recordOutcome,
  type ProviderHealthState,
} from "./provider-health";

const FAIL = { health: "failure", status: 503 } as const;
const PASS = { health: "success", status: 200, latencyMs: 12 } as const;
const AUTH = { health: "auth_failure", status: 401 } as const;

const failed = (n: number, at = T0): ProviderHealthState => {
  let state = createHealthState();
  for (let i = 0; i < n; i++) state = recordOutcome(state, FAIL, at, POLICY);
  return state;
};
const ejected = () => ejectProvider(createHealthState(), T0, POLICY, "consecutive_failures");
const due = T0 + POLICY.baseEjectionMs;

describe("active check outcomes", () => {
  it("a pass never clears failures of a provider in service", () => {
    const state = failed(4);
    expect(applyCheckOutcome(state, PASS, T0 + 1, POLICY)).toBe(state);
  });

  it("a pass never shortens an ejection", () => {
    const state = ejected();
    expect(applyCheckOutcome(state, PASS, due - 1, POLICY)).toBe(state);
  });

  it("a pass stands in for a due trial: back in service, slow start from now", () => {
    const back = applyCheckOutcome(ejected(), PASS, due, POLICY);
    expect(back).toMatchObject({ mode: "active", outReason: null, returnedAt: due, trialStartedAt: null });
    expect(back.latencyEwmaMs).toBe(12);
  });

  it("a pass leaves a trial already in flight to decide", () => {
    const trialling = beginTrial(ejected(), due, POLICY)!;
    expect(applyCheckOutcome(trialling, PASS, due + 5, POLICY)).toBe(trialling);
  });

  it("a pass never lifts an auth block, even when its trial is due (only real traffic does)", () => {
    const blocked = recordOutcome(createHealthState(), AUTH, T0, POLICY);
    expect(blocked).toMatchObject({ mode: "out", outReason: "auth" });
    const at = T0 + POLICY.authCooldownMs;
    expect(applyCheckOutcome(blocked, PASS, at, POLICY)).toBe(blocked);
    expect(recordOutcome(blocked, PASS, at, POLICY)).toMatchObject({ mode: "active" });
  });

  it("a pass never ends a manual ejection without an end", () => {
    const manual = ejectManually(createHealthState(), null);
    expect(applyCheckOutcome(manual, PASS, T0 + 10 * POLICY.maxEjectionMs, POLICY)).toBe(manual);
  });

  it("a failure counts like a failed attempt: in service, and as a failed due trial", () => {
    expect(applyCheckOutcome(failed(2), FAIL, T0, POLICY).consecutiveFailures).toBe(3);
    const again = applyCheckOutcome(ejected(), FAIL, due, POLICY);
    expect(again).toMatchObject({ mode: "out", outReason: "trial_failed", ejectionLevel: 2 });
    expect(again.outUntil).toBe(due + 2 * POLICY.baseEjectionMs);
  });

  it("an auth rejection takes a provider in service out; a neutral result changes nothing", () => {
    expect(applyCheckOutcome(createHealthState(), AUTH, T0, POLICY)).toMatchObject({ outReason: "auth" });
    const state = failed(1);
    expect(applyCheckOutcome(state, { health: "neutral", status: 404 }, T0, POLICY)).toBe(state);
  });
});

describe("applyHealthOp", () => {
  it("an automatic ejection applies only to a provider still in service", () => {
    const op: HealthOp = { kind: "eject", at: T0, trigger: "failure_rate" };
    const out = applyHealthOp(failed(1), op, POLICY);
    expect(out).toMatchObject({ mode: "out", outReason: "failure_rate", ejections: 1 });
    expect(applyHealthOp(out, { ...op, trigger: "consecutive_failures" }, POLICY)).toBe(out);
  });

  it("the trial is granted once; a second claim is a no-op", () => {
    const op: HealthOp = { kind: "trial", at: due };
    const claimed = applyHealthOp(ejected(), op, POLICY);
    expect(claimed.trialStartedAt).toBe(due);
    expect(applyHealthOp(claimed, { kind: "trial", at: due + 1 }, POLICY)).toBe(claimed);
    expect(applyHealthOp(ejected(), { kind: "trial", at: due - 1 }, POLICY).trialStartedAt).toBeNull();
  });

  it("outcomes replayed from two instances add up in one state", () => {
    const fromA: HealthOp[] = [1, 2].map((i) => ({ kind: "outcome", at: T0 + i, outcome: FAIL }));
    const fromB: HealthOp[] = [3, 4, 5].map((i) => ({ kind: "outcome", at: T0 + i, outcome: FAIL }));
    let shared = createHealthState();
    for (const op of [...fromA, ...fromB]) shared = applyHealthOp(shared, op, POLICY);
    expect(shared.consecutiveFailures).toBe(5);
    expect(shared.window.reduce((n, b) => n + b.failures, 0)).toBe(5);
  });

  it("manual eject and restore", () => {
    const out = applyHealthOp(
      createHealthState(),
      { kind: "manual_eject", at: T0, until: T0 + 5_000 },
      POLICY,
    );
    expect(out).toMatchObject({ mode: "out", outReason: "manual", outUntil: T0 + 5_000 });
    expect(applyHealthOp(out, { kind: "restore", at: T0 + 10 }, POLICY)).toMatchObject({
      mode: "active",
      returnedAt: T0 + 10,
    });
  });

  it("changesAvailability ignores counters, sees mode, ends, trials and returns", () => {
    expect(changesAvailability(failed(1), failed(3))).toBe(false);
    expect(changesAvailability(createHealthState(), ejected())).toBe(true);
    expect(changesAvailability(ejected(), beginTrial(ejected(), due, POLICY)!)).toBe(true);
  });
});

describe("registry: version, raw state and checks", () => {
  it("the availability version moves on ejections, trials and threshold crossings, not on successes", () => {
    const h = createRegistryHarness({ consecutiveFailures: 3 });
    const group = ["a", "b", "c"];
    h.registry.evaluateGroup(group);
    const v0 = h.registry.version();
    h.succeed("a", 50);
    h.fail("a", 2);
    expect(h.registry.version()).toBe(v0);
    h.fail("a");
    const v1 = h.registry.version();
    expect(v1).toBeGreaterThan(v0);
    const view = h.registry.evaluateGroup(group);
    expect(view.ejected).toEqual([{ id: "a", trigger: "consecutive_failures" }]);
    expect(h.registry.version()).toBeGreaterThan(v1);
    const v2 = h.registry.version();
    h.registry.evaluateGroup(group);
    expect(h.registry.version()).toBe(v2);
    h.advance(POLICY.baseEjectionMs);
    expect(h.registry.tryBeginTrial("a")).toBe(true);
    expect(h.registry.version()).toBeGreaterThan(v2);
  });

  it("writeState replaces a provider's state and reports the transition", () => {
    const h = createRegistryHarness();
    h.registry.writeState("a", ejected());
    expect(h.registry.readState("a")).toMatchObject({ mode: "out", outReason: "consecutive_failures" });
    expect(h.events.at(-1)).toMatchObject({ providerId: "a", from: "healthy", to: "ejected" });
    h.registry.writeState("a", createHealthState());
    expect(h.events.at(-1)).toMatchObject({ from: "ejected", to: "healthy", reason: "trial_succeeded" });
  });

  it("recordCheck: a passing check ends a due ejection and is reported as a successful trial", () => {
    const h = createRegistryHarness();
    h.fail("a", 5);
    h.registry.evaluateGroup(["a", "b"]);
    h.registry.recordCheck("a", PASS);
    expect(h.registry.snapshot(["a"])[0]?.state).toBe("ejected");
    h.advance(POLICY.baseEjectionMs);
    h.registry.recordCheck("a", PASS);
    expect(h.registry.snapshot(["a"])[0]).toMatchObject({ state: "healthy", weightFactor: 0.1 });
    expect(h.events.at(-1)).toMatchObject({ to: "healthy", reason: "trial_succeeded" });
  });
});
