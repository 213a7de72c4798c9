import { describe, expect, it } from "vitest";
import { evaluateAlerts } from "./evaluate";
import { windowKey } from "./observe";
import type {
  AlertCondition,
  AlertNotification,
  AlertRuleSpec,
  AlertState,
  GroupWindow,
  ProviderSignal,
  SignalReadings,
} from "./types";

const T0 = 1_700_000_000_000;
const GROUP = "11111111-1111-4111-8111-111111111111";
const FIVE_MIN = 300_000;

function rule(condition: AlertCondition, overrides: Partial<AlertRuleSpec> = {}): AlertRuleSpec {
  return {
    id: "rule-1",
    name: "rule one",
    severity: "warning",
    enabled: true,
    condition,
    forMs: 0,
    cooldownMs: 0,
    ...overrides,
  };
}

const successRate = (overrides: Partial<Extract<AlertCondition, { type: "group_success_rate" }>> = {}) =>
  ({
    type: "group_success_rate",
    groupId: GROUP,
    minSuccessRatePercent: 90,
    windowMs: FIVE_MIN,
    minRequests: 10,
    ...overrides,
  }) as const;

interface World {
  providers?: ProviderSignal[] | null;
  window?: GroupWindow;
  down?: boolean;
  dropped?: number;
}

function readings(world: World): SignalReadings {
  return {
    providers: world.providers === undefined ? [] : world.providers,
    groupWindows: new Map(world.window ? [[windowKey(GROUP, FIVE_MIN), world.window]] : []),
    groupsDown: new Map(world.down === undefined ? [] : [[GROUP, world.down]]),
    droppedLogRows: new Map(world.dropped === undefined ? [] : [[FIVE_MIN, world.dropped]]),
    groupNames: new Map([[GROUP, "main"]]),
  };
}

/** Drives evaluations on a fake clock, carrying states from one to the next. */
function harness(rules: AlertRuleSpec[]) {
  let now = T0;
  let states: AlertState[] = [];
  const sent: AlertNotification[] = [];
  return {
    sent,
    get states() {
      return states;
    },
    advance(ms: number) {
      now += ms;
    },
    now: () => now,
    run(world: World, rulesNow: AlertRuleSpec[] = rules): AlertNotification[] {
      const result = evaluateAlerts({ rules: rulesNow, readings: readings(world), states, now });
      states = result.states;
      sent.push(...result.notifications);
      return result.notifications;
    },
  };
}

const bad: GroupWindow = { requests: 100, successes: 40, p95LatencyMs: 900 };
const good: GroupWindow = { requests: 100, successes: 99, p95LatencyMs: 200 };

describe("evaluateAlerts", () => {
  it("fires once across many evaluations and resolves once when the condition clears", () => {
    const h = harness([rule(successRate())]);
    for (let i = 0; i < 20; i++) {
      h.run({ window: bad });
      h.advance(15_000);
    }
    expect(h.sent.map((n) => n.kind)).toEqual(["firing"]);
    const firing = h.sent[0]!;
    expect(firing).toMatchObject({
      ruleId: "rule-1",
      subjectKey: `group:${GROUP}`,
      subjectName: "main",
      value: 40,
      threshold: 90,
      firedAt: T0,
      resolvedAt: null,
    });
    expect(firing.summary).toContain("40.0%");
    for (let i = 0; i < 10; i++) {
      h.run({ window: good });
      h.advance(15_000);
    }
    expect(h.sent.map((n) => n.kind)).toEqual(["firing", "resolved"]);
    expect(h.sent[1]).toMatchObject({
      firedAt: T0,
      resolvedAt: T0 + 20 * 15_000,
      reason: "condition_cleared",
    });
    // Quiet and out of cooldown: nothing is remembered.
    expect(h.states).toEqual([]);
  });

  it("respects the minimum volume: a bad rate on too few requests neither fires nor resolves", () => {
    const h = harness([rule(successRate({ minRequests: 50 }))]);
    h.run({ window: { requests: 49, successes: 0, p95LatencyMs: null } });
    expect(h.sent).toEqual([]);
    h.run({ window: { requests: 50, successes: 0, p95LatencyMs: null } });
    expect(h.sent.map((n) => n.kind)).toEqual(["firing"]);
    // Traffic dropping below the minimum is "no data": the incident stays open.
    h.advance(60_000);
    h.run({ window: { requests: 3, successes: 3, p95LatencyMs: null } });
    h.run({});
    expect(h.sent.map((n) => n.kind)).toEqual(["firing"]);
    expect(h.states[0]?.firingSince).toBe(T0);
    h.run({ window: good });
    expect(h.sent.map((n) => n.kind)).toEqual(["firing", "resolved"]);
  });

  it("waits forMs of continuous violation before firing, and restarts the wait when it breaks", () => {
    const h = harness([rule(successRate(), { forMs: 60_000 })]);
    h.run({ window: bad });
    h.advance(45_000);
    h.run({ window: bad });
    h.advance(10_000);
    h.run({ window: good });
    h.advance(10_000);
    h.run({ window: bad });
    h.advance(59_999);
    h.run({ window: bad });
    expect(h.sent).toEqual([]);
    h.advance(1);
    h.run({ window: bad });
    expect(h.sent.map((n) => n.kind)).toEqual(["firing"]);
    expect(h.sent[0]?.firedAt).toBe(h.now());
  });

  it("holds a re-fire during the cooldown so a flapping condition cannot page again and again", () => {
    const h = harness([rule(successRate(), { cooldownMs: 600_000 })]);
    h.run({ window: bad });
    h.advance(15_000);
    h.run({ window: good });
    const resolvedAt = h.now();
    // Flaps every tick for the rest of the cooldown.
    for (let t = 15_000; t < 600_000; t += 15_000) {
      h.advance(15_000);
      h.run({ window: t % 30_000 === 0 ? good : bad });
    }
    expect(h.sent.map((n) => n.kind)).toEqual(["firing", "resolved"]);
    h.advance(resolvedAt + 600_000 - h.now());
    h.run({ window: bad });
    expect(h.sent.map((n) => n.kind)).toEqual(["firing", "resolved", "firing"]);
  });

  it("fires a condition that still holds when the cooldown ends", () => {
    const h = harness([rule(successRate(), { cooldownMs: 120_000 })]);
    h.run({ window: bad });
    h.advance(1_000);
    h.run({ window: good });
    h.advance(1_000);
    h.run({ window: bad });
    h.advance(118_999);
    h.run({ window: bad });
    expect(h.sent).toHaveLength(2);
    h.advance(1);
    h.run({ window: bad });
    expect(h.sent.map((n) => n.kind)).toEqual(["firing", "resolved", "firing"]);
  });

  it("tracks each provider as its own incident and resolves one that disappears", () => {
    const condition: AlertCondition = {
      type: "provider_unhealthy",
      providerIds: null,
      states: ["unhealthy", "ejected"],
    };
    const h = harness([rule(condition)]);
    const p = (id: string, state: string, reason: string | null = null): ProviderSignal => ({
      providerId: id,
      name: `prov-${id}`,
      state,
      reason,
    });
    h.run({ providers: [p("a", "ejected", "consecutive_failures"), p("b", "healthy"), p("c", "degraded")] });
    expect(h.sent.map((n) => [n.kind, n.subjectKey])).toEqual([["firing", "a"]]);
    expect(h.sent[0]?.summary).toBe('Provider "prov-a" is ejected (consecutive_failures)');
    h.run({ providers: [p("a", "unhealthy"), p("b", "unhealthy"), p("c", "degraded")] });
    expect(h.sent.map((n) => [n.kind, n.subjectKey])).toEqual([
      ["firing", "a"],
      ["firing", "b"],
    ]);
    // The provider list could not be read: nothing resolves.
    h.run({ providers: null });
    expect(h.sent).toHaveLength(2);
    // "a" was deleted, "b" recovered.
    h.run({ providers: [p("b", "healthy"), p("c", "degraded")] });
    expect(h.sent.slice(2).map((n) => [n.kind, n.subjectKey, n.reason])).toEqual([
      ["resolved", "b", "condition_cleared"],
      ["resolved", "a", "subject_gone"],
    ]);
  });

  it("only watches the listed providers and states", () => {
    const condition: AlertCondition = { type: "provider_unhealthy", providerIds: ["b"], states: ["ejected"] };
    const h = harness([rule(condition)]);
    h.run({
      providers: [
        { providerId: "a", name: "a", state: "ejected", reason: null },
        { providerId: "b", name: "b", state: "unhealthy", reason: null },
      ],
    });
    expect(h.sent).toEqual([]);
    h.run({ providers: [{ providerId: "b", name: "b", state: "ejected", reason: null }] });
    expect(h.sent.map((n) => n.subjectKey)).toEqual(["b"]);
  });

  it("resolves open incidents when their rule is disabled, and forgets deleted rules silently", () => {
    const spec = rule({ type: "group_all_down", groupId: GROUP });
    const other = rule({ type: "log_rows_dropped", windowMs: FIVE_MIN, minDropped: 5 }, { id: "rule-2" });
    const h = harness([spec, other]);
    h.run({ down: true, dropped: 5 });
    expect(h.sent.map((n) => [n.kind, n.ruleId])).toEqual([
      ["firing", "rule-1"],
      ["firing", "rule-2"],
    ]);
    h.run({ down: true, dropped: 9 }, [{ ...spec, enabled: false }, other]);
    expect(h.sent[2]).toMatchObject({ kind: "resolved", ruleId: "rule-1", reason: "rule_disabled" });
    h.run({ down: true, dropped: 9 }, [{ ...spec, enabled: false }]);
    expect(h.sent).toHaveLength(3);
    expect(h.states.some((s) => s.ruleId === "rule-2")).toBe(false);
  });

  it("fires p95 latency only above the threshold with enough requests, and log drops at the minimum", () => {
    const latency = rule({
      type: "group_latency_p95",
      groupId: GROUP,
      maxP95LatencyMs: 900,
      windowMs: FIVE_MIN,
      minRequests: 10,
    });
    const h = harness([latency]);
    h.run({ window: { requests: 100, successes: 100, p95LatencyMs: 900 } });
    h.run({ window: { requests: 9, successes: 9, p95LatencyMs: 5000 } });
    h.run({ window: { requests: 100, successes: 100, p95LatencyMs: null } });
    expect(h.sent).toEqual([]);
    h.run({ window: { requests: 100, successes: 100, p95LatencyMs: 901 } });
    expect(h.sent[0]).toMatchObject({ kind: "firing", value: 901, threshold: 900 });

    const drops = harness([rule({ type: "log_rows_dropped", windowMs: FIVE_MIN, minDropped: 3 })]);
    drops.run({ dropped: 2 });
    drops.run({});
    expect(drops.sent).toEqual([]);
    drops.run({ dropped: 3 });
    drops.run({ dropped: 0 });
    expect(drops.sent.map((n) => n.kind)).toEqual(["firing", "resolved"]);
  });

  it("is pure: the same input gives the same output and the input states are not changed", () => {
    const input = {
      rules: [rule(successRate())],
      readings: readings({ window: bad }),
      states: [] as AlertState[],
      now: T0,
    };
    const first = evaluateAlerts(input);
    const frozen = Object.freeze([...first.states]);
    const again = evaluateAlerts({ ...input, states: frozen, now: T0 + 1 });
    expect(evaluateAlerts(input)).toEqual(first);
    expect(again.notifications).toEqual([]);
    expect(frozen).toEqual(first.states);
  });
});
