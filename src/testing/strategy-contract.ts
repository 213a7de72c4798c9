import { expect, it } from "vitest";
import { createSeededRandom, drawInt } from "@/core/random/seeded";
import type { Candidate, PickContext, StrategyFactory } from "@/core/balancing/types";

/**
 * The one behavioural contract every balancing strategy must meet, registered as vitest cases so
 * strategies.test.ts can run it against each factory. Kept out of *.test.ts so it can be shared.
 */

/** Builds a frozen candidate (a strategy must never mutate what it is given). */
export function makeCandidate(id: string, weight = 1, inFlight = 0): Candidate {
  return Object.freeze({ id, weight, inFlight });
}

/** Builds a pick context with a seeded random and an optional affinity key. */
export function makeContext(random: () => number, affinityKey?: string): PickContext {
  return affinityKey === undefined ? { random } : { random, affinityKey };
}

/** Returns a random affinity key drawn from a small pool so some keys repeat. */
function drawKey(random: () => number): string {
  return `10.0.${drawInt(random, 4)}.${drawInt(random, 256)}`;
}

/** Registers the shared strategy contract cases for one strategy factory. */
export function describeStrategyContract(factory: StrategyFactory): void {
  it("returns undefined for an empty list, also after earlier picks", () => {
    const strategy = factory();
    const random = createSeededRandom(1);
    expect(strategy.pick([], makeContext(random))).toBeUndefined();
    const only = makeCandidate("a");
    expect(strategy.pick([only], makeContext(random, "k"))).toBe(only);
    expect(strategy.pick(Object.freeze([]), makeContext(random, "k"))).toBeUndefined();
    expect(strategy.pick([only], makeContext(random))).toBe(only);
  });

  it("always returns the single candidate when there is one", () => {
    const strategy = factory();
    const random = createSeededRandom(2);
    for (let i = 0; i < 50; i++) {
      const only = makeCandidate("solo", 1 + drawInt(random, 9), drawInt(random, 5));
      const key = i % 3 === 0 ? undefined : drawKey(random);
      expect(strategy.pick(Object.freeze([only]), makeContext(random, key))).toBe(only);
    }
  });

  it("returns a member of the list (by identity) while the list changes between calls", () => {
    const strategy = factory();
    const random = createSeededRandom(3);
    const ids = ["a", "b", "c", "d", "e", "f", "g"];
    for (let i = 0; i < 3_000; i++) {
      const size = 1 + drawInt(random, ids.length);
      const chosenIds = ids.filter(() => random() < size / ids.length);
      const list = Object.freeze(
        chosenIds.map((id) => makeCandidate(id, 1 + drawInt(random, 10), drawInt(random, 4))),
      );
      const key = random() < 0.2 ? undefined : drawKey(random);
      const picked = strategy.pick(list, makeContext(random, key));
      if (list.length === 0) expect(picked).toBeUndefined();
      else expect(list.includes(picked as Candidate)).toBe(true);
    }
  });

  it("never returns a removed candidate and eventually uses an added one", () => {
    const strategy = factory();
    const random = createSeededRandom(4);
    const inFlight = new Map<string, number>([
      ["a", 0],
      ["b", 0],
      ["c", 0],
    ]);
    const run = (ids: string[], picks: number): Map<string, number> => {
      const counts = new Map<string, number>();
      for (let i = 0; i < picks; i++) {
        const list = ids.map((id) => makeCandidate(id, 2, inFlight.get(id) ?? 0));
        const picked = strategy.pick(list, makeContext(random, drawKey(random)));
        expect(picked).toBeDefined();
        const id = picked!.id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
        inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
        // Finish one random in-flight request so least_connections sees a moving load.
        const busy = [...inFlight].filter(([, n]) => n > 0);
        const done = busy[drawInt(random, busy.length)];
        if (done !== undefined && random() < 0.9) inFlight.set(done[0], done[1] - 1);
      }
      return counts;
    };
    const before = run(["a", "b", "c"], 300);
    expect([...before.keys()].sort()).toEqual(["a", "b", "c"]);
    const afterRemoval = run(["a", "c"], 300);
    expect(afterRemoval.has("b")).toBe(false);
    inFlight.set("d", 0);
    const afterAdd = run(["a", "c", "d"], 300);
    expect(afterAdd.has("b")).toBe(false);
    expect(afterAdd.get("d") ?? 0).toBeGreaterThan(0);
  });

  it("gives every weighted candidate some traffic under a changing load", () => {
    const strategy = factory();
    const random = createSeededRandom(5);
    const weights: Record<string, number> = { a: 1, b: 2, c: 3, d: 4, e: 5 };
    const inFlight: Record<string, number> = { a: 0, b: 0, c: 0, d: 0, e: 0 };
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0, e: 0 };
    for (let i = 0; i < 1_000; i++) {
      const list = Object.keys(weights).map((id) => makeCandidate(id, weights[id], inFlight[id]));
      const picked = strategy.pick(list, makeContext(random, drawKey(random)))!;
      counts[picked.id]! += 1;
      inFlight[picked.id]! += 1;
      for (const id of Object.keys(inFlight)) {
        if (inFlight[id]! > 0 && random() < 0.3) inFlight[id]! -= 1;
      }
    }
    for (const id of Object.keys(weights)) expect(counts[id]).toBeGreaterThan(0);
  });

  it("is deterministic: equal seeds and inputs give equal sequences", () => {
    const sequence = (): string[] => {
      const strategy = factory();
      const random = createSeededRandom(6);
      const list = [makeCandidate("a", 3), makeCandidate("b", 1, 1), makeCandidate("c", 2)];
      return Array.from({ length: 200 }, () => strategy.pick(list, makeContext(random, drawKey(random)))!.id);
    };
    expect(sequence()).toEqual(sequence());
  });

  it("keeps instances independent: picks on one do not change another's sequence", () => {
    const list = [makeCandidate("a", 3), makeCandidate("b", 1), makeCandidate("c", 2)];
    const sequence = (disturb: boolean): string[] => {
      const strategy = factory();
      const other = factory();
      const random = createSeededRandom(7);
      const otherRandom = createSeededRandom(8);
      return Array.from({ length: 100 }, (_, i) => {
        if (disturb && i % 2 === 0) other.pick(list, makeContext(otherRandom, `x${i}`));
        return strategy.pick(list, makeContext(random, `k${i % 17}`))!.id;
      });
    };
    expect(sequence(true)).toEqual(sequence(false));
  });
}
