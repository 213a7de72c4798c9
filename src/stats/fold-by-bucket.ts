import type { NewRequestLogRow } from "../db/schema/request-logs";

/**
 * The one fold behind the log writer's rollups (`stats_rollups`, `stats_model_rollups`): a batch of
 * request-log rows into one delta per grain × bucket × dimensions, sorted by key so that concurrent
 * writers upsert in the same order (no deadlocks between instances). Replays are left out: they are
 * an operator's debugging traffic, not the clients'.
 *
 * Rows of a batch mostly share their buckets and dimensions (a few groups, keys and providers):
 * each row builds one identity string and finds the deltas of an alike earlier row, instead of
 * building and looking up a padded key per grain and variant.
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
  /** A string equal for two rows exactly when they have the same dimensions (unpadded, cheap). */
  identityOf(row: NewRequestLogRow): string;
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
  // Alike rows share every delta: the finest grain's bucket fixes the coarser ones when each grain is
  // a multiple of the finest (minute, hour, day); otherwise no row is taken for another.
  const finest = grains[0] ?? 1;
  const nested = grains.every((grain) => grain % finest === 0);
  const alike = new Map<string, D[]>();
  for (const row of rows) {
    if (row.source === "replay") continue;
    const at = timeOf(row);
    const identity = nested ? `${bucketStart(at, finest)}|${fold.identityOf(row)}` : null;
    const known = identity === null ? undefined : alike.get(identity);
    if (known !== undefined) {
      for (const delta of known) fold.add(delta, row);
      continue;
    }
    const deltas: D[] = [];
    for (let v = 0; v < fold.variants; v++) {
      const dimensions = fold.dimensionsOf(row, v);
      for (const grain of grains) {
        const bucket = bucketStart(at, grain);
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
    if (identity !== null) alike.set(identity, deltas);
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}
