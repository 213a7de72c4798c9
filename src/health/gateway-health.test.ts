import { afterEach, describe, expect, it } from "vitest";
import type { SnapshotGroup, SnapshotMember } from "../gateway/snapshot/snapshot-types";
import { createLogger } from "../observability/logger";
import { createMemoryStore } from "../store/memory-store";
import { createGatewayHealth, type GatewayHealth } from "./gateway-health";

/** The health layer behind the gateway's hooks, on a fake clock (single instance). */

const T0 = 1_800_000;
const stores: ReturnType<typeof createMemoryStore>[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function setup(policy = {}) {
  let t = T0;
  const store = createMemoryStore();
  stores.push(store);
  const health: GatewayHealth = createGatewayHealth({
    store,
    logger: createLogger("silent"),
    policy: { consecutiveFailures: 2, baseEjectionMs: 1_000, slowStartMs: 1_000, ...policy },
    now: () => t,
  });
  const member = (id: string): SnapshotMember =>
    ({ provider: { id }, priority: 0, weight: 1 }) as unknown as SnapshotMember;
  const group = { members: ["a", "b", "c"].map(member) } as unknown as SnapshotGroup;
  return {
    health,
    group,
    advance: (ms: number) => {
      t += ms;
    },
    fail: (id: string) => health.hooks.onAttemptOutcome(id, { kind: "status", status: 502 }, 3, "failure"),
    succeed: (id: string) => health.hooks.onAttemptOutcome(id, { kind: "status", status: 200 }, 3, "success"),
  };
}

describe("viewGroup", () => {
  it("is shared by a single instance and caches the group's view while nothing relevant changes", () => {
    const { health, group, succeed, fail } = setup();
    expect(health.shared).toBe(false);
    const first = health.hooks.viewGroup(group);
    expect(first!.map((m) => m.available)).toEqual([true, true, true]);
    succeed("a");
    fail("b");
    expect(health.hooks.viewGroup(group)).toBe(first);
    fail("b");
    const after = health.hooks.viewGroup(group);
    expect(after).not.toBe(first);
    expect(after!.map((m) => m.available)).toEqual([true, false, true]);
  });

  it("rebuilds when an ejection ends, then every 100 ms while the slow start ramps", () => {
    const { health, group, fail, advance, succeed } = setup();
    fail("a");
    fail("a");
    expect(health.hooks.viewGroup(group)![0]).toMatchObject({ available: false });
    advance(999);
    expect(health.hooks.viewGroup(group)![0]).toMatchObject({ available: false });
    advance(1);
    expect(health.hooks.viewGroup(group)![0]).toMatchObject({ available: true, trial: true });
    expect(health.hooks.claimTrial("a")).toBe(true);
    expect(health.hooks.claimTrial("a")).toBe(false);
    expect(health.hooks.viewGroup(group)![0]).toMatchObject({ available: false });
    succeed("a");
    const ramp = health.hooks.viewGroup(group)!;
    expect(ramp[0]).toMatchObject({ available: true, trial: false, weightFactor: 0.1 });
    advance(50);
    expect(health.hooks.viewGroup(group)).toBe(ramp);
    advance(50);
    expect(health.hooks.viewGroup(group)![0]!.weightFactor).toBeCloseTo(0.19, 5);
    advance(1_000);
    expect(health.hooks.viewGroup(group)![0]!.weightFactor).toBe(1);
  });

  it("a neutral outcome frees a claimed trial; otherwise it records nothing", () => {
    const { health, group, fail, advance } = setup();
    health.hooks.onAttemptOutcome("c", { kind: "error", code: "CLIENT_CLOSED" }, 1, "neutral");
    expect(health.snapshot(["c"])[0]).toMatchObject({ volume: 0, consecutiveFailures: 0 });
    fail("a");
    fail("a");
    health.hooks.viewGroup(group);
    advance(1_000);
    expect(health.hooks.claimTrial("a")).toBe(true);
    health.hooks.onAttemptOutcome("a", { kind: "error", code: "CLIENT_CLOSED" }, 1, "neutral");
    expect(health.hooks.claimTrial("a")).toBe(true);
  });

  it("manual eject and restore apply at once", async () => {
    const { health, group } = setup();
    await health.eject("b", null);
    expect(health.hooks.viewGroup(group)![1]).toMatchObject({ available: false });
    await health.restore("b");
    expect(health.hooks.viewGroup(group)![1]).toMatchObject({ available: true, weightFactor: 0.1 });
  });
});
