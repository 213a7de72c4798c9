import { describe, expect, it } from "vitest";
import { buildPath, resolveRange, roundDown, toLocalInput } from "./time-range";

const NOW = Date.UTC(2026, 10, 27, 12, 30);

describe("resolveRange", () => {
  it("turns presets into bounds ending now with a bucket of about 50 points", () => {
    expect(resolveRange({ preset: "1h", customFrom: "", customTo: "" }, NOW)).toEqual({
      from: NOW - 3_600_000,
      to: NOW,
      bucket: "1m",
    });
    expect(resolveRange({ preset: "7d", customFrom: "", customTo: "" }, NOW)?.bucket).toBe("3h");
  });

  it("reads a custom range and leaves the bucket to the server", () => {
    const range = {
      preset: "custom" as const,
      customFrom: toLocalInput(NOW - 7_200_000),
      customTo: toLocalInput(NOW),
    };
    expect(resolveRange(range, NOW)).toEqual({ from: NOW - 7_200_000, to: NOW });
  });

  it("refuses an empty or reversed custom range", () => {
    expect(resolveRange({ preset: "custom", customFrom: "", customTo: "" }, NOW)).toBeNull();
    const reversed = {
      preset: "custom" as const,
      customFrom: toLocalInput(NOW),
      customTo: toLocalInput(NOW - 60_000),
    };
    expect(resolveRange(reversed, NOW)).toBeNull();
  });
});

describe("buildPath", () => {
  it("keeps defined values only", () => {
    expect(buildPath("/x", { a: 1, b: undefined, c: "", d: true })).toBe("/x?a=1&d=true");
    expect(buildPath("/x", {})).toBe("/x");
  });
});

describe("roundDown", () => {
  it("rounds to the step", () => {
    expect(roundDown(125_000, 60_000)).toBe(120_000);
  });
});
