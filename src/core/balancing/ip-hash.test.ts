import { describe, expect, it } from "vitest";
import { createSeededRandom, drawInt } from "@/core/random/seeded";
import { createIpHash, hashString, pickByAffinity } from "./ip-hash";
import { makeCandidate, makeContext } from "@/testing/strategy-contract";
import type { Candidate } from "./types";

const randomKeys = (count: number, seed: number): string[] => {
  const random = createSeededRandom(seed);
  return Array.from(
    { length: count },
    () => `${drawInt(random, 256)}.${drawInt(random, 256)}.${drawInt(random, 256)}.${drawInt(random, 256)}`,
  );
};

const assign = (keys: readonly string[], list: readonly Candidate[]): string[] =>
  keys.map((key) => pickByAffinity(list, key)!.id);

const share = (assignment: readonly string[], id: string): number =>
  assignment.filter((x) => x === id).length / assignment.length;

const FIVE = ["p1", "p2", "p3", "p4", "p5"].map((id) => makeCandidate(id, 1));
const KEYS = randomKeys(10_000, 99);

describe("ip_hash (weighted rendezvous hashing)", () => {
  it("sends the same key to the same provider every time and regardless of list order", () => {
    const strategy = createIpHash();
    const random = createSeededRandom(1);
    const reversed = [...FIVE].reverse();
    for (const key of KEYS.slice(0, 500)) {
      const first = strategy.pick(FIVE, makeContext(random, key))!.id;
      expect(strategy.pick(FIVE, makeContext(random, key))!.id).toBe(first);
      expect(createIpHash().pick(reversed, makeContext(random, key))!.id).toBe(first);
    }
  });

  it("spreads 10,000 keys evenly over 5 equal providers (each within 2 points of 20 %)", () => {
    const assignment = assign(KEYS, FIVE);
    for (const c of FIVE) expect(Math.abs(share(assignment, c.id) - 0.2)).toBeLessThan(0.02);
  });

  it("removing a provider remaps only its own keys (≈1/N) and spreads them over the survivors", () => {
    const before = assign(KEYS, FIVE);
    const removed = "p3";
    const after = assign(
      KEYS,
      FIVE.filter((c) => c.id !== removed),
    );
    const moved: string[] = [];
    before.forEach((was, i) => {
      if (was === removed) moved.push(after[i]!);
      else expect(after[i]).toBe(was); // no key moves between surviving providers
    });
    expect(Math.abs(moved.length / KEYS.length - 0.2)).toBeLessThan(0.02);
    for (const id of ["p1", "p2", "p4", "p5"]) {
      expect(Math.abs(share(moved, id) - 0.25)).toBeLessThan(0.05);
    }
  });

  it("adding a provider only takes keys for itself", () => {
    const before = assign(KEYS, FIVE);
    const after = assign(KEYS, [...FIVE, makeCandidate("p6", 1)]);
    let taken = 0;
    before.forEach((was, i) => {
      if (after[i] === "p6") taken += 1;
      else expect(after[i]).toBe(was);
    });
    expect(Math.abs(taken / KEYS.length - 1 / 6)).toBeLessThan(0.02);
  });

  it("skews shares proportionally to weight (1:2:3:4, each within 2 points)", () => {
    const list = [
      makeCandidate("w1", 1),
      makeCandidate("w2", 2),
      makeCandidate("w3", 3),
      makeCandidate("w4", 4),
    ];
    const assignment = assign(KEYS, list);
    list.forEach((c) => expect(Math.abs(share(assignment, c.id) - c.weight / 10)).toBeLessThan(0.02));
  });

  it("raising one weight only pulls keys towards that provider", () => {
    const before = assign(KEYS, FIVE);
    const heavier = FIVE.map((c) => (c.id === "p2" ? makeCandidate("p2", 3) : c));
    const after = assign(KEYS, heavier);
    before.forEach((was, i) => {
      if (after[i] !== was) expect(after[i]).toBe("p2");
    });
    expect(Math.abs(share(after, "p2") - 3 / 7)).toBeLessThan(0.02);
  });

  it("falls back to weighted random when the affinity key is missing or empty", () => {
    const strategy = createIpHash();
    const list = [makeCandidate("a", 3), makeCandidate("b", 1)];
    expect(
      strategy.pick(
        list,
        makeContext(() => 0.74),
      )!.id,
    ).toBe("a");
    expect(
      strategy.pick(
        list,
        makeContext(() => 0.75),
      )!.id,
    ).toBe("b");
    expect(
      strategy.pick(
        list,
        makeContext(() => 0.75, ""),
      )!.id,
    ).toBe("b");
    const random = createSeededRandom(5);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (strategy.pick(list, makeContext(random))!.id === "a") a += 1;
    expect(Math.abs(a / 10_000 - 0.75)).toBeLessThan(0.02);
  });

  it("does not call random when a key is present", () => {
    const strategy = createIpHash();
    const random = (): number => {
      throw new Error("random must not be used for keyed picks");
    };
    expect(() => strategy.pick(FIVE, makeContext(random, "10.0.0.1"))).not.toThrow();
  });

  it("hashes with avalanche: one-character changes flip about half the bits", () => {
    let flipped = 0;
    const samples = 2_000;
    for (let i = 0; i < samples; i++) {
      const diff = (hashString(`key-${i}`) ^ hashString(`key-${i + 1}`)) >>> 0;
      flipped += diff
        .toString(2)
        .split("")
        .filter((bit) => bit === "1").length;
    }
    expect(Math.abs(flipped / samples - 16)).toBeLessThan(1);
    expect(hashString("")).toBe(hashString(""));
    expect(hashString("a")).not.toBe(hashString("b"));
  });
});
