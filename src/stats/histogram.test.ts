import { describe, expect, it } from "vitest";
import { createSeededRandom } from "@/core/random/seeded";
import {
  HISTOGRAM_BUCKETS,
  HISTOGRAM_RELATIVE_ERROR,
  createHistogram,
  exactQuantile,
  histogramIndex,
  histogramQuantile,
  mergeHistogramInto,
  recordInHistogram,
} from "./histogram";

function histogramOf(values: readonly number[]): number[] {
  const h = createHistogram();
  for (const v of values) recordInHistogram(h, v);
  return h;
}

describe("latency histogram", () => {
  it("has 60 buckets of about 26 % width, so a percentile is within ~12.2 %", () => {
    expect(HISTOGRAM_BUCKETS).toBe(60);
    expect(HISTOGRAM_RELATIVE_ERROR).toBeGreaterThan(0.12);
    expect(HISTOGRAM_RELATIVE_ERROR).toBeLessThan(0.125);
  });

  it("maps sub-millisecond values to bucket 0, 10 min and more to the last bucket, in order", () => {
    expect(histogramIndex(0)).toBe(0);
    expect(histogramIndex(0.99)).toBe(0);
    expect(histogramIndex(-5)).toBe(0);
    expect(histogramIndex(Number.NaN)).toBe(0);
    expect(histogramIndex(1)).toBe(1);
    expect(histogramIndex(599_999)).toBe(58);
    expect(histogramIndex(600_000)).toBe(59);
    expect(histogramIndex(86_400_000)).toBe(59);
    let previous = 0;
    for (let ms = 0; ms < 700_000; ms += ms < 100 ? 1 : 97) {
      const i = histogramIndex(ms);
      expect(i).toBeGreaterThanOrEqual(previous);
      previous = i;
    }
  });

  it("reports whole-millisecond values exactly where a bucket holds a single one", () => {
    for (const v of [0, 1, 2, 3, 4]) {
      expect(histogramQuantile(histogramOf([v]), 0.5)).toBe(v);
    }
  });

  it("estimates p50/p95/p99 within the stated relative error for many distributions", () => {
    const random = createSeededRandom(42);
    const shapes: (() => number)[] = [
      () => Math.round(1 + random() * 50),
      () => Math.round(Math.exp(3 + random() * 6)),
      () =>
        Math.round(200 + 50 * Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random())),
      () => (random() < 0.9 ? Math.round(5 + random() * 10) : Math.round(2_000 + random() * 30_000)),
    ];
    for (const draw of shapes) {
      for (const n of [1, 7, 100, 5_000]) {
        const values = Array.from({ length: n }, () => Math.max(1, Math.min(599_999, draw())));
        const h = histogramOf(values);
        for (const q of [0.5, 0.95, 0.99]) {
          const truth = exactQuantile(values, q)!;
          const estimate = histogramQuantile(h, q)!;
          expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(truth * HISTOGRAM_RELATIVE_ERROR + 1e-9);
        }
      }
    }
  });

  it("merges by element-wise addition: the merge equals the histogram of all values", () => {
    const a = [3, 10, 250, 251, 4000];
    const b = [1, 10, 99_000];
    const merged = histogramOf(a);
    mergeHistogramInto(merged, histogramOf(b).map(String));
    expect(merged).toEqual(histogramOf([...a, ...b]));
    expect(merged.reduce((s, c) => s + c, 0)).toBe(8);
  });

  it("answers null for an empty histogram", () => {
    expect(histogramQuantile(createHistogram(), 0.5)).toBeNull();
    expect(exactQuantile([], 0.5)).toBeNull();
  });
});
