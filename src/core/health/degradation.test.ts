import { describe, expect, it } from "vitest";
import {
  clearSuccessRateVerdict,
  createDegradationState,
  noteLatencyReference,
  readDegradedReason,
  stepDegradation,
  stepLatch,
  type DegradationLatch,
  type DegradationState,
} from "./degradation";
import { DEFAULT_HEALTH_POLICY as POLICY } from "./policy";
import {
  createHealthState,
  ejectProvider,
  recordOutcome,
  type AttemptOutcome,
  type ProviderHealthState,
} from "./provider-health";

const T0 = 1_200_000;
const OFF: DegradationLatch = { on: false, since: null };
const ON: DegradationLatch = { on: true, since: null };

const withEwma = (latencyEwmaMs: number | null): ProviderHealthState => ({
  ...createHealthState(),
  latencyEwmaMs,
});

/** A verdict state whose latency reference is `referenceMs`, noted at T0. */
const withReference = (referenceMs: number): DegradationState =>
  noteLatencyReference(createDegradationState(), referenceMs, T0, POLICY);

function play(outcomes: readonly AttemptOutcome[], now: number): ProviderHealthState {
  return outcomes.reduce((state, outcome) => recordOutcome(state, outcome, now, POLICY), createHealthState());
}

/** `failures` failures among `volume` attempts, all at `now`. */
const windowOf = (volume: number, failures: number, now = T0): ProviderHealthState =>
  play(
    Array.from({ length: volume }, (_, i): AttemptOutcome =>
      i < failures ? { health: "failure", status: 500 } : { health: "success" },
    ),
    now,
  );

describe("one latch: hysteresis and dwell", () => {
  const step = (latch: DegradationLatch, entering: boolean, clearing: boolean, now: number) =>
    stepLatch(latch, entering, clearing, now, 3_000, 10_000);

  it("goes on only once the entering condition has held for the enter dwell", () => {
    const pending = step(OFF, true, false, T0);
    expect(pending).toEqual({ on: false, since: T0 });
    expect(step(pending, true, false, T0 + 2_999)).toBe(pending);
    expect(step(pending, true, false, T0 + 3_000)).toEqual(ON);
  });

  it("keeps waiting between the lines, resets when the clearing line is crossed", () => {
    const pending = step(OFF, true, false, T0);
    // Neither entering nor clearing (between the two lines): the wait goes on, but the latch only
    // turns on at a moment when the entering condition holds again.
    expect(step(pending, false, false, T0 + 5_000)).toBe(pending);
    expect(step(pending, true, false, T0 + 5_001)).toEqual(ON);
    expect(step(pending, false, true, T0 + 1_000)).toEqual(OFF);
  });

  it("goes off only after the clearing condition held for the exit dwell without a break", () => {
    const leaving = step(ON, false, true, T0);
    expect(leaving).toEqual({ on: true, since: T0 });
    expect(step(leaving, false, true, T0 + 9_999)).toBe(leaving);
    expect(step(leaving, false, true, T0 + 10_000)).toEqual(OFF);
    // A moment above the clearing line starts the wait over.
    expect(step(leaving, false, false, T0 + 9_000)).toEqual(ON);
    expect(step(ON, false, false, T0)).toBe(ON);
    expect(step(OFF, false, false, T0)).toBe(OFF);
  });

  it("switches at once with zero dwell times", () => {
    expect(stepLatch(OFF, true, false, T0, 0, 0)).toEqual(ON);
    expect(stepLatch(ON, false, true, T0, 0, 0)).toEqual(OFF);
  });
});

describe("the latency reference: a stable window of peer medians", () => {
  it("is the median of the peer medians noted over the window, one per bucket", () => {
    let state = createDegradationState();
    expect(state.referenceMs).toBeNull();
    // 3 s buckets over 30 s: the last value noted in a bucket stands for it.
    for (const [offset, median] of [
      [0, 100],
      [1_000, 110],
      [3_000, 90],
      [6_000, 5_000],
      [9_000, 100],
    ] as const) {
      state = noteLatencyReference(state, median, T0 + offset, POLICY);
    }
    expect(state.samples.map((s) => s.medianMs)).toEqual([110, 90, 5_000, 100]);
    // One slow moment of a peer does not move the line.
    expect(state.referenceMs).toBe(105);
    expect(noteLatencyReference(state, 100, T0 + 9_500, POLICY)).toBe(state);
  });

  it("drops samples older than the window when a new one is noted, not with time alone", () => {
    let state = noteLatencyReference(createDegradationState(), 100, T0, POLICY);
    state = noteLatencyReference(state, 400, T0 + 15_000, POLICY);
    expect(state.referenceMs).toBe(250);
    // An idle group (nothing noted) keeps its reference: stepping never ages it.
    const idle = stepDegradation(state, withEwma(300), T0 + 300_000, POLICY);
    expect(idle.referenceMs).toBe(250);
    expect(noteLatencyReference(state, 400, T0 + 30_000, POLICY).referenceMs).toBe(400);
    // Evaluated with no peer latency (left alone in its group): old samples age out all the same.
    expect(noteLatencyReference(state, null, T0 + 20_000, POLICY)).toBe(state);
    expect(noteLatencyReference(state, null, T0 + 30_000, POLICY).referenceMs).toBe(400);
    expect(noteLatencyReference(state, null, T0 + 45_000, POLICY)).toMatchObject({
      samples: [],
      referenceMs: null,
    });
  });

  it("keeps at most one sample per bucket at any evaluation rate", () => {
    let state = createDegradationState();
    for (let t = 0; t < 120_000; t += 7) state = noteLatencyReference(state, 100 + (t % 13), T0 + t, POLICY);
    expect(state.samples.length).toBeLessThanOrEqual(10);
  });
});

describe("the latency verdict", () => {
  const at = (state: DegradationState, ewma: number | null, now: number) =>
    stepDegradation(state, withEwma(ewma), now, POLICY);

  it("never calls a provider slow at or below the floor, whatever the multiple", () => {
    let state = withReference(0.2);
    for (let t = 0; t <= 60_000; t += 100) state = at(state, 250, T0 + t);
    expect(readDegradedReason(state)).toBeNull();
    expect(state.latency).toEqual(OFF);
  });

  it("enters above max(floor, 3 × reference) after the enter dwell; leaves at 2 × after the exit dwell", () => {
    let state = withReference(200);
    state = at(state, 601, T0);
    expect(state.latency).toEqual({ on: false, since: T0 });
    state = at(state, 601, T0 + 3_000);
    expect(readDegradedReason(state)).toBe("latency");
    // Between the lines (400 < EWMA <= 600): still degraded, nothing pending.
    state = at(state, 500, T0 + 4_000);
    expect(state.latency).toEqual(ON);
    state = at(state, 400, T0 + 5_000);
    expect(state.latency).toEqual({ on: true, since: T0 + 5_000 });
    state = at(state, 400, T0 + 14_999);
    expect(readDegradedReason(state)).toBe("latency");
    state = at(state, 400, T0 + 15_000);
    expect(readDegradedReason(state)).toBeNull();
  });

  it("scales the floor by exit / enter factor for the exit line", () => {
    let state = withReference(1);
    state = at(state, 251, T0);
    state = at(state, 251, T0 + 3_000);
    expect(state.latency.on).toBe(true);
    // Exit line: 250 × 2 / 3 ≈ 166.7 ms.
    expect(at(state, 170, T0 + 4_000).latency).toEqual(ON);
    expect(at(state, 166, T0 + 4_000).latency).toEqual({ on: true, since: T0 + 4_000 });
  });

  it("has no verdict without a reference (no peer) or a latency, and none when the factor is 0", () => {
    const none = createDegradationState();
    expect(at(none, 10_000, T0 + 60_000).latency).toEqual(OFF);
    expect(at(withReference(100), null, T0).latency).toEqual(OFF);
    const off = { ...POLICY, degradedLatencyFactor: 0 };
    let state = withReference(1);
    for (let t = 0; t <= 10_000; t += 1_000) state = stepDegradation(state, withEwma(5_000), T0 + t, off);
    expect(state.latency).toEqual(OFF);
  });

  it("returns the same object when nothing changed (no allocation per attempt)", () => {
    const state = at(withReference(100), 50, T0);
    expect(at(state, 60, T0 + 1)).toBe(state);
  });
});

describe("the success-rate verdict", () => {
  const at = (state: DegradationState, health: ProviderHealthState, now: number) =>
    stepDegradation(state, health, now, POLICY);

  it("enters below 90 % with the minimum volume only, after the enter dwell", () => {
    expect(at(createDegradationState(), windowOf(19, 5), T0).successRate).toEqual(OFF);
    let state = at(createDegradationState(), windowOf(20, 3), T0);
    expect(state.successRate).toEqual({ on: false, since: T0 });
    state = at(state, windowOf(20, 3), T0 + 3_000);
    expect(readDegradedReason(state)).toBe("success_rate");
  });

  it("holds its verdict between 90 % and 95 %, and clears at 95 % after the exit dwell", () => {
    let state = at(createDegradationState(), windowOf(20, 3), T0);
    state = at(state, windowOf(20, 3), T0 + 3_000);
    state = at(state, windowOf(100, 7, T0 + 3_000), T0 + 3_000);
    expect(state.successRate).toEqual(ON);
    state = at(state, windowOf(100, 5, T0 + 4_000), T0 + 4_000);
    expect(state.successRate).toEqual({ on: true, since: T0 + 4_000 });
    state = at(state, windowOf(100, 5, T0 + 13_999), T0 + 13_999);
    expect(state.successRate.on).toBe(true);
    state = at(state, windowOf(100, 5, T0 + 14_000), T0 + 14_000);
    expect(state.successRate).toEqual(OFF);
    // Not yet degraded, 92 % neither enters nor clears the pending entry.
    const pending = at(createDegradationState(), windowOf(20, 3), T0);
    expect(at(pending, windowOf(100, 8), T0 + 1_000)).toBe(pending);
  });

  it("lapses below the minimum volume after the exit dwell, and at once when the window is empty", () => {
    let state = at(createDegradationState(), windowOf(20, 3), T0);
    state = at(state, windowOf(20, 3), T0 + 3_000);
    state = at(state, windowOf(10, 3, T0 + 4_000), T0 + 4_000);
    expect(state.successRate).toEqual({ on: true, since: T0 + 4_000 });
    expect(at(state, windowOf(10, 3, T0 + 4_000), T0 + 14_000).successRate).toEqual(OFF);
    expect(at(state, createHealthState(), T0 + 5_000).successRate).toEqual(OFF);
    const ejected = ejectProvider(windowOf(20, 3), T0, POLICY, "failure_rate");
    expect(at(state, ejected, T0 + 5_000).successRate).toEqual(OFF);
  });

  it("is dropped by clearSuccessRateVerdict, keeping the latency verdict", () => {
    const state: DegradationState = { ...createDegradationState(), successRate: ON, latency: ON };
    expect(clearSuccessRateVerdict(state)).toMatchObject({ successRate: OFF, latency: ON });
    expect(readDegradedReason(clearSuccessRateVerdict(state))).toBe("latency");
    const clean = createDegradationState();
    expect(clearSuccessRateVerdict(clean)).toBe(clean);
  });
});
