import { setImmediate as yieldToLoop } from "node:timers/promises";

/** How long a run of synchronous steps may hold the event loop before it yields. */
const SLICE_MS = 20;

/**
 * Drives a generator of pure, synchronous work (e.g. `planImportSteps`) to its result, yielding to
 * the event loop whenever a slice of work has held it for SLICE_MS, so a large import never keeps
 * proxied requests waiting for long.
 */
export async function runPaced<T>(steps: Generator<void, T, void>): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
}

/**
 * A pacer for async loops: `await pace()` after each unit of work yields to the event loop once the
 * current slice has held it for SLICE_MS (time, not counts: units differ widely in cost, e.g. a group
 * with 100 members against a single key).
 */
export function createPacer(): () => Promise<void> | undefined {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < SLICE_MS) return undefined;
    return yieldToLoop().then(() => {
      sliceStart = performance.now();
    });
  };
}
