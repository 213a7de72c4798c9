import { setImmediate as yieldToLoop } from "node:timers/promises";

/**
 * Long database work in time slices, shared by the control plane (config import: validation, plan,
 * reads and writes) and the data plane (the routing snapshot): whatever holds the event loop yields
 * once it has held it for SLICE_MS, so proxied requests keep being served. It lives beside the
 * client because both planes may import src/db and neither may import the other.
 */

/** How long a run of synchronous steps may hold the event loop before it yields. */
const SLICE_MS = 10;

/**
 * Drives a generator of pure, synchronous work (e.g. `planImportSteps`) to its result, yielding to
 * the event loop whenever a slice of work has held it for SLICE_MS, so a large import never keeps
 * proxied requests waiting for long.
 */
export async function runPaced<T>(steps: Generator<void, T, void>): Promise<T> {
  // A turn first: the caller's own synchronous work before this call is part of the current slice.
  await yieldToLoop();
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

/** Reads a table page by page (keyset on `id`, `pageRows` per page), yielding to the event loop between pages. */
export async function readInPages<T extends { id: string }>(
  page: (after: string | null) => Promise<T[]>,
  pageRows: number,
): Promise<T[]> {
  return readInPagesBy(page, (row) => row.id, pageRows);
}

/** readInPages for any keyset cursor (e.g. a composite primary key): `cursorOf` the last row of a page. */
export async function readInPagesBy<T, C>(
  page: (after: C | null) => Promise<T[]>,
  cursorOf: (row: T) => C,
  pageRows: number,
): Promise<T[]> {
  const rows: T[] = [];
  let after: C | null = null;
  for (;;) {
    const next = await page(after);
    for (const row of next) rows.push(row);
    if (next.length < pageRows) return rows;
    after = cursorOf(next[next.length - 1]!);
    await yieldToLoop();
  }
}
