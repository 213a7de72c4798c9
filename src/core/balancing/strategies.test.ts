import { describe, expect, it } from "vitest";
import { createSeededRandom } from "@/core/random/seeded";
import { describeStrategyContract, makeCandidate, makeContext } from "@/testing/strategy-contract";
import { isStrategyName, STRATEGIES, STRATEGY_NAMES, strategyUsesWeights } from "./registry";
import { createStrategy } from "./select";
import type { Candidate, Strategy } from "./types";

const countPicks = (
  strategy: Strategy,
  list: readonly Candidate[],
  picks: number,
  key: (i: number) => string | undefined,
  seed = 11,
): Record<string, number> => {
  const random = createSeededRandom(seed);
  const counts: Record<string, number> = {};
  for (const c of list) counts[c.id] = 0;
  for (let i = 0; i < picks; i++) counts[strategy.pick(list, makeContext(random, key(i)))!.id]! += 1;
  return counts;
};

const WEIGHTED = [makeCandidate("a", 5), makeCandidate("b", 3), makeCandidate("c", 2)];

describe.each(STRATEGY_NAMES.map((name) => [name]))("strategy contract: %s", (name) => {
  describeStrategyContract(STRATEGIES[name].create);

  it("reports its registry name", () => {
    expect(createStrategy(name).name).toBe(name);
  });

  // The console previews traffic shares from this flag: it must match what the strategy does.
  it(`${strategyUsesWeights(name) ? "follows" : "does not follow"} weights, as the registry says`, () => {
    const counts = countPicks(createStrategy(name), WEIGHTED, 10_000, (i) => `client-${i}`);
    const followsWeights = Math.abs(counts.a! / 10_000 - 0.5) < 0.05;
    expect(followsWeights).toBe(strategyUsesWeights(name));
  });
});

describe("registry", () => {
  it("creates a fresh instance each time (state is not shared)", () => {
    const first = createStrategy("round_robin");
    const second = createStrategy("round_robin");
    expect(first).not.toBe(second);
    const list = [makeCandidate("a"), makeCandidate("b")];
    const random = createSeededRandom(1);
    expect(first.pick(list, makeContext(random))!.id).toBe("a");
    expect(first.pick(list, makeContext(random))!.id).toBe("b");
    expect(second.pick(list, makeContext(random))!.id).toBe("a");
  });

  it("rejects an unknown name with a catalogue code", () => {
    expect(isStrategyName("fastest")).toBe(false);
    expect(isStrategyName("ip_hash")).toBe(true);
    expect(() => createStrategy("fastest" as never)).toThrow(
      expect.objectContaining({ code: "INTERNAL_ERROR", message: expect.stringContaining("fastest") }),
    );
  });
});

describe("distribution", () => {
  it("weighted_round_robin: 5:3:2 over 1,000 picks is exactly 500/300/200", () => {
    const counts = countPicks(createStrategy("weighted_round_robin"), WEIGHTED, 1_000, () => undefined);
    expect(counts).toEqual({ a: 500, b: 300, c: 200 });
  });

  it("round_robin: ignores weights and gives exact equal shares", () => {
    const counts = countPicks(createStrategy("round_robin"), WEIGHTED, 999, () => undefined);
    expect(counts).toEqual({ a: 333, b: 333, c: 333 });
  });

  it("round_robin: rotates by id, so an excluded candidate does not shift the others' turns", () => {
    const strategy = createStrategy("round_robin");
    const random = createSeededRandom(1);
    const [a, b, c] = [makeCandidate("a"), makeCandidate("b"), makeCandidate("c")];
    expect(strategy.pick([a, b, c], makeContext(random))).toBe(a);
    // "b" failed this request and is excluded: the retry goes to the one after it.
    expect(strategy.pick([a, c], makeContext(random))).toBe(c);
    expect(strategy.pick([c, b, a], makeContext(random))).toBe(a);
    expect(strategy.pick([c, b, a], makeContext(random))).toBe(b);
  });

  it("weighted_random: 5:3:2 over 20,000 seeded picks is within 1.5 points of 50/30/20 %", () => {
    const counts = countPicks(createStrategy("weighted_random"), WEIGHTED, 20_000, () => undefined);
    expect(Math.abs(counts.a! / 20_000 - 0.5)).toBeLessThan(0.015);
    expect(Math.abs(counts.b! / 20_000 - 0.3)).toBeLessThan(0.015);
    expect(Math.abs(counts.c! / 20_000 - 0.2)).toBeLessThan(0.015);
  });

  it("weighted_random: follows the injected random exactly", () => {
    const strategy = createStrategy("weighted_random");
    const pickAt = (r: number): string =>
      strategy.pick(
        WEIGHTED,
        makeContext(() => r),
      )!.id;
    expect(pickAt(0)).toBe("a");
    expect(pickAt(0.49)).toBe("a");
    expect(pickAt(0.5)).toBe("b");
    expect(pickAt(0.79)).toBe("b");
    expect(pickAt(0.8)).toBe("c");
    expect(pickAt(0.9999999999999999)).toBe("c");
  });

  it("least_connections: picks the fewest in flight, then the higher weight", () => {
    const strategy = createStrategy("least_connections");
    const random = createSeededRandom(1);
    const list = [makeCandidate("a", 5, 3), makeCandidate("b", 1, 1), makeCandidate("c", 9, 2)];
    expect(strategy.pick(list, makeContext(random))!.id).toBe("b");
    const tiedOnLoad = [makeCandidate("a", 1, 2), makeCandidate("b", 4, 2), makeCandidate("c", 2, 2)];
    for (let i = 0; i < 5; i++) expect(strategy.pick(tiedOnLoad, makeContext(random))!.id).toBe("b");
  });

  it("least_connections: exact ties rotate so idle equal providers share sequential traffic", () => {
    const idle = [makeCandidate("a", 2), makeCandidate("b", 2), makeCandidate("c", 2), makeCandidate("d", 1)];
    const counts = countPicks(createStrategy("least_connections"), idle, 300, () => undefined);
    expect(counts).toEqual({ a: 100, b: 100, c: 100, d: 0 });
  });

  it("least_connections: always picks a least-loaded provider under a simulated load", () => {
    const strategy = createStrategy("least_connections");
    const random = createSeededRandom(9);
    const inFlight: Record<string, number> = { a: 0, b: 0, c: 0 };
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3_000; i++) {
      const list = Object.keys(inFlight).map((id) => makeCandidate(id, 1, inFlight[id]));
      const picked = strategy.pick(list, makeContext(random))!;
      expect(inFlight[picked.id]).toBe(Math.min(...Object.values(inFlight)));
      inFlight[picked.id]! += 1;
      counts[picked.id]! += 1;
      for (const id of Object.keys(inFlight)) if (inFlight[id]! > 0 && random() < 0.3) inFlight[id]! -= 1;
    }
    for (const id of Object.keys(counts)) expect(Math.abs(counts[id]! - 1_000)).toBeLessThan(100);
  });

  it("ip_hash: shares of 10,000 keys follow the weights within 2 points", () => {
    const counts = countPicks(createStrategy("ip_hash"), WEIGHTED, 10_000, (i) => `client-${i}`);
    expect(Math.abs(counts.a! / 10_000 - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(counts.b! / 10_000 - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts.c! / 10_000 - 0.2)).toBeLessThan(0.02);
  });
});
