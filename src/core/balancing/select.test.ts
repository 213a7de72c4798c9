import { describe, expect, it } from "vitest";
import { createSeededRandom } from "@/core/random/seeded";
import type { StrategyName } from "./registry";
import {
  createStrategy,
  createTierStrategies,
  selectProvider,
  type BalancerMember,
  type SelectOptions,
} from "./select";

const member = (
  id: string,
  priority: number,
  weight = 1,
  extra: Partial<Pick<BalancerMember, "available" | "inFlight">> = {},
): BalancerMember => ({
  id,
  priority,
  weight,
  inFlight: extra.inFlight ?? 0,
  available: extra.available ?? true,
});

const optionsFor = (strategy: StrategyName, extra: Partial<SelectOptions> = {}): SelectOptions => ({
  strategyFor: createTierStrategies(strategy),
  random: createSeededRandom(3),
  ...extra,
});

const countSelections = (members: readonly BalancerMember[], options: SelectOptions, picks: number) => {
  const counts: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const id = selectProvider(members, options)?.id ?? "none";
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
};

describe("selectProvider", () => {
  it("returns undefined when there are no members", () => {
    expect(selectProvider([], optionsFor("weighted_round_robin"))).toBeUndefined();
  });

  it("uses only the best tier while it has an eligible member, with the strategy's weights", () => {
    const members = [member("c", 1, 10), member("a", 0, 3), member("b", 0, 1), member("d", 2, 10)];
    const options = optionsFor("weighted_round_robin");
    expect(selectProvider(members, options)).toEqual({ id: "a", tier: { priority: 0, standby: false } });
    expect(countSelections(members, options, 399)).toEqual({ a: 299, b: 100 });
  });

  it("falls to the next tier only when every better member is unavailable or excluded", () => {
    const members = [member("a", 0, 1, { available: false }), member("b", 0), member("c", 1), member("d", 2)];
    const options = optionsFor("round_robin");
    expect(selectProvider(members, options)?.id).toBe("b");
    expect(selectProvider(members, { ...options, excluded: new Set(["b"]) })).toEqual({
      id: "c",
      tier: { priority: 1, standby: false },
    });
    expect(selectProvider(members, { ...options, excluded: new Set(["b", "c"]) })?.tier.priority).toBe(2);
    expect(selectProvider(members, { ...options, excluded: new Set(["b", "c", "d"]) })).toBeUndefined();
  });

  it("never offers an excluded or unavailable member of the chosen tier", () => {
    const members = [member("a", 0), member("b", 0, 1, { available: false }), member("c", 0), member("d", 0)];
    const options = optionsFor("weighted_random", { excluded: new Set(["c"]) });
    const counts = countSelections(members, options, 2_000);
    expect(Object.keys(counts).sort()).toEqual(["a", "d"]);
  });

  it("skips a tier that holds only standbys while a worse tier has weighted members", () => {
    const members = [member("s", 0, 0), member("w", 3, 2)];
    expect(selectProvider(members, optionsFor("weighted_round_robin"))).toEqual({
      id: "w",
      tier: { priority: 3, standby: false },
    });
  });

  it("uses weight-0 standbys only when nothing else is eligible, as weight 1 among themselves", () => {
    const members = [
      member("main", 0, 5),
      member("s1", 0, 0),
      member("s2", 0, 0),
      member("backup", 1, 2, { available: false }),
    ];
    const options = optionsFor("weighted_round_robin");
    expect(countSelections(members, options, 50)).toEqual({ main: 50 });
    const failedMain = { ...options, excluded: new Set(["main"]) };
    expect(selectProvider(members, failedMain)?.tier).toEqual({ priority: 0, standby: true });
    expect(countSelections(members, failedMain, 100)).toEqual({ s1: 50, s2: 50 });
  });

  it("prefers the best-priority standbys and treats bad weights as standby", () => {
    const members = [member("late", 2, 0), member("nan", 1, Number.NaN), member("neg", 1, -4)];
    const counts = countSelections(members, optionsFor("weighted_round_robin"), 10);
    expect(counts).toEqual({ nan: 5, neg: 5 });
    const onlyLate = { ...optionsFor("round_robin"), excluded: new Set(["nan", "neg"]) };
    expect(selectProvider(members, onlyLate)).toEqual({ id: "late", tier: { priority: 2, standby: true } });
  });

  it("returns undefined when even the standbys are unavailable or excluded", () => {
    const members = [member("a", 0, 2, { available: false }), member("s", 0, 0)];
    expect(
      selectProvider(members, { ...optionsFor("round_robin"), excluded: new Set(["s"]) }),
    ).toBeUndefined();
  });

  it("keeps per-tier strategy state separate: tier-1 picks do not disturb tier 0's rotation", () => {
    const members = [member("a", 0), member("b", 0), member("c", 0), member("x", 1), member("y", 1)];
    const options = optionsFor("round_robin");
    const picks: string[] = [];
    for (let i = 0; i < 6; i++) {
      picks.push(selectProvider(members, options)!.id);
      // A retry that finds tier 0 all failed and picks in tier 1.
      selectProvider(members, { ...options, excluded: new Set(["a", "b", "c"]) });
    }
    expect(picks).toEqual(["a", "b", "c", "a", "b", "c"]);

    // The same run with one instance shared by all tiers would be disturbed (shows the test bites).
    const shared = createStrategy("round_robin");
    const sharedPicks: string[] = [];
    for (let i = 0; i < 3; i++) {
      sharedPicks.push(selectProvider(members, { ...options, strategyFor: () => shared })!.id);
      selectProvider(members, { ...options, strategyFor: () => shared, excluded: new Set(["a", "b", "c"]) });
    }
    expect(sharedPicks).not.toEqual(["a", "b", "c"]);
  });

  it("keeps smooth WRR exact in tier 0 while tier 1 and standby picks interleave", () => {
    const members = [
      member("a", 0, 5),
      member("b", 0, 3),
      member("c", 0, 2),
      member("x", 1, 1),
      member("s", 1, 0),
    ];
    const options = optionsFor("weighted_round_robin");
    const tier0: string[] = [];
    for (let i = 0; i < 100; i++) {
      tier0.push(selectProvider(members, options)!.id);
      selectProvider(members, { ...options, excluded: new Set(["a", "b", "c"]) });
      selectProvider(members, { ...options, excluded: new Set(["a", "b", "c", "x"]) });
    }
    expect(tier0.slice(0, 10).join("")).toBe("abcaabacba");
    expect(tier0.filter((id) => id === "a").length).toBe(50);
  });

  it("passes the affinity key and random through to the strategy", () => {
    const members = [member("a", 0), member("b", 0), member("c", 0)];
    const options = optionsFor("ip_hash");
    const first = selectProvider(members, { ...options, affinityKey: "203.0.113.7" })!.id;
    for (let i = 0; i < 20; i++) {
      expect(selectProvider(members, { ...options, affinityKey: "203.0.113.7" })!.id).toBe(first);
    }
    const fixed = optionsFor("weighted_random", { random: () => 0.99 });
    expect(selectProvider(members, fixed)!.id).toBe("c");
  });

  it("passes in-flight counts through (also for standbys)", () => {
    const members = [member("a", 0, 0, { inFlight: 4 }), member("b", 0, 0, { inFlight: 1 })];
    expect(selectProvider(members, optionsFor("least_connections"))!.id).toBe("b");
  });
});

describe("createTierStrategies", () => {
  it("keeps one instance per (priority, standby) pool", () => {
    const strategyFor = createTierStrategies("round_robin");
    const t0 = strategyFor({ priority: 0, standby: false });
    expect(strategyFor({ priority: 0, standby: false })).toBe(t0);
    expect(strategyFor({ priority: 1, standby: false })).not.toBe(t0);
    expect(strategyFor({ priority: 0, standby: true })).not.toBe(t0);
    expect(t0.name).toBe("round_robin");
  });

  it("accepts a factory and rejects an unknown strategy name", () => {
    const strategyFor = createTierStrategies(() => createStrategy("ip_hash"));
    expect(strategyFor({ priority: 0, standby: false }).name).toBe("ip_hash");
    expect(() => createTierStrategies("nope" as StrategyName)).toThrow(
      expect.objectContaining({ code: "INTERNAL_ERROR" }),
    );
  });
});
