import { describe, expect, it } from "vitest";
import { addToWindow, computeBucketMs, computeWindowStats, type WindowBucket } from "./outcome-window";
import { DEFAULT_HEALTH_POLICY as POLICY } from "./policy";

const T0 = 1_200_000;

function fill(events: readonly [number, "success" | "failure"][]): WindowBucket[] {
  let buckets: WindowBucket[] = [];
  for (const [at, kind] of events) buckets = addToWindow(buckets, kind, at, POLICY);
  return buckets;
}

describe("outcome window", () => {
  it("uses windowMs / windowBuckets as the bucket size", () => {
    expect(computeBucketMs(POLICY)).toBe(3_000);
    expect(computeBucketMs({ windowMs: 10, windowBuckets: 3 })).toBe(4);
  });

  it("counts an outcome for at most windowMs", () => {
    const buckets = fill([
      [T0, "failure"],
      [T0 + 2_999, "success"],
      [T0 + 3_000, "success"],
    ]);
    expect(computeWindowStats(buckets, T0 + 29_999, POLICY)).toEqual({
      successes: 2,
      failures: 1,
      volume: 3,
      successRate: 2 / 3,
    });
    expect(computeWindowStats(buckets, T0 + 30_000, POLICY)).toMatchObject({ successes: 1, failures: 0 });
    expect(computeWindowStats(buckets, T0 + 33_000, POLICY)).toEqual({
      successes: 0,
      failures: 0,
      volume: 0,
      successRate: null,
    });
  });

  it("keeps at most windowBuckets buckets whatever the rate", () => {
    let buckets: WindowBucket[] = [];
    for (let i = 0; i < 10_000; i++) buckets = addToWindow(buckets, "success", T0 + i * 10, POLICY);
    expect(buckets.length).toBeLessThanOrEqual(POLICY.windowBuckets);
    // Buckets T0+72 s … T0+99 s: nine full ones of 300 and the current one of 100.
    expect(computeWindowStats(buckets, T0 + 99_990, POLICY).volume).toBe(2_800);
  });

  it("does not modify its input and survives a clock stepping backwards", () => {
    const before = fill([[T0 + 6_000, "success"]]);
    const frozen = Object.freeze(before.map((bucket) => Object.freeze({ ...bucket })));
    const after = addToWindow(frozen, "failure", T0 + 1_000, POLICY);
    expect(frozen).toEqual([{ start: T0 + 6_000, successes: 1, failures: 0 }]);
    expect(after).toEqual([{ start: T0 + 6_000, successes: 1, failures: 1 }]);
  });
});
