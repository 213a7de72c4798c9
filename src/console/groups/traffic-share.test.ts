import { describe, expect, it } from "vitest";
import { strategyUsesWeights } from "@/core/vocabulary/balancing";
import { computeTrafficShares, prioritiesForOrder, sortMembers } from "./traffic-share";

const member = (
  providerId: string,
  priority: number,
  effectiveWeight: number,
  enabled = true,
  providerEnabled = true,
) => ({
  providerId,
  providerName: providerId,
  priority,
  effectiveWeight,
  enabled,
  providerEnabled,
});

describe("computeTrafficShares", () => {
  it("splits the best tier by effective weight and marks worse tiers as failover", () => {
    const shares = computeTrafficShares(
      [member("a", 0, 3), member("b", 0, 1), member("c", 10, 5)],
      "weighted_round_robin",
    );
    expect(shares).toEqual([
      { providerId: "a", role: "active", share: 0.75 },
      { providerId: "b", role: "active", share: 0.25 },
      { providerId: "c", role: "failover", share: 0 },
    ]);
  });

  it("skips a tier whose members are all off or weight 0", () => {
    const shares = computeTrafficShares(
      [member("a", 0, 2, false), member("b", 0, 0), member("c", 5, 1), member("d", 5, 1, true, false)],
      "weighted_random",
    );
    expect(shares.map((s) => [s.providerId, s.role, s.share])).toEqual([
      ["a", "off", 0],
      ["b", "standby", 0],
      ["c", "active", 1],
      ["d", "off", 0],
    ]);
  });

  it("uses the best standby tier evenly when no member has weight", () => {
    const shares = computeTrafficShares([member("a", 3, 0), member("b", 3, 0), member("c", 7, 0)], "ip_hash");
    expect(shares.map((s) => [s.role, s.share])).toEqual([
      ["active", 0.5],
      ["active", 0.5],
      ["standby", 0],
    ]);
  });

  it("ignores weights for round robin and least connections", () => {
    expect(strategyUsesWeights("round_robin")).toBe(false);
    expect(strategyUsesWeights("least_connections")).toBe(false);
    expect(strategyUsesWeights("weighted_round_robin")).toBe(true);
    const shares = computeTrafficShares([member("a", 0, 9), member("b", 0, 1)], "round_robin");
    expect(shares.map((s) => s.share)).toEqual([0.5, 0.5]);
  });

  it("gives nothing when every member is off", () => {
    expect(computeTrafficShares([member("a", 0, 1, false)], "round_robin")).toEqual([
      { providerId: "a", role: "off", share: 0 },
    ]);
    expect(computeTrafficShares([], "round_robin")).toEqual([]);
  });
});

describe("prioritiesForOrder", () => {
  it("gives the moved member a tier of its own and keeps untouched shared tiers", () => {
    // b is dragged above a out of the shared tier 0: a and c still share a tier, now the second one.
    const order = [
      { providerId: "b", priority: 0 },
      { providerId: "a", priority: 0 },
      { providerId: "c", priority: 0 },
      { providerId: "d", priority: 10 },
    ];
    expect(prioritiesForOrder(order, "b")).toEqual([
      { providerId: "b", priority: 0 },
      { providerId: "a", priority: 10 },
      { providerId: "c", priority: 10 },
      { providerId: "d", priority: 20 },
    ]);
  });

  it("renumbers distinct tiers by position", () => {
    const order = [
      { providerId: "y", priority: 40 },
      { providerId: "x", priority: 5 },
    ];
    expect(prioritiesForOrder(order, "y")).toEqual([
      { providerId: "y", priority: 0 },
      { providerId: "x", priority: 10 },
    ]);
  });
});

describe("sortMembers", () => {
  it("orders by priority, then provider name", () => {
    const sorted = sortMembers([
      { priority: 10, providerName: "a" },
      { priority: 0, providerName: "z" },
      { priority: 0, providerName: "m" },
    ]);
    expect(sorted.map((m) => m.providerName)).toEqual(["m", "z", "a"]);
  });
});
