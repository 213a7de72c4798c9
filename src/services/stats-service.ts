import { and, eq, inArray } from "drizzle-orm";
import {
  statsQuerySchema,
  type ProviderStats,
  type StatsKeySplitEntry,
  type StatsOverview,
  type StatsPoint,
  type StatsSplitEntry,
} from "@/contracts/stats";
import { AppError } from "@/core/errors/catalogue";
import { apiKeys, groups, providers } from "@/db/schema";
import {
  exportContentType,
  exportFilename,
  renderRecords,
  streamText,
  type CsvValue,
  type ExportFile,
} from "@/stats/export-stream";
import { listHealthTransitions } from "@/stats/health-events";
import { describeStatsSpan, invalidQuery, resolveStatsSpan, type StatsSpan } from "@/stats/stats-range";
import {
  hasProviderRollups,
  queryErrorCounts,
  queryRollupBins,
  queryRollupSplit,
  type RollupFilter,
} from "@/stats/rollup-query";
import { buildSplit, buildStatsReport } from "@/stats/stats-report";
import { maskGatewayKey } from "@/security/gateway-key";
import { createCostStats, type CostStats } from "./cost-stats";
import { isUuid, parseInput, type ServiceContext } from "./service-context";

export interface StatsService extends CostStats {
  /** Totals, time series and per-provider and per-key splits of a range, read from the rollups only. */
  overview(query: unknown): Promise<StatsOverview>;
  /** The same for one provider, split per group, with its health transitions. */
  provider(id: string, query: unknown): Promise<ProviderStats>;
  /** A statistics query as a CSV (`view=series|split|keys`) or JSON download. */
  exportOverview(query: unknown): Promise<ExportFile>;
  exportProvider(id: string, query: unknown): Promise<ExportFile>;
}

interface ResolvedRange extends StatsSpan {
  readonly groupId: string | undefined;
  readonly format: "csv" | "json" | undefined;
  readonly view: "series" | "split" | "keys";
}

/** Validates the query and widens the range to whole buckets of the coarsest fitting grain. */
function resolveRange(input: unknown, nowMs: number): ResolvedRange {
  const q = parseInput(statsQuerySchema, input, "INVALID_QUERY");
  return {
    ...resolveStatsSpan(q, nowMs),
    groupId: q.groupId,
    format: q.format,
    view: q.view ?? "series",
  };
}

function filterOf(
  tenantId: string,
  r: ResolvedRange,
  split: RollupFilter["split"],
  providerId?: string,
): RollupFilter {
  return {
    tenantId,
    grain: r.grain,
    from: new Date(r.from),
    to: new Date(r.to),
    binSeconds: r.binMs / 1000,
    split,
    ...(r.groupId !== undefined ? { groupId: r.groupId } : {}),
    ...(providerId !== undefined ? { providerId } : {}),
  };
}

const rangeView = describeStatsSpan;

const SERIES_COLUMNS: readonly { name: string; value: (p: StatsPoint) => CsvValue }[] = [
  { name: "bucket_start", value: (p) => p.t },
  { name: "requests", value: (p) => p.requests },
  { name: "requests_per_second", value: (p) => p.requestsPerSecond },
  { name: "success_rate", value: (p) => p.successRate },
  { name: "errors", value: (p) => p.errors },
  { name: "latency_p50_ms", value: (p) => p.latencyMs.p50 },
  { name: "latency_p95_ms", value: (p) => p.latencyMs.p95 },
  { name: "latency_p99_ms", value: (p) => p.latencyMs.p99 },
  { name: "ttfb_p50_ms", value: (p) => p.ttfbMs.p50 },
  { name: "ttfb_p95_ms", value: (p) => p.ttfbMs.p95 },
  { name: "ttfb_p99_ms", value: (p) => p.ttfbMs.p99 },
  { name: "input_tokens", value: (p) => p.tokens.input },
  { name: "output_tokens", value: (p) => p.tokens.output },
  { name: "cache_read_tokens", value: (p) => p.tokens.cacheRead },
  { name: "cache_write_tokens", value: (p) => p.tokens.cacheWrite },
  { name: "cost_usd", value: (p) => p.costUsd },
];

const METRIC_COLUMNS: readonly { name: string; value: (e: StatsSplitEntry) => CsvValue }[] = [
  { name: "requests", value: (e) => e.requests },
  { name: "successes", value: (e) => e.successes },
  { name: "errors", value: (e) => e.errors },
  { name: "success_rate", value: (e) => e.successRate },
  { name: "latency_p50_ms", value: (e) => e.latencyMs.p50 },
  { name: "latency_p95_ms", value: (e) => e.latencyMs.p95 },
  { name: "latency_p99_ms", value: (e) => e.latencyMs.p99 },
  { name: "latency_avg_ms", value: (e) => e.latencyMs.avg },
  { name: "ttfb_p50_ms", value: (e) => e.ttfbMs.p50 },
  { name: "ttfb_p95_ms", value: (e) => e.ttfbMs.p95 },
  { name: "ttfb_p99_ms", value: (e) => e.ttfbMs.p99 },
  { name: "input_tokens", value: (e) => e.tokens.input },
  { name: "output_tokens", value: (e) => e.tokens.output },
  { name: "cache_read_tokens", value: (e) => e.tokens.cacheRead },
  { name: "cache_write_tokens", value: (e) => e.tokens.cacheWrite },
  { name: "cost_usd", value: (e) => e.costUsd },
  { name: "bytes_in", value: (e) => e.bytes.in },
  { name: "bytes_out", value: (e) => e.bytes.out },
  {
    name: "errors_by_code",
    value: (e) =>
      Object.entries(e.errorsByCode)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, n]) => `${code}=${n}`)
        .join(";"),
  },
];

const SPLIT_COLUMNS: readonly { name: string; value: (e: StatsSplitEntry) => CsvValue }[] = [
  { name: "id", value: (e) => e.id },
  { name: "name", value: (e) => e.name },
  ...METRIC_COLUMNS,
];

const KEY_COLUMNS: readonly { name: string; value: (e: StatsKeySplitEntry) => CsvValue }[] = [
  { name: "key_id", value: (e) => e.id },
  { name: "name", value: (e) => e.name },
  { name: "key_masked", value: (e) => e.keyMasked },
  ...METRIC_COLUMNS,
];

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}

async function* once<T>(items: readonly T[]): AsyncGenerator<readonly T[]> {
  yield items;
}

function toFile(
  base: string,
  r: ResolvedRange,
  document: { series: StatsPoint[] } & Record<string, unknown>,
  split: StatsSplitEntry[],
  keys: StatsKeySplitEntry[] | null,
  now: Date,
): ExportFile {
  const format = r.format ?? "json";
  const contentType = exportContentType(format);
  if (format === "json") {
    return {
      filename: exportFilename(base, format, now),
      contentType,
      body: streamText(single(`${JSON.stringify(document, null, 2)}\n`)),
    };
  }
  if (r.view === "keys") {
    // The provider detail has no key split: refusing beats a silently different table.
    if (keys === null) throw invalidQuery("view", "keys is only available on the overview");
    return {
      filename: exportFilename("stats-keys", format, now),
      contentType,
      body: streamText(renderRecords(once(keys), "csv", KEY_COLUMNS, (e) => e)),
    };
  }
  const body =
    r.view === "split"
      ? streamText(renderRecords(once(split), "csv", SPLIT_COLUMNS, (e) => e))
      : streamText(renderRecords(once(document.series), "csv", SERIES_COLUMNS, (p) => p));
  return { filename: exportFilename(base, format, now), contentType, body };
}

/** Statistics over the rollups the log writer maintains (never the raw request rows). */
export function createStatsService(ctx: ServiceContext): StatsService {
  const { db } = ctx;

  const providerNames = async () => {
    const rows = await db
      .select({ id: providers.id, name: providers.name })
      .from(providers)
      .where(ctx.owned(providers));
    return new Map(rows.map((r) => [r.id, r.name]));
  };
  /** The per-key split, named from api_keys (only the keys that had traffic are looked up). */
  const keySplit = async (filter: RollupFilter): Promise<StatsKeySplitEntry[]> => {
    const { bins, errors } = await queryRollupSplit(db, filter);
    const ids = [...new Set(bins.map((b) => b.dim))];
    const rows =
      ids.length === 0
        ? []
        : await db
            .select({
              id: apiKeys.id,
              name: apiKeys.name,
              prefix: apiKeys.keyPrefix,
              last4: apiKeys.keyLast4,
            })
            .from(apiKeys)
            .where(and(inArray(apiKeys.id, ids), ctx.owned(apiKeys)));
    const byId = new Map(rows.map((k) => [k.id, k]));
    return buildSplit(bins, errors, (id) => byId.get(id)?.name ?? null).map((entry) => {
      const key = entry.id === null ? undefined : byId.get(entry.id);
      return { ...entry, keyMasked: key === undefined ? null : maskGatewayKey(key.prefix, key.last4) };
    });
  };
  const groupNames = async () => {
    const rows = await db.select({ id: groups.id, slug: groups.slug }).from(groups).where(ctx.owned(groups));
    return new Map(rows.map((r) => [r.id, r.slug]));
  };

  async function overview(query: unknown): Promise<{ r: ResolvedRange; result: StatsOverview }> {
    const r = resolveRange(query, ctx.now().getTime());
    const filter = filterOf(ctx.tenantId, r, "provider");
    const [bins, errors, names, keys] = await Promise.all([
      queryRollupBins(db, filter),
      queryErrorCounts(db, filter),
      providerNames(),
      keySplit(filterOf(ctx.tenantId, r, "key")),
    ]);
    const report = buildStatsReport(
      bins,
      errors,
      { from: r.from, to: r.to, binMs: r.binMs },
      (id) => names.get(id) ?? null,
    );
    return {
      r,
      result: {
        range: rangeView(r),
        totals: report.totals,
        series: report.series,
        providers: report.split,
        keys,
      },
    };
  }

  async function provider(id: string, query: unknown): Promise<{ r: ResolvedRange; result: ProviderStats }> {
    const r = resolveRange(query, ctx.now().getTime());
    if (!isUuid(id)) throw new AppError("PROVIDER_NOT_FOUND");
    const [row] = await db
      .select({ name: providers.name })
      .from(providers)
      .where(and(eq(providers.id, id), ctx.owned(providers)));
    if (row === undefined && !(await hasProviderRollups(db, id, ctx.tenantId)))
      throw new AppError("PROVIDER_NOT_FOUND");
    const filter = filterOf(ctx.tenantId, r, "group", id);
    const [bins, errors, names, events] = await Promise.all([
      queryRollupBins(db, filter),
      queryErrorCounts(db, filter),
      groupNames(),
      listHealthTransitions(db, id, new Date(r.from), new Date(r.to)),
    ]);
    const report = buildStatsReport(
      bins,
      errors,
      { from: r.from, to: r.to, binMs: r.binMs },
      (g) => names.get(g) ?? null,
    );
    return {
      r,
      result: {
        provider: { id, name: row?.name ?? null },
        range: rangeView(r),
        totals: report.totals,
        series: report.series,
        groups: report.split,
        healthEvents: events.map((e) => ({
          at: e.at.toISOString(),
          from: e.fromState,
          to: e.toState,
          reason: e.reason,
          instance: e.instance,
        })),
      },
    };
  }

  return {
    ...createCostStats(ctx),
    overview: async (query) => (await overview(query)).result,
    provider: async (id, query) => (await provider(id, query)).result,
    async exportOverview(query) {
      const { r, result } = await overview(query);
      return toFile("stats-overview", r, result, result.providers, result.keys, ctx.now());
    },
    async exportProvider(id, query) {
      const { r, result } = await provider(id, query);
      return toFile("stats-provider", r, result, result.groups, null, ctx.now());
    },
  };
}
