import { describe, expect, it } from "vitest";
import { startLoopTurnCounter } from "@/testing/loop-turns";
import { runPaced } from "./pacing";

/** Steps that each keep the CPU busy for `ms` (a stand-in for planning a few hundred entries). */
function* busySteps(count: number, ms: number): Generator<void, number, void> {
  for (let i = 0; i < count; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // spin
    }
    yield;
  }
  return count;
}

describe("runPaced", () => {
  it("returns the generator's result and lets other callbacks run between slices of work", async () => {
    const loop = startLoopTurnCounter();
    // 40 steps of 5 ms: 200 ms of work, in slices of ~10 ms, so the loop gets several turns.
    const result = await runPaced(busySteps(40, 5));
    const turns = loop.stop();
    expect(result).toBe(40);
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  it("never yields for a generator without pauses", async () => {
    function* none(): Generator<void, string, void> {
      return "done";
    }
    expect(await runPaced(none())).toBe("done");
  });
});
