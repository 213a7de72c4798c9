import { sql, type SQL } from "drizzle-orm";
import { GRAINS } from "./rollup-aggregate";

/**
 * Splits an instant range into rollup reads: whole UTC days from the day rollups, whole hours from the
 * hour rollups, the ragged ends (a half-hour time zone's midnight) from the minute rollups. The
 * coarse rollups are kept ROLLUP_RETENTION_DAYS, far longer than the raw logs, so a month of usage
 * is still there when LOG_RETENTION_DAYS is shorter than a month. Pure.
 */

export interface RollupSegment {
  readonly grain: number;
  readonly fromMs: number;
  readonly toMs: number;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The segments covering [fromMs, toMs) exactly, coarsest first; empty when the range is. */
export function rollupSegments(fromMs: number, toMs: number): RollupSegment[] {
  if (toMs <= fromMs) return [];
  const out: RollupSegment[] = [];
  const push = (grain: number, from: number, to: number) => {
    if (to > from) out.push({ grain, fromMs: from, toMs: to });
  };
  const firstHour = Math.min(toMs, Math.ceil(fromMs / HOUR) * HOUR);
  const lastHour = Math.max(firstHour, Math.floor(toMs / HOUR) * HOUR);
  const firstDay = Math.min(lastHour, Math.max(firstHour, Math.ceil(firstHour / DAY) * DAY));
  const lastDay = Math.max(firstDay, Math.floor(lastHour / DAY) * DAY);
  push(GRAINS.day, firstDay, lastDay);
  push(GRAINS.hour, firstHour, firstDay);
  push(GRAINS.hour, lastDay, lastHour);
  push(GRAINS.minute, fromMs, firstHour);
  push(GRAINS.minute, lastHour, toMs);
  return out;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A `where` fragment selecting the rollup rows of the segments (false when there are none). */
export function rollupSegmentsWhere(segments: readonly RollupSegment[]): SQL {
  if (segments.length === 0) return sql`false`;
  return sql`(${sql.join(
    segments.map(
      (s) =>
        sql`(grain = ${s.grain} and bucket >= ${iso(s.fromMs)}::timestamptz and bucket < ${iso(s.toMs)}::timestamptz)`,
    ),
    sql` or `,
  )})`;
}
