import { describe, expect, it } from "vitest";
import {
  computeMaxOut,
  computePeerLatencyMedians,
  evaluateGroupHealth,
  pickPanicMember,
} from "./group-health";
import { DEFAULT_HEALTH_POLICY as POLICY } from "./policy";
import { createHealthState, ejectManually, ejectProvider, type ProviderHealthState } from "./provider-health";

const T0 = 1_200_000;

const withLatency = (latencyEwmaMs: number | null): ProviderHealthState => ({
  ...createHealthState(),
  latencyEwmaMs,
});

const ejectedAt = (lastFailureAt: number | null): ProviderHealthState => ({
  ...ejectProvider(createHealthState(), T0, POLICY, "consecutive_failures"),
  lastFailureAt,
});

describe("group rules", () => {
  it("computes the share cap as floor(n × share), robust to float error", () => {
    expect([1, 2, 3, 4, 5].map((n) => computeMaxOut(n, 0.5))).toEqual([0, 1, 1, 2, 2]);
    expect(computeMaxOut(100, 0.29)).toBe(29);
    expect(computeMaxOut(4, 0)).toBe(0);
    expect(computeMaxOut(3, 1)).toBe(3);
  });

  it("takes each member's peer median: the other members that have a latency, never itself", () => {
    const peers = (...values: (number | null)[]) => computePeerLatencyMedians(values.map(withLatency));
    expect(peers(null)).toEqual([null]);
    expect(peers(40)).toEqual([null]);
    // A pair: each is judged against the other (a median including itself could never be 3 × away).
    expect(peers(50, 2_000)).toEqual([2_000, 50]);
    expect(peers(300, null, 100)).toEqual([100, 200, 300]);
    expect(peers(5, 300, 100, 100)).toEqual([100, 100, 100, 100]);
    // Equal latencies: only one of them is left out.
    expect(peers(7, 7, 7)).toEqual([7, 7, 7]);
    expect(peers(10, 20, 30, 40, 1_000)).toEqual([35, 35, 30, 25, 25]);
  });

  it("panic picks the oldest last failure, never-failed first, skipping auth and manual", () => {
    const authBlocked = { ...ejectedAt(1), outReason: "auth" as const };
    const manual = { ...ejectManually(createHealthState(), null), lastFailureAt: 0 };
    expect(pickPanicMember([ejectedAt(T0 + 5), ejectedAt(T0 + 2), ejectedAt(T0 + 9)])).toBe(1);
    expect(pickPanicMember([ejectedAt(T0), ejectedAt(null), ejectedAt(null)])).toBe(1);
    expect(pickPanicMember([authBlocked, manual, ejectedAt(T0)])).toBe(2);
    expect(pickPanicMember([authBlocked, manual])).toBeNull();
  });

  it("reports only the states it changed, deduplicating member ids", () => {
    const states = new Map<string, ProviderHealthState>([
      ["a", ejectedAt(T0)],
      ["b", createHealthState()],
    ]);
    const read = (id: string) => states.get(id) ?? createHealthState();
    const first = evaluateGroupHealth(read, ["a", "b", "a"], T0 + 1, POLICY);
    expect(first.members.map((m) => m.id)).toEqual(["a", "b"]);
    expect(first.updates.size).toBe(0);

    const failing = { ...createHealthState(), consecutiveFailures: 7 };
    states.set("c", failing);
    states.set("d", createHealthState());
    const second = evaluateGroupHealth(read, ["a", "b", "c", "d"], T0 + 1, POLICY);
    expect([...second.updates.keys()]).toEqual(["c"]);
    expect(second.updates.get("c")).toMatchObject({ mode: "out", outUntil: T0 + 30_001 });
    expect(states.get("c")).toBe(failing);
  });

  it("an empty group is neither available nor in panic", () => {
    expect(evaluateGroupHealth(() => createHealthState(), [], T0, POLICY)).toMatchObject({
      members: [],
      panic: false,
    });
  });
});
