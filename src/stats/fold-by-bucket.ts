import type { NewRequestLogRow } from "../db/schema/request-logs";

/**
 * The one fold behind the log writer's rollups (`stats_rollups`, `stats_model_rollups`): a batch of
 * request-log rows into one delta per grain × bucket × dimensions, sorted by key so that concurrent
 * writers upsert in the same order (no deadlocks between instances). Replays are left out: they are
 * an operator's debugging traffic, not the clients'.
 *
 * Consecutive rows of a batch mostly share their bucket and dimensions (one busy group, one key):
 * such a row goes straight to the previous row's deltas, with no key built and no map lookup.
 */

/** Start of the `grain`-minute bucket holding `ms` (UTC-aligned). */
export function bucketStart(ms: number, grainMinutes: number): number {
  const size = grainMinutes * 60_000;
  return Math.floor(ms / size) * size;
}

/** What a rollup table folds: its dimensions and its measures. */
export interface BucketFold<D> {
  /** Deltas per grain a row adds to (e.g. its own key and "all keys"). */
  readonly variants: number;
  /** The dimensions after grain and bucket, `|`-separated, in the table's primary-key order. */
  dimensionsOf(row: NewRequestLogRow, variant: number): string;
  /** True when two rows have the same dimensions (then they share every delta in one bucket). */
  sameDimensions(a: NewRequestLogRow, b: NewRequestLogRow): boolean;
  create(grain: number, bucket: number, row: NewRequestLogRow, variant: number): D;
  add(delta: D, row: NewRequestLogRow): void;
}

const timeOf = (row: NewRequestLogRow) =>
  row.createdAt instanceof Date ? row.createdAt.getTime() : Date.now();

/** Folds `rows` into deltas per grain × bucket × dimensions (see BucketFold), sorted by key. */
export function foldByBucket<D>(
  rows: readonly NewRequestLogRow[],
  grains: readonly number[],
  fold: BucketFold<D>,
): D[] {
  const byKey = new Map<string, D>();
  let last: NewRequestLogRow | null = null;
  let lastBuckets: number[] = [];
  let lastDeltas: D[] = [];
  for (const row of rows) {
    if (row.source === "replay") continue;
    const at = timeOf(row);
    if (last !== null && fold.sameDimensions(row, last) && sameBuckets(at, grains, lastBuckets)) {
      for (const delta of lastDeltas) fold.add(delta, row);
      last = row;
      continue;
    }
    const buckets = grains.map((grain) => bucketStart(at, grain));
    const deltas: D[] = [];
    for (let v = 0; v < fold.variants; v++) {
      const dimensions = fold.dimensionsOf(row, v);
      for (let g = 0; g < grains.length; g++) {
        const grain = grains[g]!;
        const bucket = buckets[g]!;
        // Fixed-width fields first keep the string order equal to the primary key's order.
        const key = `${String(grain).padStart(4, "0")}|${String(bucket).padStart(15, "0")}|${dimensions}`;
        let delta = byKey.get(key);
        if (delta === undefined) {
          delta = fold.create(grain, bucket, row, v);
          byKey.set(key, delta);
        }
        fold.add(delta, row);
        deltas.push(delta);
      }
    }
    last = row;
    lastBuckets = buckets;
    lastDeltas = deltas;
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

function sameBuckets(at: number, grains: readonly number[], buckets: readonly number[]): boolean {
  for (let g = 0; g < grains.length; g++) if (bucketStart(at, grains[g]!) !== buckets[g]) return false;
  return true;
}
