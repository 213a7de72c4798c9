import { describe, expect, it } from "vitest";
import { createSeededRandom, drawInt } from "./seeded";

describe("createSeededRandom", () => {
  it("repeats the same sequence for the same seed and differs for another seed", () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const c = createSeededRandom(43);
    const seqA = Array.from({ length: 20 }, () => a());
    const seqB = Array.from({ length: 20 }, () => b());
    const seqC = Array.from({ length: 20 }, () => c());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it("stays in [0, 1) and is roughly uniform", () => {
    const random = createSeededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]! += 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe("drawInt", () => {
  it("returns integers in [0, max)", () => {
    const random = createSeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) {
      const n = drawInt(random, 5);
      expect(Number.isInteger(n) && n >= 0 && n < 5).toBe(true);
      seen.add(n);
    }
    expect(seen.size).toBe(5);
    expect(drawInt(() => 0.9999999999999999, 3)).toBe(2);
  });
});
