import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { startEventLoopStallMonitor } from "./event-loop-stall";
import { createMetrics } from "./metrics";

/** Blocks this thread for `ms` (the stall the monitor must see). */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

const stallOf = (text: string): number => {
  const m = /^roundabout_event_loop_stall_max_seconds (\S+)$/m.exec(text);
  if (!m) throw new Error("no stall gauge in the exposition");
  return Number(m[1]);
};

describe("event-loop stall monitor", () => {
  it("reports the longest stall of a window and starts a new window on each read", async () => {
    const monitor = startEventLoopStallMonitor();
    try {
      await sleep(30);
      blockFor(120);
      await sleep(30);
      const first = monitor.readMaxSeconds();
      expect(first).toBeGreaterThanOrEqual(0.1);
      // Generous upper bound: a loaded test machine adds its own scheduling delays.
      expect(first).toBeLessThan(1);
      await sleep(50);
      expect(monitor.readMaxSeconds()).toBeLessThan(first);
    } finally {
      monitor.stop();
    }
  });

  it("is the gauge /metrics exposes while attached, reset by each scrape; 0 once detached", async () => {
    const metrics = createMetrics();
    const detach = metrics.attach({});
    await sleep(30);
    blockFor(80);
    await sleep(30);
    const first = stallOf(await metrics.registry.metrics());
    expect(first).toBeGreaterThanOrEqual(0.07);
    await sleep(40);
    expect(stallOf(await metrics.registry.metrics())).toBeLessThan(first);
    detach();
    expect(stallOf(await metrics.registry.metrics())).toBe(0);
  });
});
