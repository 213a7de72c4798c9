import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/**
 * The longest event-loop stall of a window, from `perf_hooks.monitorEventLoopDelay`: a libuv timer
 * fires every `resolution` ms and records the time since its previous firing, so the window's longest
 * stall is the largest interval minus the resolution. Reading a window starts the next one, which is
 * what a scrape wants: each scrape reports the worst stall since the one before.
 */
export interface EventLoopStallMonitor {
  /** Longest stall since the previous read (or since start), in seconds; starts a new window. */
  readMaxSeconds(): number;
  /** Stops the timer (idempotent). */
  stop(): void;
}

/** The sampling interval: fine enough for the 5 ms target, ~100 wake-ups a second. */
export const STALL_RESOLUTION_MS = 10;

/** Starts watching this thread's event loop. */
export function startEventLoopStallMonitor(resolutionMs = STALL_RESOLUTION_MS): EventLoopStallMonitor {
  let histogram: IntervalHistogram | null = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    readMaxSeconds() {
      if (histogram === null || histogram.count === 0) return 0;
      const maxMs = histogram.max / 1e6;
      histogram.reset();
      return Math.max(0, maxMs - resolutionMs) / 1000;
    },
    stop() {
      histogram?.disable();
      histogram = null;
    },
  };
}
