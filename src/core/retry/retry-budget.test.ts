import { describe, expect, it } from "vitest";
import { createSeededRandom, drawInt } from "@/core/random/seeded";
import { createRetryBudget, type RetryBudget } from "./retry-budget";

/** Acquires a retry and settles it as failed at once (a retry that failed spends its unit). */
function spend(budget: RetryBudget): boolean {
  if (!budget.tryAcquireRetry()) return false;
  budget.settleRetry("failed");
  return true;
}

interface StormResult {
  attempts: number;
  retries: number;
}

/**
 * A total outage: `n` client requests arrive `concurrency` at a time (a new one starts whenever one
 * ends); every attempt fails after `latency()` ticks; a failed request retries (up to maxAttempts)
 * only when the budget allows. One tick is one ms on the budget's clock.
 */
function simulateOutage(
  n: number,
  concurrency: number,
  maxAttempts: number,
  budget: RetryBudget,
  clock: { t: number },
  latency: () => number,
): StormResult {
  const result: StormResult = { attempts: 0, retries: 0 };
  let started = 0;
  let finished = 0;
  const active: { attempts: number; finishAt: number }[] = [];
  const start = () => {
    started += 1;
    budget.recordRequest();
    result.attempts += 1;
    active.push({ attempts: 1, finishAt: clock.t + latency() });
  };
  while (started < Math.min(n, concurrency)) start();
  while (finished < n) {
    clock.t += 1;
    for (let i = active.length - 1; i >= 0; i--) {
      const request = active[i]!;
      if (request.finishAt !== clock.t) continue;
      // The attempt that just failed was a held retry unless it was the first.
      if (request.attempts > 1) budget.settleRetry("failed");
      if (request.attempts < maxAttempts && budget.tryAcquireRetry()) {
        request.attempts += 1;
        request.finishAt = clock.t + latency();
        result.attempts += 1;
        result.retries += 1;
        continue;
      }
      active.splice(i, 1);
      finished += 1;
      if (started < n) start();
    }
  }
  return result;
}

describe("createRetryBudget", () => {
  it("allows minRetries per second with no traffic, then refuses until the next second", () => {
    const clock = { t: 1_000_000 };
    const budget = createRetryBudget({ now: () => clock.t });
    expect([spend(budget), spend(budget), spend(budget)]).toEqual([true, true, true]);
    expect(spend(budget)).toBe(false);
    expect(budget.snapshot()).toMatchObject({ requests: 0, retries: 3, earnedRetries: 0, sliceRetries: 3 });
    clock.t += 999;
    expect(spend(budget)).toBe(false);
    clock.t += 1;
    expect(spend(budget)).toBe(true);
  });

  it("at high traffic only the share decides: ⌊ratio × requests⌋ per window, no floor on top", () => {
    const clock = { t: 5_000_000 };
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 3, now: () => clock.t });
    for (let i = 0; i < 200; i++) budget.recordRequest();
    let granted = 0;
    while (spend(budget)) granted += 1;
    expect(granted).toBe(40);
    // Five more requests earn exactly one more retry.
    for (let i = 0; i < 4; i++) budget.recordRequest();
    expect(spend(budget)).toBe(false);
    budget.recordRequest();
    expect(spend(budget)).toBe(true);
    clock.t += 1_000;
    expect(spend(budget)).toBe(false);
    expect(budget.snapshot()).toMatchObject({
      requests: 205,
      retries: 41,
      earnedRetries: 41,
      floorActive: false,
    });
  });

  it("at low traffic the floor adds up to minRetries per second on top of the share", () => {
    const clock = { t: 6_000_000 };
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 3, now: () => clock.t });
    for (let i = 0; i < 20; i++) budget.recordRequest();
    let granted = 0;
    while (spend(budget)) granted += 1;
    // 4 earned, then the floor: this second already holds 4 retries (≥ 3), so nothing more.
    expect(granted).toBe(4);
    clock.t += 1_000;
    granted = 0;
    while (spend(budget)) granted += 1;
    expect(granted).toBe(3);
  });

  it("never refuses sequential failover whose retries succeed (30 requests, 1 of 3 providers failing)", () => {
    const clock = { t: 8_000_000 };
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 3, now: () => clock.t });
    let refused = 0;
    for (let i = 0; i < 30; i++) {
      budget.recordRequest();
      clock.t += 5;
      // Every third request lands on the failing provider first; its retry goes to a healthy one.
      if (i % 3 !== 0) continue;
      if (!budget.tryAcquireRetry()) refused += 1;
      else budget.settleRetry("succeeded");
    }
    expect(refused).toBe(0);
    expect(budget.snapshot()).toMatchObject({ retries: 0, inFlight: 0 });
  });

  it("the floor counts retries in flight: at most minRetries held at once, freed when they settle", () => {
    const clock = { t: 8_500_000 };
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 3, now: () => clock.t });
    expect([budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry()]).toEqual([
      true,
      true,
      true,
    ]);
    expect(budget.tryAcquireRetry()).toBe(false);
    expect(budget.snapshot().inFlight).toBe(3);
    budget.settleRetry("succeeded");
    budget.settleRetry("unused");
    expect(budget.tryAcquireRetry()).toBe(true);
    // One of the two held fails: one held plus one failed leaves room for one more.
    budget.settleRetry("failed");
    expect(budget.snapshot()).toMatchObject({ inFlight: 1, sliceRetries: 1 });
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    budget.settleRetry("failed");
    budget.settleRetry("failed");
    // Three failures fill this slice until it ends.
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.t += 1_000;
    expect(budget.tryAcquireRetry()).toBe(true);
  });

  it("a held retry counts against the share until it settles", () => {
    const clock = { t: 8_700_000 };
    const budget = createRetryBudget({ ratio: 0.5, minRetries: 0, now: () => clock.t });
    for (let i = 0; i < 4; i++) budget.recordRequest();
    expect([budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry()]).toEqual([
      true,
      true,
      false,
    ]);
    budget.settleRetry("succeeded");
    expect(budget.tryAcquireRetry()).toBe(true);
  });

  it("forgets deposits and withdrawals once they leave the window", () => {
    const clock = { t: 7_000_000 };
    const budget = createRetryBudget({ ratio: 0.5, minRetries: 0, windowMs: 1_000, now: () => clock.t });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    for (let i = 0; i < 5; i++) expect(spend(budget)).toBe(true);
    expect(spend(budget)).toBe(false);
    clock.t += 500;
    for (let i = 0; i < 2; i++) budget.recordRequest();
    expect(spend(budget)).toBe(true);
    clock.t += 600;
    // The first ten requests and five retries are gone; two requests remain (one retry), one spent.
    expect(budget.snapshot()).toMatchObject({ requests: 2, retries: 1, earnedRetries: 1 });
    expect(spend(budget)).toBe(false);
  });

  it("does not lose precision on ratios like 0.29", () => {
    const budget = createRetryBudget({ ratio: 0.29, minRetries: 0, now: () => 1 });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(budget.snapshot().earnedRetries).toBe(29);
  });

  it("with ratio 0 and minRetries 0 never allows a retry", () => {
    const budget = createRetryBudget({ ratio: 0, minRetries: 0 });
    for (let i = 0; i < 1_000; i++) budget.recordRequest();
    expect(spend(budget)).toBe(false);
  });

  it("keeps counting (never erases newer slices) when the clock steps back", () => {
    const clock = { t: 2_000_000 };
    const budget = createRetryBudget({ ratio: 1, minRetries: 0, now: () => clock.t });
    for (let i = 0; i < 4; i++) budget.recordRequest();
    clock.t -= 3_000;
    budget.recordRequest();
    expect(budget.snapshot().requests).toBe(5);
  });

  it.each([
    [{ ratio: -0.1 }],
    [{ ratio: Number.NaN }],
    [{ ratio: Number.POSITIVE_INFINITY }],
    [{ minRetries: -1 }],
    [{ minRetries: 1.5 }],
    [{ windowMs: 0 }],
    [{ windowMs: 10, buckets: 11 }],
    [{ buckets: 0 }],
  ])("rejects bad options %j", (options) => {
    expect(() => createRetryBudget(options)).toThrow(RangeError);
  });
});

describe("total outage: upstream hits stay ≤ (1 + ratio) × client requests", () => {
  it.each([
    [200, 50],
    [1_000, 50],
    [100, 100],
    [5_000, 200],
  ])("%i requests at concurrency %i, 3 max attempts", (n, concurrency) => {
    const clock = { t: 9_000_000 };
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 3, now: () => clock.t });
    const { attempts } = simulateOutage(n, concurrency, 3, budget, clock, () => 5);
    expect(attempts).toBeLessThanOrEqual(1.2 * n);
    // The budget is used, not merely never granted.
    expect(attempts).toBeGreaterThanOrEqual(1.2 * n - 1);
  });

  it("holds with varied attempt latencies and 5 max attempts", () => {
    const random = createSeededRandom(31);
    for (const n of [60, 400, 2_000]) {
      const clock = { t: 3_000_000 };
      const budget = createRetryBudget({ now: () => clock.t });
      const { attempts, retries } = simulateOutage(n, 40, 5, budget, clock, () => 1 + drawInt(random, 50));
      expect(retries).toBeGreaterThan(0);
      expect(attempts).toBeLessThanOrEqual(Math.max(n + 3, 1.2 * n));
    }
  });

  it("without a budget the same outage costs n × max attempts", () => {
    const clock = { t: 0 };
    const unlimited = createRetryBudget({ ratio: 10, minRetries: 0, now: () => clock.t });
    expect(simulateOutage(200, 50, 3, unlimited, clock, () => 5).attempts).toBe(600);
  });

  it("at low traffic still retries: up to minRetries per second", () => {
    const clock = { t: 4_000_000 };
    const budget = createRetryBudget({ now: () => clock.t });
    const { retries } = simulateOutage(5, 1, 3, budget, clock, () => 10);
    expect(retries).toBe(3);
    // Spread over seconds, every failed request of a trickle gets its retry.
    const slow = createRetryBudget({ now: () => clock.t });
    const spread = simulateOutage(5, 1, 2, slow, clock, () => 400);
    expect(spread.retries).toBe(5);
  });
});
