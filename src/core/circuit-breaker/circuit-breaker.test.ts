import { describe, expect, it } from "vitest";
import { createCircuitBreaker, type BreakerTransition, type CircuitBreakerOptions } from "./circuit-breaker";

/** A breaker on a hand-moved clock that keeps every transition it reports. */
function setup(options: Omit<CircuitBreakerOptions, "now" | "onTransition"> = {}) {
  const clock = { t: 1_000_000 };
  const transitions: BreakerTransition[] = [];
  const breaker = createCircuitBreaker({
    failureThreshold: 3,
    windowMs: 10_000,
    probeIntervalMs: 1_000,
    ...options,
    now: () => clock.t,
    onTransition: (t) => transitions.push(t),
  });
  const fail = (n: number, gapMs = 0) => {
    for (let i = 0; i < n; i++) {
      if (i > 0) clock.t += gapMs;
      breaker.recordFailure();
    }
  };
  return { clock, breaker, transitions, fail };
}

describe("circuit breaker: closed → open", () => {
  it("opens on exactly the threshold-th consecutive failure, not one earlier", () => {
    const { breaker, transitions, fail, clock } = setup();
    fail(2);
    expect(breaker.state()).toBe("closed");
    expect(breaker.allowsCalls()).toBe(true);
    expect(breaker.snapshot().consecutiveFailures).toBe(2);
    breaker.recordFailure();
    expect(breaker.state()).toBe("open");
    expect(breaker.allowsCalls()).toBe(false);
    expect(transitions).toEqual([{ from: "closed", to: "open", at: clock.t, failures: 3, openForMs: 0 }]);
    expect(breaker.snapshot()).toMatchObject({ opens: 1, closes: 0, openedAt: clock.t });
  });

  it("a success resets the streak", () => {
    const { breaker, fail } = setup();
    fail(2);
    breaker.recordSuccess();
    fail(2);
    expect(breaker.state()).toBe("closed");
    breaker.recordFailure();
    expect(breaker.state()).toBe("open");
  });

  it("counts the last `threshold` failures only when they fall within windowMs (boundary inclusive)", () => {
    const inside = setup();
    inside.fail(3, 5_000); // first and last exactly 10 000 ms apart
    expect(inside.breaker.state()).toBe("open");

    const outside = setup();
    outside.fail(2, 5_000);
    outside.clock.t += 5_001; // first and third 10 001 ms apart
    outside.breaker.recordFailure();
    expect(outside.breaker.state()).toBe("closed");
    // The streak slides: the second, third and fourth failure are within the window.
    outside.clock.t += 4_999;
    outside.breaker.recordFailure();
    expect(outside.breaker.state()).toBe("open");
    expect(outside.transitions[0]?.failures).toBe(4);
  });

  it("a threshold of 1 opens on the first failure", () => {
    const { breaker } = setup({ failureThreshold: 1 });
    breaker.recordFailure();
    expect(breaker.state()).toBe("open");
  });

  it("rejects nonsense options", () => {
    expect(() => createCircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => createCircuitBreaker({ windowMs: 1.5 })).toThrow(RangeError);
    expect(() => createCircuitBreaker({ probeIntervalMs: -1 })).toThrow(RangeError);
  });
});

describe("circuit breaker: probes while open", () => {
  it("makes the first probe due exactly probeIntervalMs after opening", () => {
    const { breaker, fail, clock } = setup();
    expect(breaker.msUntilProbe()).toBeNull();
    fail(3);
    expect(breaker.msUntilProbe()).toBe(1_000);
    clock.t += 999;
    expect(breaker.msUntilProbe()).toBe(1);
    expect(breaker.tryStartProbe()).toBe(false);
    expect(breaker.state()).toBe("open");
    clock.t += 1;
    expect(breaker.msUntilProbe()).toBe(0);
    expect(breaker.tryStartProbe()).toBe(true);
    expect(breaker.state()).toBe("half-open");
    expect(breaker.allowsCalls()).toBe(false);
  });

  it("lets exactly one probe be in flight", () => {
    const { breaker, fail, clock } = setup();
    fail(3);
    clock.t += 1_000;
    expect(breaker.tryStartProbe()).toBe(true);
    expect(breaker.tryStartProbe()).toBe(false);
    expect(breaker.msUntilProbe()).toBeNull();
    clock.t += 5_000;
    expect(breaker.tryStartProbe()).toBe(false);
  });

  it("closes when the probe succeeds, reporting how long it was open", () => {
    const { breaker, transitions, fail, clock } = setup();
    fail(3);
    const openedAt = clock.t;
    clock.t += 1_000;
    breaker.tryStartProbe();
    clock.t += 3;
    breaker.finishProbe(true);
    expect(breaker.state()).toBe("closed");
    expect(breaker.allowsCalls()).toBe(true);
    expect(breaker.msUntilProbe()).toBeNull();
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      "closed>open",
      "open>half-open",
      "half-open>closed",
    ]);
    expect(transitions[2]).toEqual({
      from: "half-open",
      to: "closed",
      at: openedAt + 1_003,
      failures: 0,
      openForMs: 1_003,
    });
    expect(breaker.snapshot()).toMatchObject({ opens: 1, closes: 1, consecutiveFailures: 0 });
  });

  it("after a failed probe, the next is due probeIntervalMs after the previous one started", () => {
    const { breaker, fail, clock } = setup();
    fail(3);
    clock.t += 1_000;
    breaker.tryStartProbe();
    clock.t += 250; // the probe timed out after 250 ms
    breaker.finishProbe(false);
    expect(breaker.state()).toBe("open");
    expect(breaker.msUntilProbe()).toBe(750);
    clock.t += 749;
    expect(breaker.tryStartProbe()).toBe(false);
    clock.t += 1;
    expect(breaker.tryStartProbe()).toBe(true);
  });

  it("a probe that outlasts the interval makes the next one due at once", () => {
    const { breaker, fail, clock } = setup();
    fail(3);
    clock.t += 1_000;
    breaker.tryStartProbe();
    clock.t += 1_500;
    breaker.finishProbe(false);
    expect(breaker.msUntilProbe()).toBe(0);
    expect(breaker.tryStartProbe()).toBe(true);
  });

  it("ignores late outcomes of calls admitted before it opened; only the probe decides", () => {
    const { breaker, fail, clock, transitions } = setup();
    fail(3);
    breaker.recordSuccess();
    expect(breaker.state()).toBe("open");
    clock.t += 1_000;
    breaker.tryStartProbe();
    breaker.recordFailure();
    breaker.recordSuccess();
    expect(breaker.state()).toBe("half-open");
    breaker.finishProbe(true);
    // A stray finishProbe without a claimed probe changes nothing.
    breaker.finishProbe(false);
    expect(breaker.state()).toBe("closed");
    expect(transitions).toHaveLength(3);
  });

  it("starts a fresh streak after closing and opens again on new failures", () => {
    const { breaker, fail, clock } = setup();
    fail(3);
    clock.t += 1_000;
    breaker.tryStartProbe();
    breaker.finishProbe(true);
    fail(2);
    expect(breaker.state()).toBe("closed");
    breaker.recordFailure();
    expect(breaker.state()).toBe("open");
    expect(breaker.snapshot()).toMatchObject({ opens: 2, closes: 1, openedAt: clock.t });
    expect(breaker.msUntilProbe()).toBe(1_000);
  });
});
