import { describe, expect, it } from "vitest";
import { isAppError } from "../errors/catalogue";
import { DEFAULT_HEALTH_POLICY, resolveHealthPolicy } from "./policy";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isAppError(error) ? error.code : "not-an-app-error";
  }
  return undefined;
}

describe("resolveHealthPolicy", () => {
  it("returns the documented defaults when nothing is overridden", () => {
    expect(resolveHealthPolicy()).toEqual(DEFAULT_HEALTH_POLICY);
    expect(DEFAULT_HEALTH_POLICY).toMatchObject({
      consecutiveFailures: 5,
      failureRateThreshold: 0.5,
      minimumVolume: 20,
      windowMs: 30_000,
      baseEjectionMs: 30_000,
      maxEjectionMs: 300_000,
      maxEjectionShare: 0.5,
      slowStartMs: 30_000,
      slowStartFloor: 0.1,
      degradedSuccessRate: 0.9,
      degradedSuccessRateExit: 0.95,
      degradedLatencyFactor: 3,
      degradedLatencyExitFactor: 2,
      degradedLatencyFloorMs: 250,
      latencyReferenceWindowMs: 30_000,
      degradedEnterMs: 3_000,
      degradedExitMs: 10_000,
    });
    expect(Object.isFrozen(DEFAULT_HEALTH_POLICY)).toBe(true);
  });

  it("merges overrides onto the defaults and accepts a full policy", () => {
    const policy = resolveHealthPolicy({ consecutiveFailures: 3, slowStartMs: 0, maxEjectionShare: 0 });
    expect(policy).toEqual({
      ...DEFAULT_HEALTH_POLICY,
      consecutiveFailures: 3,
      slowStartMs: 0,
      maxEjectionShare: 0,
    });
    expect(resolveHealthPolicy(policy)).toEqual(policy);
  });

  it("rejects unknown fields and out-of-range values with VALIDATION_FAILED", () => {
    expect(codeOf(() => resolveHealthPolicy({ consecutiveFailure: 3 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ failureRateThreshold: 0 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ slowStartFloor: 1.5 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ windowMs: 1.5 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy("fast"))).toBe("VALIDATION_FAILED");
  });

  it("rejects inconsistent combinations", () => {
    expect(codeOf(() => resolveHealthPolicy({ maxEjectionMs: 10_000 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ windowMs: 5, windowBuckets: 10 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ maxEjectionMs: 30_000 }))).toBeUndefined();
  });

  it("validates the degraded rule: exit lines on the healthy side of the enter lines, sane dwells", () => {
    expect(codeOf(() => resolveHealthPolicy({ degradedSuccessRateExit: 0.85 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ degradedLatencyExitFactor: 4 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ degradedLatencyExitFactor: 0 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ degradedLatencyFloorMs: -1 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ degradedEnterMs: 1.5 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ degradedExitMs: -1 }))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => resolveHealthPolicy({ latencyReferenceWindowMs: 0 }))).toBe("VALIDATION_FAILED");
    // Equal lines (no hysteresis), zero dwells, or the latency rule off are all allowed.
    expect(
      codeOf(() =>
        resolveHealthPolicy({
          degradedSuccessRateExit: 0.9,
          degradedLatencyExitFactor: 3,
          degradedEnterMs: 0,
          degradedExitMs: 0,
        }),
      ),
    ).toBeUndefined();
    expect(codeOf(() => resolveHealthPolicy({ degradedLatencyFactor: 0 }))).toBeUndefined();
  });
});
