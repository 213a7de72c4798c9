import { describe, expect, it } from "vitest";
import { createSeededRandom } from "@/core/random/seeded";
import { createP2cEwma } from "./p2c-ewma";
import { createPeakEwma, observePeakEwma, readPeakEwma } from "./peak-ewma";
import type { Candidate } from "./types";

const candidate = (id: string, weight: number, inFlight: number, latencyMs?: number): Candidate =>
  latencyMs === undefined ? { id, weight, inFlight } : { id, weight, inFlight, latencyMs };

function shares(list: readonly Candidate[], picks = 10_000): Record<string, number> {
  const strategy = createP2cEwma();
  const random = createSeededRandom(3);
  const counts: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const id = strategy.pick(list, { random })!.id;
    counts[id] = (counts[id] ?? 0) + 1 / picks;
  }
  return counts;
}

describe("p2c_ewma", () => {
  it("follows weights when costs are equal", () => {
    const s = shares([candidate("a", 5, 0, 10), candidate("b", 3, 0, 10), candidate("c", 2, 0, 10)]);
    expect(s.a).toBeCloseTo(0.5, 1);
    expect(s.b).toBeCloseTo(0.3, 1);
  });

  it("sends almost nothing to a slow provider: it loses every pairing", () => {
    const s = shares([
      candidate("fast1", 1, 0, 20),
      candidate("fast2", 1, 0, 25),
      candidate("slow", 1, 0, 320),
    ]);
    expect(s.slow ?? 0).toBe(0);
    expect(s.fast1).toBeGreaterThan(0.6);
  });

  it("weighs in-flight requests: a busy fast provider yields to an idle slower one", () => {
    const s = shares([candidate("busy", 1, 20, 20), candidate("idle", 1, 0, 100)]);
    expect(s.idle).toBeGreaterThan(0.99);
  });

  it("costs an unmeasured provider at the lowest known latency", () => {
    const s = shares([candidate("new", 1, 0), candidate("known", 1, 0, 50)]);
    expect(s.new).toBeCloseTo(0.5, 1);
  });

  it("never offers a weight-0 candidate while another has weight", () => {
    const s = shares([candidate("a", 1, 5, 500), candidate("zero", 0, 0, 1)]);
    expect(s.zero ?? 0).toBe(0);
  });
});

describe("peak EWMA", () => {
  it("jumps to a spike, then decays toward later observations and, unobserved, toward zero", () => {
    const e = createPeakEwma(20, 0);
    observePeakEwma(e, 2_000, 100);
    expect(e.value).toBe(2_000);
    observePeakEwma(e, 20, 10_100);
    expect(e.value).toBeLessThan(800);
    expect(e.value).toBeGreaterThan(20);
    expect(readPeakEwma(e, 10_100 + 30_000)).toBeLessThan(e.value / 10);
  });
});
