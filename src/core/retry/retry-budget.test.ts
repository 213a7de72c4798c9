import { describe, expect, it } from "vitest";
import { createSeededRandom, drawInt } from "@/core/random/seeded";
import { createRetryBudget, type RetryBudget } from "./retry-budget";

interface StormResult {
  attempts: number;
  retries: number;
}

/**
 * N client requests start together against a group whose every provider fails. Each attempt takes
 * `latency()` ticks; on failure a request retries (up to maxAttempts) only if the budget allows,
 * otherwise it gives up. Failures finishing on the same tick are handled one by one, as the event
 * loop would. Asserts at every grant that the concurrent retries respect the budget.
 */
function simulateStorm(n: number, maxAttempts: number, budget: RetryBudget, latency: () => number) {
  const requests = Array.from({ length: n }, () => ({ attempts: 1, isRetry: false, finishAt: latency() }));
  for (let i = 0; i < n; i++) budget.requestStarted();
  const result: StormResult = { attempts: n, retries: 0 };
  let pending = n;
  for (let t = 0; pending > 0; t++) {
    for (const request of requests) {
      if (request.finishAt !== t) continue;
      if (request.isRetry) budget.retryFinished();
      if (request.attempts < maxAttempts && budget.tryAcquireRetry()) {
        const { activeRetries, allowedRetries } = budget.snapshot();
        expect(activeRetries).toBeLessThanOrEqual(allowedRetries);
        request.attempts += 1;
        request.isRetry = true;
        request.finishAt = t + latency();
        result.attempts += 1;
        result.retries += 1;
      } else {
        request.finishAt = -1;
        budget.requestFinished();
        pending -= 1;
      }
    }
  }
  const end = budget.snapshot();
  expect(end.activeRequests).toBe(0);
  expect(end.activeRetries).toBe(0);
  return result;
}

describe("createRetryBudget", () => {
  it("allows minRetries concurrent retries with no traffic, then refuses until one finishes", () => {
    const budget = createRetryBudget();
    expect([budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry()]).toEqual([
      true,
      true,
      true,
    ]);
    expect(budget.tryAcquireRetry()).toBe(false);
    budget.retryFinished();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.snapshot()).toEqual({ activeRequests: 0, activeRetries: 3, allowedRetries: 3 });
  });

  it("allows floor(ratio × active requests) once that exceeds the minimum", () => {
    const budget = createRetryBudget({ ratio: 0.2, minRetries: 3 });
    for (let i = 0; i < 100; i++) budget.requestStarted();
    let granted = 0;
    while (budget.tryAcquireRetry()) granted += 1;
    expect(granted).toBe(20);
    for (let i = 0; i < 50; i++) budget.requestFinished();
    // 50 active now allow 10; the 20 in flight must drain below that before a new grant.
    expect(budget.snapshot().allowedRetries).toBe(10);
    for (let i = 0; i < 10; i++) budget.retryFinished();
    expect(budget.tryAcquireRetry()).toBe(false);
    budget.retryFinished();
    expect(budget.tryAcquireRetry()).toBe(true);
  });

  it("does not lose precision on ratios like 0.29", () => {
    const budget = createRetryBudget({ ratio: 0.29, minRetries: 0 });
    for (let i = 0; i < 100; i++) budget.requestStarted();
    expect(budget.snapshot().allowedRetries).toBe(29);
  });

  it("with ratio 0 and minRetries 0 never allows a retry", () => {
    const budget = createRetryBudget({ ratio: 0, minRetries: 0 });
    for (let i = 0; i < 1_000; i++) budget.requestStarted();
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it("never lets unmatched finishes push counters below zero (no budget is minted)", () => {
    const budget = createRetryBudget({ minRetries: 1 });
    budget.requestFinished();
    budget.retryFinished();
    budget.retryFinished();
    expect(budget.snapshot()).toEqual({ activeRequests: 0, activeRetries: 0, allowedRetries: 1 });
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it.each([
    [{ ratio: -0.1 }],
    [{ ratio: Number.NaN }],
    [{ ratio: Number.POSITIVE_INFINITY }],
    [{ minRetries: -1 }],
    [{ minRetries: 1.5 }],
  ])("rejects bad options %j", (options) => {
    expect(() => createRetryBudget(options)).toThrow(RangeError);
  });
});

describe("retry storm with every provider failing", () => {
  it.each([1, 3, 10, 25, 100, 1_000, 5_000])(
    "N=%i concurrent requests, 3 max attempts: attempts ≤ N + max(min, ⌊0.2N⌋) + min",
    (n) => {
      const budget = createRetryBudget({ ratio: 0.2, minRetries: 3 });
      const { attempts } = simulateStorm(n, 3, budget, () => 1);
      expect(attempts).toBeLessThanOrEqual(n + Math.max(3, Math.floor(0.2 * n)) + 3);
      expect(attempts).toBeLessThanOrEqual(Math.ceil(n * 1.2) + 2 * 3);
      // Without a budget the same storm would cost n × 3 attempts.
      if (n >= 100) expect(attempts).toBeLessThanOrEqual(n * 1.2 + 3);
    },
  );

  it("100 requests × 3 attempts: 123 attempts with the budget instead of 300", () => {
    const { attempts, retries } = simulateStorm(100, 3, createRetryBudget(), () => 1);
    expect({ attempts, retries }).toEqual({ attempts: 123, retries: 23 });
    const unlimited = createRetryBudget({ ratio: 1, minRetries: 0 });
    expect(simulateStorm(100, 3, unlimited, () => 1).attempts).toBe(300);
  });

  it("keeps concurrent retries within budget when attempt latencies vary", () => {
    const random = createSeededRandom(31);
    for (const n of [7, 60, 400]) {
      const budget = createRetryBudget();
      const { retries } = simulateStorm(n, 5, budget, () => 1 + drawInt(random, 10));
      expect(retries).toBeGreaterThan(0);
    }
  });
});
