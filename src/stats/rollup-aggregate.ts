import type { NewRequestLogRow } from "../db/schema/request-logs";
import { DEFAULT_TENANT_ID } from "../core/vocabulary/tenants";
import { createHistogram, recordInHistogram } from "./histogram";
import type { StatusClass } from "@/core/vocabulary/status-classes";
import { statusClassOf } from "./status-class";

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

/** Start of the `grain`-minute bucket holding `ms` (UTC-aligned). */
export function bucketStart(ms: number, grainMinutes: number): number {
  const size = grainMinutes * 60_000;
  return Math.floor(ms / size) * size;
}

const nonNegative = (v: number | null | undefined) =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;

/**
 * Aggregates `rows` into rollup deltas, sorted by key so that concurrent writers upsert in the same
 * order (no deadlocks between instances).
 */
export function aggregateRollups(
  rows: readonly NewRequestLogRow[],
  grains: readonly number[] = GRAIN_MINUTES,
): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const row of rows) {
    // Replays are an operator's debugging traffic, not the clients': statistics leave them out.
    if (row.source === "replay") continue;
    const at = row.createdAt instanceof Date ? row.createdAt.getTime() : Date.now();
    const tenantId = row.tenantId ?? DEFAULT_TENANT_ID;
    const groupId = row.groupId ?? NO_DIMENSION;
    const providerId = row.providerId ?? NO_DIMENSION;
    const statusClass = statusClassOf(row.status, row.errorCode);
    for (let k = 0; k < grains.length * 2; k++) {
      const grain = grains[k >> 1]!;
      const keyId = (k & 1) === 0 ? (row.keyId ?? NO_DIMENSION) : ALL_KEYS;
      const bucket = bucketStart(at, grain);
      // Fixed-width fields keep the string order equal to the (grain, bucket, ...) order.
      const key = `${String(grain).padStart(4, "0")}|${String(bucket).padStart(15, "0")}|${tenantId}|${groupId}|${providerId}|${keyId}|${statusClass}`;
      let delta = byKey.get(key);
      if (delta === undefined) {
        delta = {
          ...createRollupSums(),
          grain,
          bucket: new Date(bucket),
          tenantId,
          groupId,
          providerId,
          keyId,
          statusClass,
          errorCodes: {},
        };
        byKey.set(key, delta);
      }
      addRow(delta, row);
    }
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
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
