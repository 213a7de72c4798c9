import { describe, expect, it } from "vitest";
import { createSeededRandom } from "@/core/random/seeded";
import { chooseRetryDelayMs, computeBackoffMs, parseRetryAfterMs } from "./backoff";

const BACKOFF = { baseMs: 100, capMs: 2_000 };
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0); // Sun, 15 Jun 2025 12:00:00 GMT

describe("computeBackoffMs", () => {
  it.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [3, 800],
    [4, 1_600],
    [5, 2_000],
    [60, 2_000],
    [5_000, 2_000],
  ])("retry %i has a window of %i ms (exponential, capped)", (retryIndex, window) => {
    expect(computeBackoffMs(retryIndex, BACKOFF, () => 0.5)).toBe(Math.floor(window * 0.5));
    expect(computeBackoffMs(retryIndex, BACKOFF, () => 0)).toBe(0);
    expect(computeBackoffMs(retryIndex, BACKOFF, () => 0.9999999999999999)).toBe(window - 1);
  });

  it("is full jitter: uniform over [0, window)", () => {
    const random = createSeededRandom(12);
    const samples = Array.from({ length: 20_000 }, () => computeBackoffMs(3, BACKOFF, random));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(800);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(Math.abs(mean - 400)).toBeLessThan(10);
    expect(samples.filter((s) => s < 200).length / samples.length).toBeCloseTo(0.25, 1);
  });

  it("treats a negative or fractional retry index sanely and clamps a bad random", () => {
    expect(computeBackoffMs(-3, BACKOFF, () => 0.5)).toBe(50);
    expect(computeBackoffMs(1.9, BACKOFF, () => 0.5)).toBe(100);
    expect(computeBackoffMs(2, BACKOFF, () => 7)).toBe(400);
    expect(computeBackoffMs(2, BACKOFF, () => -1)).toBe(0);
  });
});

describe("parseRetryAfterMs", () => {
  it.each([
    ["0", 0],
    ["1", 1_000],
    ["120", 120_000],
    [" 3 ", 3_000],
    ["1.5", 1_500],
    ["Sun, 15 Jun 2025 12:00:30 GMT", 30_000],
    ["Sunday, 15-Jun-25 12:01:00 GMT", 60_000],
    ["Sun Jun 15 12:00:05 2025", 5_000],
    ["Sun Jun  1 12:00:05 2025", 0],
    ["Sun, 15 Jun 2025 11:00:00 GMT", 0],
    ["Mon, 16 Jun 2025 12:00:00 GMT", 86_400_000],
  ])("%j → %j ms", (header, expected) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(expected);
  });

  it.each([
    [undefined],
    [null],
    [""],
    ["  "],
    ["-1"],
    ["+5"],
    ["1e3"],
    ["0x10"],
    ["soon"],
    ["5 seconds"],
    ["Sun, 31 Feb 2025 12:00:00 GMT"],
    ["Sun, 15 Jun 2025 25:00:00 GMT"],
    ["Sun, 15 Jun 2025 12:00:00 PST"],
    ["2025-06-15T12:00:30Z"],
    ["Sun, 15 Foo 2025 12:00:00 GMT"],
  ])("%j is invalid → undefined", (header) => {
    expect(parseRetryAfterMs(header, NOW)).toBeUndefined();
  });
});

describe("chooseRetryDelayMs", () => {
  const base = { retryIndex: 2, backoff: BACKOFF, random: () => 0.5 };

  it("uses the jittered backoff when there is no Retry-After", () => {
    expect(chooseRetryDelayMs(base)).toEqual({
      delayMs: 200,
      source: "backoff",
      retryAfterIgnored: false,
      clampedToDeadline: false,
    });
  });

  it("honours a Retry-After up to the cap instead of the jittered delay", () => {
    expect(chooseRetryDelayMs({ ...base, retryAfterMs: 1_500 })).toMatchObject({
      delayMs: 1_500,
      source: "retry_after",
      retryAfterIgnored: false,
    });
    expect(chooseRetryDelayMs({ ...base, retryAfterMs: 2_000 }).delayMs).toBe(2_000);
    expect(chooseRetryDelayMs({ ...base, retryAfterMs: 0 })).toMatchObject({
      delayMs: 0,
      source: "retry_after",
    });
  });

  it("ignores a Retry-After longer than the cap and flags it", () => {
    expect(chooseRetryDelayMs({ ...base, retryAfterMs: 2_001 })).toEqual({
      delayMs: 200,
      source: "backoff",
      retryAfterIgnored: true,
      clampedToDeadline: false,
    });
  });

  it("ignores an unusable Retry-After value without flagging it", () => {
    for (const retryAfterMs of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      expect(chooseRetryDelayMs({ ...base, retryAfterMs })).toMatchObject({
        delayMs: 200,
        source: "backoff",
        retryAfterIgnored: false,
      });
    }
  });

  it("never exceeds the remaining overall deadline", () => {
    expect(chooseRetryDelayMs({ ...base, retryAfterMs: 1_500, remainingMs: 900 })).toEqual({
      delayMs: 900,
      source: "retry_after",
      retryAfterIgnored: false,
      clampedToDeadline: true,
    });
    expect(chooseRetryDelayMs({ ...base, remainingMs: 150.7 })).toMatchObject({
      delayMs: 150,
      clampedToDeadline: true,
    });
    expect(chooseRetryDelayMs({ ...base, remainingMs: -20 })).toMatchObject({
      delayMs: 0,
      clampedToDeadline: true,
    });
    expect(chooseRetryDelayMs({ ...base, remainingMs: 10_000 })).toMatchObject({
      delayMs: 200,
      clampedToDeadline: false,
    });
  });

  it("stays within [0, min(cap, remaining)] for random inputs", () => {
    const random = createSeededRandom(77);
    for (let i = 0; i < 2_000; i++) {
      const remainingMs = Math.floor(random() * 3_000);
      const retryAfterMs = random() < 0.5 ? Math.floor(random() * 4_000) : undefined;
      const { delayMs } = chooseRetryDelayMs({
        retryIndex: Math.floor(random() * 8),
        backoff: BACKOFF,
        random,
        remainingMs,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(Math.min(BACKOFF.capMs, remainingMs));
    }
  });
});
