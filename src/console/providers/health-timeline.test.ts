import { describe, expect, it } from "vitest";
import type { HealthEvent } from "@/contracts/stats";
import { buildHealthSegments, shareByState } from "./health-timeline";

const at = (ms: number) => new Date(ms).toISOString();
const event = (ms: number, from: string, to: string): HealthEvent => ({
  at: at(ms),
  from,
  to,
  reason: null,
  instance: null,
});

describe("health timeline", () => {
  it("draws the state before the first transition, between transitions and after the last", () => {
    const segments = buildHealthSegments(
      [event(600, "ejected", "healthy"), event(200, "healthy", "ejected")],
      0,
      1000,
      "healthy",
    );
    expect(segments).toEqual([
      { state: "healthy", start: 0, end: 200 },
      { state: "ejected", start: 200, end: 600 },
      { state: "healthy", start: 600, end: 1000 },
    ]);
    const shares = shareByState(segments, 0, 1000);
    expect(shares.healthy).toBeCloseTo(0.6);
    expect(shares.ejected).toBeCloseTo(0.4);
    expect(shares.degraded + shares.unhealthy).toBe(0);
  });

  it("uses the current state when the range holds no transition, and nothing when it is unknown", () => {
    expect(buildHealthSegments([], 0, 10, "degraded")).toEqual([{ state: "degraded", start: 0, end: 10 }]);
    expect(buildHealthSegments([], 0, 10, null)).toEqual([]);
    expect(buildHealthSegments([], 10, 10, "healthy")).toEqual([]);
  });

  it("ignores transitions outside the range, joins repeats and skips unknown states", () => {
    const segments = buildHealthSegments(
      [
        event(-5, "healthy", "degraded"),
        event(100, "degraded", "degraded"),
        event(300, "degraded", "paused"),
        event(400, "paused", "healthy"),
        event(2000, "healthy", "ejected"),
      ],
      0,
      1000,
      "ejected",
    );
    expect(segments).toEqual([
      { state: "degraded", start: 0, end: 300 },
      { state: "healthy", start: 400, end: 1000 },
    ]);
  });
});
