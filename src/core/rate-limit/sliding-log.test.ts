import { describe, expect, it } from "vitest";
import { isAppError } from "../errors/catalogue";
import { hitSlidingLog, pruneSlidingLog, slidingLogExpiresAt } from "./sliding-log";

/** A fake clock the tests move by hand. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("hitSlidingLog", () => {
  it("admits exactly `limit` hits in one instant and counts remaining down", () => {
    const clock = fakeClock();
    const log: number[] = [];
    const results = Array.from({ length: 5 }, () => hitSlidingLog(log, clock.now(), 3, 1000));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(results[0]).toEqual({ allowed: true, limit: 3, remaining: 2, resetMs: 1000, retryAfterMs: 0 });
    expect(results[3]).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 1000, retryAfterMs: 1000 });
    expect(log).toHaveLength(3);
  });

  it("slides: a hit is admitted again exactly when the oldest one leaves the window", () => {
    const clock = fakeClock();
    const log: number[] = [];
    expect(hitSlidingLog(log, clock.now(), 2, 1000).allowed).toBe(true);
    clock.advance(300);
    expect(hitSlidingLog(log, clock.now(), 2, 1000).allowed).toBe(true);
    clock.advance(200);
    const refused = hitSlidingLog(log, clock.now(), 2, 1000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, resetMs: 500, retryAfterMs: 500 });

    clock.advance(499);
    const stillRefused = hitSlidingLog(log, clock.now(), 2, 1000);
    expect(stillRefused).toMatchObject({ allowed: false, retryAfterMs: 1 });

    clock.advance(1);
    const admitted = hitSlidingLog(log, clock.now(), 2, 1000);
    // The second hit (at +300) is now the oldest: it leaves at +1300, i.e. in 300 ms.
    expect(admitted).toEqual({ allowed: true, limit: 2, remaining: 0, resetMs: 300, retryAfterMs: 0 });
    expect(log).toEqual([1_000_300, 1_001_000]);
  });

  it("does not record refused hits (a client hammering a full window does not extend its ban)", () => {
    const clock = fakeClock();
    const log: number[] = [];
    hitSlidingLog(log, clock.now(), 1, 100);
    for (let i = 0; i < 10; i++) {
      clock.advance(9);
      expect(hitSlidingLog(log, clock.now(), 1, 100).allowed).toBe(false);
    }
    clock.advance(10);
    expect(hitSlidingLog(log, clock.now(), 1, 100).allowed).toBe(true);
  });

  it("computes retryAfter from the right entry when the limit was lowered", () => {
    const clock = fakeClock(0);
    const log: number[] = [];
    for (let i = 0; i < 4; i++) {
      hitSlidingLog(log, clock.now(), 10, 1000);
      clock.advance(100);
    }
    // Hits at 0,100,200,300; now 400; limit lowered to 2: need hits at 0,100,200 gone -> at 1200.
    const r = hitSlidingLog(log, clock.now(), 2, 1000);
    expect(r).toEqual({ allowed: false, limit: 2, remaining: 0, resetMs: 600, retryAfterMs: 800 });
  });

  it("keeps the log ordered when the clock steps backwards", () => {
    const log: number[] = [];
    hitSlidingLog(log, 5000, 3, 1000);
    hitSlidingLog(log, 4000, 3, 1000);
    expect(log).toEqual([5000, 5000]);
    expect(slidingLogExpiresAt(log, 1000)).toBe(6000);
  });

  it("rejects a non-positive or fractional limit or window with a catalogue error", () => {
    for (const [limit, windowMs] of [
      [0, 1000],
      [1.5, 1000],
      [1, 0],
      [1, Number.NaN],
    ] as const) {
      let caught: unknown;
      try {
        hitSlidingLog([], 0, limit, windowMs);
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught)).toBe(true);
    }
  });
});

describe("pruneSlidingLog", () => {
  it("removes hits whose window has passed and keeps the rest", () => {
    const log = [100, 200, 300, 400];
    expect(pruneSlidingLog(log, 1300, 1000)).toEqual([400]);
    expect(pruneSlidingLog(log, 1400, 1000)).toEqual([]);
    expect(slidingLogExpiresAt(log, 1000)).toBe(Number.NEGATIVE_INFINITY);
  });
});
