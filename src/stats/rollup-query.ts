import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { executeRows } from "../db/execute-rows";
import { HISTOGRAM_BUCKETS } from "./histogram";
import { ALL_KEYS, type RollupSums } from "./rollup-aggregate";
import { STATUS_CLASSES, type StatusClass } from "@/core/vocabulary/status-classes";

/**
 * Reads rollups summed per time bin × one dimension (provider, group or key) in SQL, so a dashboard
 * query returns (bins × providers) rows whatever the traffic was. Provider and group splits read the
 * all-keys rows only; the key split reads the per-key rows. Histograms are summed element-wise in SQL (`sum(h[i]::float8)` per element: float8 sums are
 * exact below 2^53 and much cheaper than bigint's numeric ones); the caller merges bins into totals,
 * series and splits.
 */

export interface RollupFilter {
  /** Rollup grain in minutes (1, 60, 1440). */
  readonly grain: number;
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  /** Bin width in seconds (a multiple of the grain). */
  readonly binSeconds: number;
  /** The acting tenant: only its rows (the services always set it). */
  readonly tenantId?: string;
  readonly groupId?: string;
  readonly providerId?: string;
  /** The dimension each returned row is split by (`tenant`: across tenants, leave tenantId unset). */
  readonly split: "provider" | "group" | "key" | "tenant";
}

export interface RollupBin extends Readonly<RollupSums> {
  /** Bin start, epoch ms. */
  readonly t: number;
  /** Provider, group or key id (the nil UUID for "none"). */
  readonly dim: string;
  /** Requests per status class (they add up to `requests`). */
  readonly classes: Record<StatusClass, number>;
}

export interface ErrorCount {
  readonly dim: string;
  readonly code: string;
  readonly count: number;
}

const histogramSums = (column: string) =>
  sql.raw(
    `array[${Array.from({ length: HISTOGRAM_BUCKETS }, (_, i) => `coalesce(sum(${column}[${i + 1}]::float8), 0)`).join(", ")}]`,
  );

const classSums = sql.raw(
  STATUS_CLASSES.map(
    (c) => `coalesce(sum(requests) filter (where status_class = '${c}'), 0)::float8 as "c_${c}"`,
  ).join(", "),
);

function whereOf(f: RollupFilter): SQL {
  const parts: SQL[] = [
    sql`grain = ${f.grain}`,
    // Every request is in the per-key rows and again in the all-keys ones: read exactly one set.
    f.split === "key" ? sql`key_id <> ${ALL_KEYS}::uuid` : sql`key_id = ${ALL_KEYS}::uuid`,
    sql`bucket >= ${f.from.toISOString()}::timestamptz`,
    sql`bucket < ${f.to.toISOString()}::timestamptz`,
  ];
  if (f.tenantId !== undefined) parts.push(sql`tenant_id = ${f.tenantId}::uuid`);
  if (f.groupId !== undefined) parts.push(sql`group_id = ${f.groupId}::uuid`);
  if (f.providerId !== undefined) parts.push(sql`provider_id = ${f.providerId}::uuid`);
  return sql.join(parts, sql` and `);
}

const DIMENSION_COLUMNS = {
  provider: "provider_id",
  group: "group_id",
  key: "key_id",
  tenant: "tenant_id",
} as const;

const dimColumn = (f: RollupFilter) => sql.raw(DIMENSION_COLUMNS[f.split]);

/** The sums every reading query selects (one rollup dimension's worth of rows folded together). */
const sums = sql`sum(requests)::float8 as requests,
          ${classSums},
          sum(latency_sum_ms)::float8 as latency_sum,
          sum(ttfb_sum_ms)::float8 as ttfb_sum,
          sum(ttfb_count)::float8 as ttfb_count,
          sum(bytes_in)::float8 as bytes_in,
          sum(bytes_out)::float8 as bytes_out,
          sum(input_tokens)::float8 as input_tokens,
          sum(output_tokens)::float8 as output_tokens,
          sum(cache_read_tokens)::float8 as cache_read_tokens,
          sum(cache_write_tokens)::float8 as cache_write_tokens,
          sum(cost_micros)::float8 as cost_micros,
          ${histogramSums("latency_hist")} as lat,
          ${histogramSums("ttfb_hist")} as ttfb`;

type Numeric = number | string | bigint | null;

/** Drivers differ (numbers, strings, bigints, unparsed array literals): normalise to numbers. */
function toNumber(value: Numeric | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value);
}

function toNumbers(value: unknown): number[] {
  if (Array.isArray(value)) return value.map((v: Numeric) => toNumber(v));
  if (typeof value === "string") {
    const inner = value.replace(/^\{|\}$/g, "");
    return inner === "" ? [] : inner.split(",").map(Number);
  }
  return [];
}

interface SumRow {
  dim: string;
  requests: Numeric;
  latency_sum: Numeric;
  ttfb_sum: Numeric;
  ttfb_count: Numeric;
  bytes_in: Numeric;
  bytes_out: Numeric;
  input_tokens: Numeric;
  output_tokens: Numeric;
  cache_read_tokens: Numeric;
  cache_write_tokens: Numeric;
  cost_micros: Numeric;
  lat: unknown;
  ttfb: unknown;
  [classColumn: `c_${string}`]: Numeric;
}

function toBin(r: SumRow, t: number): RollupBin {
  const classes = {} as Record<StatusClass, number>;
  for (const c of STATUS_CLASSES) classes[c] = toNumber(r[`c_${c}`]);
  return {
    t,
    dim: r.dim,
    requests: toNumber(r.requests),
    classes,
    latencySumMs: toNumber(r.latency_sum),
    ttfbSumMs: toNumber(r.ttfb_sum),
    ttfbCount: toNumber(r.ttfb_count),
    bytesIn: toNumber(r.bytes_in),
    bytesOut: toNumber(r.bytes_out),
    inputTokens: toNumber(r.input_tokens),
    outputTokens: toNumber(r.output_tokens),
    cacheReadTokens: toNumber(r.cache_read_tokens),
    cacheWriteTokens: toNumber(r.cache_write_tokens),
    costMicros: toNumber(r.cost_micros),
    latencyHist: toNumbers(r.lat),
    ttfbHist: toNumbers(r.ttfb),
  };
}

/** Rollups in the filter's range, summed per (bin, dimension). */
export async function queryRollupBins(db: Db, f: RollupFilter): Promise<RollupBin[]> {
  const rows = await executeRows<SumRow & { t: Numeric }>(
    db,
    sql`select (floor(extract(epoch from bucket) / ${f.binSeconds}) * ${f.binSeconds})::float8 as t,
          ${dimColumn(f)}::text as dim,
          ${sums}
        from stats_rollups
        where ${whereOf(f)}
        group by 1, 2
        order by 1, 2`,
  );
  return rows.map((r) => toBin(r, toNumber(r.t) * 1000));
}

/** jsonb arrives parsed from both drivers; a string (a driver without the parser) is parsed here. */
function toCodeCounts(value: unknown): Record<string, Numeric> {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, Numeric>) : {};
}

/**
 * Rollups in the filter's range summed per dimension only (one bin at `from`), with each dimension's
 * errors by code, in a single query: a split table needs no time series.
 */
export async function queryRollupSplit(
  db: Db,
  f: RollupFilter,
): Promise<{ bins: RollupBin[]; errors: ErrorCount[] }> {
  const rows = await executeRows<SumRow & { codes: unknown }>(
    db,
    sql`with picked as (
          select * from stats_rollups where ${whereOf(f)}
        ), coded as (
          select dim, jsonb_object_agg(code, n) as codes
          from (select ${dimColumn(f)}::text as dim, e.key as code, sum(e.value::bigint)::float8 as n
                from picked cross join lateral jsonb_each_text(error_codes) as e
                where error_codes <> '{}'::jsonb
                group by 1, 2) as per_code
          group by dim
        )
        select s.*, coded.codes
        from (select ${dimColumn(f)}::text as dim, ${sums} from picked group by 1) as s
          left join coded on coded.dim = s.dim
        order by s.dim`,
  );
  const t = f.from.getTime();
  return {
    bins: rows.map((r) => toBin(r, t)),
    errors: rows.flatMap((r) =>
      Object.entries(toCodeCounts(r.codes)).map(([code, n]) => ({ dim: r.dim, code, count: toNumber(n) })),
    ),
  };
}

/** Requests per error code and dimension in the filter's range. */
export async function queryErrorCounts(db: Db, f: RollupFilter): Promise<ErrorCount[]> {
  const rows = await executeRows<{ dim: string; code: string; n: Numeric }>(
    db,
    sql`select ${dimColumn(f)}::text as dim, e.key as code, sum(e.value::bigint)::float8 as n
        from stats_rollups cross join lateral jsonb_each_text(error_codes) as e
        where ${whereOf(f)} and error_codes <> '{}'::jsonb
        group by 1, 2`,
  );
  return rows.map((r) => ({ dim: r.dim, code: r.code, count: toNumber(r.n) }));
}

/** True when any rollup row names this provider (stats outlive a deleted provider). */
export async function hasProviderRollups(db: Db, providerId: string, tenantId: string): Promise<boolean> {
  const rows = await executeRows<{ one: number }>(
    db,
    sql`select 1 as one from stats_rollups where provider_id = ${providerId}::uuid and tenant_id = ${tenantId}::uuid limit 1`,
  );
  return rows.length > 0;
}
