import type { NewRequestLogRow } from "../db/schema/request-logs";
import { DEFAULT_TENANT_ID } from "../core/vocabulary/tenants";
import { createHistogram, recordInHistogram } from "./histogram";
import type { StatusClass } from "@/core/vocabulary/status-classes";
import { statusClassOf } from "./status-class";
import { foldByBucket, type BucketFold } from "./fold-by-bucket";

/**
 * Folds a batch of request-log rows into rollup rows: one per grain (minute, hour, day) × bucket ×
 * group × provider × key × status class, plus the same with key = ALL_KEYS. Pure; the writer upserts
 * the result.
 */

/** Bucket lengths in minutes; the value is stored in `stats_rollups.grain`. */
export const GRAINS = { minute: 1, hour: 60, day: 1440 } as const;
export const GRAIN_MINUTES: readonly number[] = [GRAINS.minute, GRAINS.hour, GRAINS.day];

/** Stands for "no group / provider / key" so every dimension can be in the primary key. */
export const NO_DIMENSION = "00000000-0000-0000-0000-000000000000";
/**
 * Key of the rows that sum every key (including "no key"). Dashboards read these: they are several
 * times fewer than the per-key rows, and summing histograms costs per row read.
 */
export const ALL_KEYS = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/** The additive measures of a rollup row; query bins and report totals carry the same ones. */
export interface RollupSums {
  requests: number;
  latencySumMs: number;
  ttfbSumMs: number;
  ttfbCount: number;
  bytesIn: number;
  bytesOut: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Micro-dollars of the priced requests. */
  costMicros: number;
  latencyHist: number[];
  ttfbHist: number[];
}

/** Zero sums with empty histograms. */
export function createRollupSums(): RollupSums {
  return {
    requests: 0,
    latencySumMs: 0,
    ttfbSumMs: 0,
    ttfbCount: 0,
    bytesIn: 0,
    bytesOut: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costMicros: 0,
    latencyHist: createHistogram(),
    ttfbHist: createHistogram(),
  };
}

export interface RollupDelta extends RollupSums {
  grain: number;
  bucket: Date;
  tenantId: string;
  groupId: string;
  providerId: string;
  keyId: string;
  statusClass: StatusClass;
  errorCodes: Record<string, number>;
}

/** The dimensions both rollup tables share, with the stand-ins for "none" (one place for both folds). */
export function sharedDimensionsOf(row: NewRequestLogRow): {
  tenantId: string;
  groupId: string;
  providerId: string;
} {
  return {
    tenantId: row.tenantId ?? DEFAULT_TENANT_ID,
    groupId: row.groupId ?? NO_DIMENSION,
    providerId: row.providerId ?? NO_DIMENSION,
  };
}

const nonNegative = (v: number | null | undefined) =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;

/** stats_rollups: per grain, one delta for the row's key and one for ALL_KEYS. */
const ROLLUP_FOLD: BucketFold<RollupDelta> = {
  variants: 2,
  dimensionsOf: (row, variant) => {
    const { tenantId, groupId, providerId } = sharedDimensionsOf(row);
    const keyId = variant === 0 ? (row.keyId ?? NO_DIMENSION) : ALL_KEYS;
    return `${tenantId}|${groupId}|${providerId}|${keyId}|${statusClassOf(row.status, row.errorCode)}`;
  },
  identityOf: (row) =>
    `${row.tenantId}|${row.groupId}|${row.providerId}|${row.keyId}|${row.status}|${row.errorCode}`,
  create: (grain, bucket, row, variant) => ({
    ...createRollupSums(),
    ...sharedDimensionsOf(row),
    grain,
    bucket: new Date(bucket),
    keyId: variant === 0 ? (row.keyId ?? NO_DIMENSION) : ALL_KEYS,
    statusClass: statusClassOf(row.status, row.errorCode),
    errorCodes: {},
  }),
  add: addRow,
};

/**
 * Aggregates `rows` into rollup deltas, sorted by key so that concurrent writers upsert in the same
 * order (no deadlocks between instances).
 */
export function aggregateRollups(
  rows: readonly NewRequestLogRow[],
  grains: readonly number[] = GRAIN_MINUTES,
): RollupDelta[] {
  return foldByBucket(rows, grains, ROLLUP_FOLD);
}

function addRow(delta: RollupDelta, row: NewRequestLogRow): void {
  const total = nonNegative(row.totalMs);
  delta.requests += 1;
  delta.latencySumMs += Math.round(total);
  recordInHistogram(delta.latencyHist, total);
  if (row.ttfbMs !== null && row.ttfbMs !== undefined && row.ttfbMs >= 0) {
    delta.ttfbSumMs += Math.round(row.ttfbMs);
    delta.ttfbCount += 1;
    recordInHistogram(delta.ttfbHist, row.ttfbMs);
  }
  delta.bytesIn += nonNegative(row.bytesIn);
  delta.bytesOut += nonNegative(row.bytesOut);
  delta.inputTokens += nonNegative(row.inputTokens);
  delta.outputTokens += nonNegative(row.outputTokens);
  delta.cacheReadTokens += nonNegative(row.cacheReadTokens);
  delta.cacheWriteTokens += nonNegative(row.cacheWriteTokens);
  delta.costMicros += nonNegative(row.costMicros);
  if (row.errorCode) delta.errorCodes[row.errorCode] = (delta.errorCodes[row.errorCode] ?? 0) + 1;
}
