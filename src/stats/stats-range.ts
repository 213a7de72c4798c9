import {
  STATS_BUCKETS,
  STATS_MAX_POINTS,
  STATS_MAX_RANGE_DAYS,
  type StatsBucket,
  type StatsOverview,
} from "@/contracts/stats";
import { AppError } from "@/core/errors/catalogue";
import { HISTOGRAM_RELATIVE_ERROR } from "./histogram";

/** A statistics query's range widened to whole buckets, and the rollup grain that answers it. */
export interface StatsSpan {
  readonly from: number;
  readonly to: number;
  readonly bucket: StatsBucket;
  readonly binMs: number;
  readonly grain: 1 | 60 | 1440;
}

const DAY_MS = 86_400_000;
const GRAIN_NAMES = { 1: "minute", 60: "hour", 1440: "day" } as const;

/** The bucket a range gets when none is asked for (a few dozen to a few hundred points). */
function autoBucket(spanMs: number): StatsBucket {
  const hours = spanMs / 3_600_000;
  if (hours <= 2) return "1m";
  // Sub-hour buckets read minute rollups (~60x the rows of hour ones): only for short ranges.
  if (hours <= 6) return "5m";
  if (hours <= 72) return "1h";
  if (hours <= 14 * 24) return "6h";
  if (hours <= 120 * 24) return "1d";
  return "7d";
}

/** INVALID_QUERY naming one parameter. */
export function invalidQuery(path: string, message: string): AppError {
  return new AppError("INVALID_QUERY", `${path}: ${message}`, { issues: [{ path, message }] });
}

/** Widens [from, to) (default: the last 24 h before `nowMs`) to whole buckets of the coarsest fitting grain. */
export function resolveStatsSpan(
  q: {
    readonly from?: number | undefined;
    readonly to?: number | undefined;
    readonly bucket?: StatsBucket | undefined;
  },
  nowMs: number,
): StatsSpan {
  const to = q.to ?? nowMs;
  const from = q.from ?? to - DAY_MS;
  if (from >= to) throw invalidQuery("from", "must be before to");
  if (to - from > STATS_MAX_RANGE_DAYS * DAY_MS) {
    throw invalidQuery("from", `the range may cover at most ${STATS_MAX_RANGE_DAYS} days`);
  }
  const bucket = q.bucket ?? autoBucket(to - from);
  const minutes = STATS_BUCKETS[bucket];
  const binMs = minutes * 60_000;
  const alignedFrom = Math.floor(from / binMs) * binMs;
  const alignedTo = Math.ceil(to / binMs) * binMs;
  if ((alignedTo - alignedFrom) / binMs > STATS_MAX_POINTS) {
    throw invalidQuery(
      "bucket",
      `the range would have more than ${STATS_MAX_POINTS} buckets; choose a wider bucket`,
    );
  }
  const grain = minutes % 1440 === 0 ? 1440 : minutes % 60 === 0 ? 60 : 1;
  return { from: alignedFrom, to: alignedTo, bucket, binMs, grain };
}

/** The `range` object every statistics answer carries. */
export function describeStatsSpan(r: StatsSpan): StatsOverview["range"] {
  return {
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    bucket: r.bucket,
    bucketSeconds: r.binMs / 1000,
    grain: GRAIN_NAMES[r.grain],
    percentileRelativeError: Math.round(HISTOGRAM_RELATIVE_ERROR * 1e4) / 1e4,
  };
}
