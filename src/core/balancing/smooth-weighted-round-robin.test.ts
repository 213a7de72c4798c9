import { describe, expect, it } from "vitest";
import { createSeededRandom, drawInt } from "@/core/random/seeded";
import { createSmoothWeightedRoundRobin, STALE_AFTER_PICKS } from "./smooth-weighted-round-robin";
import { makeCandidate, makeContext } from "@/testing/strategy-contract";
import type { Candidate } from "./types";

const noRandom = makeContext(() => 0);

const pickSequence = (list: readonly Candidate[], picks: number): string[] => {
  const strategy = createSmoothWeightedRoundRobin();
  return Array.from({ length: picks }, () => strategy.pick(list, noRandom)!.id);
};

const weightedList = (weights: readonly number[]): Candidate[] =>
  weights.map((weight, i) => makeCandidate(`p${i}`, weight));

/** Checks the guarantees nginx's algorithm gives for a fixed set of integer weights. */
const expectSmooth = (weights: readonly number[]): void => {
  const total = weights.reduce((a, b) => a + b, 0);
  const sequence = pickSequence(weightedList(weights), total * 5);
  // Every prefix: no candidate is ever ahead of its fair share by a whole pick.
  const counts = weights.map(() => 0);
  sequence.forEach((id, k) => {
    counts[Number(id.slice(1))]! += 1;
    weights.forEach((w, i) => expect(counts[i]!).toBeLessThanOrEqual(Math.ceil(((k + 1) * w) / total)));
  });
  // Every window of Σweights consecutive picks (not only aligned ones) holds exactly each weight.
  for (let start = 0; start + total <= sequence.length; start++) {
    const window = sequence.slice(start, start + total);
    weights.forEach((w, i) => expect(window.filter((id) => id === `p${i}`).length).toBe(w));
  }
};

describe("smooth weighted round-robin", () => {
  it("produces nginx's documented sequence for {a:5, b:1, c:1}", () => {
    const list = [makeCandidate("a", 5), makeCandidate("b", 1), makeCandidate("c", 1)];
    expect(pickSequence(list, 14).join(" ")).toBe("a a b a c a a a a b a c a a");
  });

  it("interleaves 5:3:2 without bursts", () => {
    const list = [makeCandidate("a", 5), makeCandidate("b", 3), makeCandidate("c", 2)];
    const sequence = pickSequence(list, 10);
    expect(sequence.join(" ")).toBe("a b c a a b a c b a");
    // The heaviest candidate never runs more than twice in a row (5/10 share).
    expect(sequence.join("")).not.toMatch(/aaa/);
  });

  it("5:3:2 over 1,000 picks: exactly 500/300/200, exact shares in every 10-pick window, no burst", () => {
    expectSmooth([5, 3, 2]);
    const sequence = pickSequence(weightedList([5, 3, 2]), 1_000);
    expect(sequence.filter((id) => id === "p0").length).toBe(500);
    expect(sequence.filter((id) => id === "p1").length).toBe(300);
    expect(sequence.filter((id) => id === "p2").length).toBe(200);
  });

  it("holds the smoothness guarantees for random weight sets", () => {
    const random = createSeededRandom(2024);
    for (let trial = 0; trial < 40; trial++) {
      const size = 1 + drawInt(random, 6);
      expectSmooth(Array.from({ length: size }, () => 1 + drawInt(random, 12)));
    }
  });

  it("equal weights degrade to a plain rotation", () => {
    const list = weightedList([4, 4, 4]);
    expect(pickSequence(list, 6).join(" ")).toBe("p0 p1 p2 p0 p1 p2");
  });

  it("an excluded candidate keeps its place: the set's rotation resumes unchanged after a retry", () => {
    const [a, b, c] = [makeCandidate("a", 5), makeCandidate("b", 3), makeCandidate("c", 2)];
    const strategy = createSmoothWeightedRoundRobin();
    const full = [a, b, c];
    const picked: string[] = [];
    for (let i = 0; i < 100; i++) {
      const id = strategy.pick(full, noRandom)!.id;
      picked.push(id);
      // Every time "b" is picked it "fails" and the retry runs over the others.
      if (id === "b") strategy.pick([a, c], noRandom);
    }
    // Picks over a subset preserve Σcurrent, so over the full set b still gets its exact 30 %.
    expect(picked.filter((id) => id === "b").length).toBe(30);
  });

  it("a new candidate starts at zero and immediately joins the rotation with its weight", () => {
    const strategy = createSmoothWeightedRoundRobin();
    const base = [makeCandidate("a", 1), makeCandidate("b", 1)];
    for (let i = 0; i < 7; i++) strategy.pick(base, noRandom);
    const grown = [...base, makeCandidate("c", 2)];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 400; i++) counts[strategy.pick(grown, noRandom)!.id]! += 1;
    expect(counts).toEqual({ a: 100, b: 100, c: 200 });
  });

  it("follows weight changes between picks (e.g. a slow-start ramp)", () => {
    const strategy = createSmoothWeightedRoundRobin();
    const counts: Record<string, number> = { a: 0, b: 0 };
    for (let i = 0; i < 1_000; i++) {
      const rampedWeight = i < 500 ? 1 : 3;
      counts[strategy.pick([makeCandidate("a", 1), makeCandidate("b", rampedWeight)], noRandom)!.id]! += 1;
    }
    // 250 + 125 for a, 250 + 375 for b (within one pick of the exact split at the change).
    expect(Math.abs(counts.a! - 375)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.b! - 625)).toBeLessThanOrEqual(1);
  });

  // Set-up shared by the next two cases: "g" (weight 2) is picked once and left at current −1, then
  // "a" runs alone (its current stays +1). On return, remembered state gives 1 vs a's 2 → "a";
  // forgotten state gives 2 vs 2 → "g" wins the tie by list order.
  const pickAfterAbsence = (absentPicks: number): string => {
    const strategy = createSmoothWeightedRoundRobin();
    const g = makeCandidate("g", 2);
    const a = makeCandidate("a", 1);
    expect(strategy.pick([g, a], noRandom)).toBe(g);
    for (let i = 0; i < absentPicks; i++) strategy.pick([a], noRandom);
    return strategy.pick([g, a], noRandom)!.id;
  };

  it("remembers a briefly absent candidate's state", () => {
    expect(pickAfterAbsence(10)).toBe("a");
    expect(pickAfterAbsence(STALE_AFTER_PICKS - 2)).toBe("a");
  });

  it("forgets a candidate absent for long (at most 2 × STALE_AFTER_PICKS picks), restarting it at 0", () => {
    expect(pickAfterAbsence(2 * STALE_AFTER_PICKS)).toBe("g");
  });

  it("treats candidates without a usable weight evenly only when none has one", () => {
    const strategy = createSmoothWeightedRoundRobin();
    const zero = [makeCandidate("a", 0), makeCandidate("b", Number.NaN)];
    const seq = Array.from({ length: 4 }, () => strategy.pick(zero, noRandom)!.id);
    expect(seq).toEqual(["a", "b", "a", "b"]);
    const mixed = [makeCandidate("z", 0), makeCandidate("w", 2)];
    for (let i = 0; i < 10; i++) expect(strategy.pick(mixed, noRandom)!.id).toBe("w");
  });
});
