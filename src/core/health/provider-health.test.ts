import { describe, expect, it } from "vitest";
import { isAppError } from "../errors/catalogue";
import { DEFAULT_HEALTH_POLICY as POLICY } from "./policy";
import {
  beginTrial,
  computeAvailability,
  computeEjectionLevel,
  computeSlowStartFactor,
  createHealthState,
  describeHealth,
  ejectProvider,
  findEjectionTrigger,
  recordOutcome,
  type AttemptOutcome,
  type ProviderHealthState,
} from "./provider-health";

const T0 = 1_200_000;

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function play(state: ProviderHealthState, outcomes: readonly AttemptOutcome[], now: number) {
  return outcomes.reduce((current, outcome) => recordOutcome(current, outcome, now, POLICY), state);
}

const failure: AttemptOutcome = { health: "failure", status: 500 };
const success: AttemptOutcome = { health: "success", latencyMs: 80 };

describe("provider health transitions", () => {
  it("never mutates its input and returns the same object for a no-op", () => {
    const start = deepFreeze(play(createHealthState(), [success, failure], T0));
    const next = recordOutcome(start, failure, T0 + 1, POLICY);
    expect(next).not.toBe(start);
    expect(start.consecutiveFailures).toBe(1);
    expect(next.consecutiveFailures).toBe(2);
    expect(recordOutcome(start, { health: "neutral" }, T0, POLICY)).toBe(start);
  });

  it("is plain JSON: a state that went through Redis behaves the same", () => {
    const outcomes = [success, failure, failure, failure, failure];
    const live = play(createHealthState(), outcomes, T0);
    const revived = JSON.parse(JSON.stringify(live)) as ProviderHealthState;
    expect(revived).toEqual(live);
    const later = recordOutcome(revived, failure, T0 + 10, POLICY);
    expect(findEjectionTrigger(later, T0 + 10, POLICY)).toBe("consecutive_failures");
    const ejected = ejectProvider(later, T0 + 10, POLICY, "consecutive_failures");
    expect(JSON.parse(JSON.stringify(ejected))).toEqual(ejected);
  });

  it("moves through ejected → trial → slow start with the right availability at each step", () => {
    const failing = play(createHealthState(), Array(5).fill(failure), T0);
    expect(computeAvailability(failing, T0, POLICY)).toEqual({
      available: true,
      trial: false,
      weightFactor: 1,
    });
    const ejected = ejectProvider(failing, T0, POLICY, "consecutive_failures");
    expect(computeAvailability(ejected, T0 + 29_999, POLICY)).toEqual({
      available: false,
      trial: false,
      weightFactor: 0,
    });
    expect(beginTrial(ejected, T0 + 29_999, POLICY)).toBeNull();
    expect(computeAvailability(ejected, T0 + 30_000, POLICY)).toEqual({
      available: true,
      trial: true,
      weightFactor: 0.1,
    });
    const trying = beginTrial(ejected, T0 + 30_000, POLICY);
    expect(trying?.trialStartedAt).toBe(T0 + 30_000);
    if (trying === null) throw new Error("trial expected");
    expect(beginTrial(trying, T0 + 30_001, POLICY)).toBeNull();
    const back = recordOutcome(trying, success, T0 + 31_000, POLICY);
    expect(back).toMatchObject({
      mode: "active",
      returnedAt: T0 + 31_000,
      consecutiveFailures: 0,
      window: [],
    });
    expect(computeSlowStartFactor(back, T0 + 31_000, POLICY)).toBeCloseTo(0.1, 12);
    expect(computeSlowStartFactor(back, T0 + 46_000, POLICY)).toBeCloseTo(0.55, 12);
    expect(computeSlowStartFactor(back, T0 + 61_000, POLICY)).toBe(1);
    expect(computeSlowStartFactor(back, T0 + 1_000, POLICY)).toBeCloseTo(0.1, 12);
  });

  it("an outcome after the ejection ends decides as the trial even if the slot was not claimed", () => {
    const ejected = ejectProvider(createHealthState(), T0, POLICY, "failure_rate");
    const again = recordOutcome(ejected, failure, T0 + 30_000, POLICY);
    expect(again).toMatchObject({ mode: "out", outReason: "trial_failed", outUntil: T0 + 90_000 });
    expect(computeEjectionLevel(again, T0 + 999_999, POLICY)).toBe(2);
  });

  it("slow start can be turned off", () => {
    const policy = { ...POLICY, slowStartMs: 0 };
    const ejected = ejectProvider(createHealthState(), T0, policy, "failure_rate");
    const back = recordOutcome(ejected, success, T0 + 30_000, policy);
    expect(computeAvailability(back, T0 + 30_000, policy).weightFactor).toBe(1);
  });

  it("describes out before over a threshold before the degraded verdict before healthy", () => {
    const fine = play(createHealthState(), [success], T0);
    expect(describeHealth(fine, T0, POLICY)).toEqual({ state: "healthy", reason: null });
    expect(describeHealth(fine, T0, POLICY, "latency")).toEqual({ state: "degraded", reason: "latency" });
    const failing = play(createHealthState(), Array(5).fill(failure), T0);
    expect(describeHealth(failing, T0, POLICY, "success_rate")).toEqual({
      state: "unhealthy",
      reason: "consecutive_failures",
    });
    const ejected = ejectProvider(failing, T0, POLICY, "consecutive_failures");
    expect(describeHealth(ejected, T0, POLICY, "latency")).toEqual({
      state: "ejected",
      reason: "consecutive_failures",
    });
  });

  it("rejects an unknown outcome or a nonsense latency with INTERNAL_ERROR", () => {
    const bad: AttemptOutcome[] = [
      { health: "maybe" } as unknown as AttemptOutcome,
      { health: "success", latencyMs: -1 },
      { health: "success", latencyMs: Number.NaN },
    ];
    for (const outcome of bad) {
      let code: string | undefined;
      try {
        recordOutcome(createHealthState(), outcome, T0, POLICY);
      } catch (error) {
        code = isAppError(error) ? error.code : "other";
      }
      expect(code).toBe("INTERNAL_ERROR");
    }
  });
});
