import type { StatsPoint, StatsSplitEntry, StatsTotals } from "@/contracts/stats";
import { microsToUsd } from "@/core/cost/money";
import { mergeHistogramInto, summarizeHistogram } from "./histogram";
import { NO_DIMENSION, createRollupSums, type RollupSums } from "./rollup-aggregate";
import type { ErrorCount, RollupBin } from "./rollup-query";
import { STATUS_CLASSES, isSuccessClass, type StatusClass } from "@/core/vocabulary/status-classes";

/**
 * Turns summed rollup bins into what the API answers: totals, a zero-filled time series and a split
 * by provider, group or key. Pure.
 */

interface Accumulator extends RollupSums {
  classes: Record<StatusClass, number>;
}

function createAccumulator(): Accumulator {
  const classes = {} as Record<StatusClass, number>;
  for (const c of STATUS_CLASSES) classes[c] = 0;
  return { ...createRollupSums(), classes };
}

function addBin(acc: Accumulator, bin: RollupBin): void {
  acc.requests += bin.requests;
  for (const c of STATUS_CLASSES) acc.classes[c] += bin.classes[c];
  acc.latencySumMs += bin.latencySumMs;
  acc.ttfbSumMs += bin.ttfbSumMs;
  acc.ttfbCount += bin.ttfbCount;
  acc.bytesIn += bin.bytesIn;
  acc.bytesOut += bin.bytesOut;
  acc.inputTokens += bin.inputTokens;
  acc.outputTokens += bin.outputTokens;
  acc.cacheReadTokens += bin.cacheReadTokens;
  acc.cacheWriteTokens += bin.cacheWriteTokens;
  acc.costMicros += bin.costMicros;
  mergeHistogramInto(acc.latencyHist, bin.latencyHist);
  mergeHistogramInto(acc.ttfbHist, bin.ttfbHist);
}

const successesOf = (acc: Accumulator) =>
  STATUS_CLASSES.filter(isSuccessClass).reduce((sum, c) => sum + acc.classes[c], 0);

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1e6) / 1e6);
const average = (sum: number, n: number) => (n === 0 ? null : Math.round((sum / n) * 10) / 10);

function tokensOf(acc: Accumulator): StatsTotals["tokens"] {
  return {
    input: acc.inputTokens,
    output: acc.outputTokens,
    cacheRead: acc.cacheReadTokens,
    cacheWrite: acc.cacheWriteTokens,
  };
}

function toTotals(acc: Accumulator, errorsByCode: Record<string, number>): StatsTotals {
  const successes = successesOf(acc);
  return {
    requests: acc.requests,
    successes,
    errors: acc.requests - successes,
    successRate: ratio(successes, acc.requests),
    statusClasses: { ...acc.classes },
    errorsByCode,
    latencyMs: { ...summarizeHistogram(acc.latencyHist), avg: average(acc.latencySumMs, acc.requests) },
    ttfbMs: { ...summarizeHistogram(acc.ttfbHist), avg: average(acc.ttfbSumMs, acc.ttfbCount) },
    tokens: tokensOf(acc),
    costUsd: microsToUsd(acc.costMicros),
    bytes: { in: acc.bytesIn, out: acc.bytesOut },
  };
}

export interface ReportRange {
  /** Aligned start and (exclusive) end, epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly binMs: number;
}

export interface StatsReport {
  readonly totals: StatsTotals;
  readonly series: StatsPoint[];
  readonly split: StatsSplitEntry[];
}

/** Splits bins per dimension (sorted by requests, most first); `nameOf` names an id (null when unknown). */
export function buildSplit(
  bins: readonly RollupBin[],
  errors: readonly ErrorCount[],
  nameOf: (id: string) => string | null,
): StatsSplitEntry[] {
  const byDim = new Map<string, Accumulator>();
  for (const bin of bins) {
    let d = byDim.get(bin.dim);
    if (d === undefined) byDim.set(bin.dim, (d = createAccumulator()));
    addBin(d, bin);
  }
  const errorsByDim = new Map<string, Record<string, number>>();
  for (const e of errors) {
    const map = errorsByDim.get(e.dim) ?? {};
    map[e.code] = (map[e.code] ?? 0) + e.count;
    errorsByDim.set(e.dim, map);
  }
  return [...byDim.entries()]
    .map(([dim, acc]) => {
      const id = dim === NO_DIMENSION ? null : dim;
      return { ...toTotals(acc, errorsByDim.get(dim) ?? {}), id, name: id === null ? null : nameOf(id) };
    })
    .sort((a, b) => b.requests - a.requests || (a.name ?? "").localeCompare(b.name ?? ""));
}

/** Builds totals, series and split; `nameOf` names a dimension id (null when unknown). */
export function buildStatsReport(
  bins: readonly RollupBin[],
  errors: readonly ErrorCount[],
  range: ReportRange,
  nameOf: (id: string) => string | null,
): StatsReport {
  const total = createAccumulator();
  const byTime = new Map<number, Accumulator>();
  for (const bin of bins) {
    addBin(total, bin);
    let t = byTime.get(bin.t);
    if (t === undefined) byTime.set(bin.t, (t = createAccumulator()));
    addBin(t, bin);
  }
  const totalErrors: Record<string, number> = {};
  for (const e of errors) totalErrors[e.code] = (totalErrors[e.code] ?? 0) + e.count;

  const series: StatsPoint[] = [];
  const seconds = range.binMs / 1000;
  for (let t = range.from; t < range.to; t += range.binMs) {
    const acc = byTime.get(t) ?? createAccumulator();
    const successes = successesOf(acc);
    const lat = summarizeHistogram(acc.latencyHist);
    const ttfb = summarizeHistogram(acc.ttfbHist);
    series.push({
      t: new Date(t).toISOString(),
      requests: acc.requests,
      requestsPerSecond: Math.round((acc.requests / seconds) * 1e4) / 1e4,
      successRate: ratio(successes, acc.requests),
      errors: acc.requests - successes,
      latencyMs: lat,
      ttfbMs: ttfb,
      tokens: tokensOf(acc),
      costUsd: microsToUsd(acc.costMicros),
    });
  }

  return { totals: toTotals(total, totalErrors), series, split: buildSplit(bins, errors, nameOf) };
}
