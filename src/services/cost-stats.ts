import { and, inArray } from "drizzle-orm";
import {
  statsCacheQuerySchema,
  statsCostQuerySchema,
  statsTenantCostQuerySchema,
  type CacheEntry,
  type CacheFigures,
  type CostDimension,
  type CostEntry,
  type StatsCache,
  type StatsCosts,
} from "@/contracts/stats";
import { microsToUsd } from "@/core/cost/money";
import { apiKeys, groups, providers, tenants } from "@/db/schema";
import { maskGatewayKey } from "@/security/gateway-key";
import {
  exportContentType,
  exportFilename,
  renderRecords,
  streamText,
  type CsvValue,
  type ExportFile,
} from "@/stats/export-stream";
import { createModelRollupSums, type ModelRollupSums } from "@/stats/model-rollups";
import { queryModelRollupSplit, type ModelRollupEntry } from "@/stats/model-rollup-query";
import { NO_DIMENSION } from "@/stats/rollup-aggregate";
import { queryRollupSplit, type RollupFilter } from "@/stats/rollup-query";
import { buildSplit } from "@/stats/stats-report";
import { describeStatsSpan, resolveStatsSpan, type StatsSpan } from "@/stats/stats-range";
import { parseInput, type ServiceContext } from "./service-context";

/**
 * Cost by key, group, provider, model (and, system-wide, by tenant) and prompt-cache / session-affinity
 * figures per group and provider, read from the rollups; each also as a CSV or JSON download. Part of
 * the stats service (`createStatsService` spreads it in).
 */
export interface CostStats {
  /** Cost split by `by` (default model) over a range. */
  costs(query: unknown): Promise<StatsCosts>;
  /** Cost split by tenant across every tenant: for system users only (the route says so). */
  tenantCosts(query: unknown): Promise<StatsCosts>;
  /** Cache-read share and affinity hit share per group and provider. */
  cache(query: unknown): Promise<StatsCache>;
  exportCosts(query: unknown): Promise<ExportFile>;
  exportTenantCosts(query: unknown): Promise<ExportFile>;
  exportCache(query: unknown): Promise<ExportFile>;
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1e6) / 1e6);

const COST_COLUMNS: readonly { name: string; value: (e: CostEntry) => CsvValue }[] = [
  { name: "id", value: (e) => e.id },
  { name: "name", value: (e) => e.name },
  { name: "detail", value: (e) => e.detail },
  { name: "requests", value: (e) => e.requests },
  { name: "errors", value: (e) => e.errors },
  { name: "input_tokens", value: (e) => e.tokens.input },
  { name: "output_tokens", value: (e) => e.tokens.output },
  { name: "cache_read_tokens", value: (e) => e.tokens.cacheRead },
  { name: "cache_write_tokens", value: (e) => e.tokens.cacheWrite },
  { name: "cost_usd", value: (e) => e.costUsd },
  { name: "cost_share", value: (e) => e.share },
  { name: "unpriced_requests", value: (e) => e.unpricedRequests },
];

const CACHE_COLUMNS: readonly { name: string; value: (e: CacheEntry) => CsvValue }[] = [
  { name: "id", value: (e) => e.id },
  { name: "name", value: (e) => e.name },
  { name: "requests", value: (e) => e.requests },
  { name: "input_tokens", value: (e) => e.tokens.input },
  { name: "cache_read_tokens", value: (e) => e.tokens.cacheRead },
  { name: "cache_write_tokens", value: (e) => e.tokens.cacheWrite },
  { name: "cache_read_share", value: (e) => e.cacheReadShare },
  { name: "affinity_hits", value: (e) => e.affinity.hits },
  { name: "affinity_misses", value: (e) => e.affinity.misses },
  { name: "affinity_moved", value: (e) => e.affinity.moved },
  { name: "affinity_hit_share", value: (e) => e.affinity.hitShare },
];

async function* once<T>(items: readonly T[]): AsyncGenerator<readonly T[]> {
  yield items;
}

async function* single(text: string): AsyncGenerator<string> {
  yield text;
}

function toFile<T>(
  base: string,
  format: "csv" | "json",
  document: unknown,
  rows: readonly T[],
  columns: readonly { name: string; value: (e: T) => CsvValue }[],
  now: Date,
): ExportFile {
  return {
    filename: exportFilename(base, format, now),
    contentType: exportContentType(format),
    body:
      format === "json"
        ? streamText(single(`${JSON.stringify(document, null, 2)}\n`))
        : streamText(renderRecords(once(rows), "csv", columns, (e) => e)),
  };
}

/** Cache figures from summed model rollups. */
function toCacheFigures(s: ModelRollupSums): CacheFigures {
  const routed = s.affinityHits + s.affinityMisses + s.affinityMoved;
  return {
    requests: s.requests,
    tokens: {
      input: s.inputTokens,
      output: s.outputTokens,
      cacheRead: s.cacheReadTokens,
      cacheWrite: s.cacheWriteTokens,
    },
    cacheReadShare: ratio(s.cacheReadTokens, s.inputTokens),
    affinity: {
      hits: s.affinityHits,
      misses: s.affinityMisses,
      moved: s.affinityMoved,
      hitShare: ratio(s.affinityHits, routed),
    },
  };
}

function sumEntries(entries: readonly ModelRollupSums[]): ModelRollupSums {
  const total = createModelRollupSums();
  for (const e of entries) for (const k of Object.keys(total) as (keyof ModelRollupSums)[]) total[k] += e[k];
  return total;
}

/** The cost and cache half of the stats service, acting in `ctx`'s tenant. */
export function createCostStats(ctx: ServiceContext): CostStats {
  const { db } = ctx;

  const resolve = <Q extends { from?: number; to?: number }>(q: Q): StatsSpan =>
    resolveStatsSpan({ from: q.from, to: q.to }, ctx.now().getTime());

  const namesOf = async (by: "group" | "provider", ids: readonly string[]) => {
    const wanted = ids.filter((id) => id !== NO_DIMENSION);
    if (wanted.length === 0) return new Map<string, string>();
    const rows =
      by === "group"
        ? await db
            .select({ id: groups.id, name: groups.slug })
            .from(groups)
            .where(and(inArray(groups.id, wanted), ctx.owned(groups)))
        : await db
            .select({ id: providers.id, name: providers.name })
            .from(providers)
            .where(and(inArray(providers.id, wanted), ctx.owned(providers)));
    return new Map(rows.map((r) => [r.id, r.name]));
  };

  /** Key, group, provider or tenant rows from the main rollups (the figures the rest of Statistics shows). */
  const rollupCosts = async (
    span: StatsSpan,
    split: RollupFilter["split"],
    groupId: string | undefined,
  ): Promise<Omit<CostEntry, "share">[]> => {
    const filter: RollupFilter = {
      grain: span.grain,
      from: new Date(span.from),
      to: new Date(span.to),
      binSeconds: (span.to - span.from) / 1000,
      split,
      ...(split === "tenant" ? {} : { tenantId: ctx.tenantId }),
      ...(groupId !== undefined ? { groupId } : {}),
    };
    const { bins } = await queryRollupSplit(db, filter);
    const ids = [...new Set(bins.map((b) => b.dim))].filter((id) => id !== NO_DIMENSION);
    const names = new Map<string, { name: string; detail: string | null }>();
    if (ids.length > 0 && split === "key") {
      const rows = await db
        .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.keyPrefix, last4: apiKeys.keyLast4 })
        .from(apiKeys)
        .where(and(inArray(apiKeys.id, ids), ctx.owned(apiKeys)));
      for (const r of rows) names.set(r.id, { name: r.name, detail: maskGatewayKey(r.prefix, r.last4) });
    } else if (ids.length > 0 && split === "tenant") {
      const rows = await db
        .select({ id: tenants.id, name: tenants.name, slug: tenants.slug })
        .from(tenants)
        .where(inArray(tenants.id, ids));
      for (const r of rows) names.set(r.id, { name: r.name, detail: r.slug });
    } else if (ids.length > 0) {
      for (const [id, name] of await namesOf(split === "group" ? "group" : "provider", ids))
        names.set(id, { name, detail: null });
    }
    return buildSplit(bins, [], (id) => names.get(id)?.name ?? null).map((e) => ({
      id: e.id,
      name: e.name,
      detail: e.id === null ? null : (names.get(e.id)?.detail ?? null),
      requests: e.requests,
      errors: e.errors,
      tokens: e.tokens,
      costUsd: e.costUsd,
      unpricedRequests: null,
    }));
  };

  const modelCosts = async (span: StatsSpan, groupId: string | undefined) => {
    const entries = await queryModelRollupSplit(db, {
      grain: span.grain,
      from: new Date(span.from),
      to: new Date(span.to),
      tenantId: ctx.tenantId,
      split: "model",
      ...(groupId !== undefined ? { groupId } : {}),
    });
    return entries.map((e): Omit<CostEntry, "share"> => ({
      id: e.dim === "" ? null : e.dim,
      name: e.dim === "" ? null : e.dim,
      detail: null,
      requests: e.requests,
      errors: e.errors,
      tokens: {
        input: e.inputTokens,
        output: e.outputTokens,
        cacheRead: e.cacheReadTokens,
        cacheWrite: e.cacheWriteTokens,
      },
      costUsd: microsToUsd(e.costMicros),
      unpricedRequests: e.unpricedRequests,
    }));
  };

  const build = (span: StatsSpan, by: CostDimension, rows: Omit<CostEntry, "share">[]): StatsCosts => {
    // Shares from micro-dollars, so rounding of each row's USD does not skew them.
    const micros = (usd: number) => Math.round(usd * 1e6);
    const totalMicros = rows.reduce((sum, r) => sum + micros(r.costUsd), 0);
    const tokens = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    for (const r of rows) {
      tokens.input += r.tokens.input;
      tokens.output += r.tokens.output;
      tokens.cacheRead += r.tokens.cacheRead;
      tokens.cacheWrite += r.tokens.cacheWrite;
    }
    const items = rows
      .map((r) => ({ ...r, share: ratio(micros(r.costUsd), totalMicros) }))
      .sort(
        (a, b) =>
          b.costUsd - a.costUsd || b.requests - a.requests || (a.name ?? "").localeCompare(b.name ?? ""),
      );
    return {
      range: describeStatsSpan(span),
      by,
      totals: {
        requests: rows.reduce((n, r) => n + r.requests, 0),
        tokens,
        costUsd: microsToUsd(totalMicros),
      },
      items,
    };
  };

  async function costs(input: unknown) {
    const q = parseInput(statsCostQuerySchema, input, "INVALID_QUERY");
    const span = resolve(q);
    const by = q.by ?? "model";
    const rows = by === "model" ? await modelCosts(span, q.groupId) : await rollupCosts(span, by, q.groupId);
    return { q, result: build(span, by, rows) };
  }

  async function tenantCosts(input: unknown) {
    const q = parseInput(statsTenantCostQuerySchema, input, "INVALID_QUERY");
    const span = resolve(q);
    return { q, result: build(span, "tenant", await rollupCosts(span, "tenant", q.groupId)) };
  }

  async function cache(input: unknown) {
    const q = parseInput(statsCacheQuerySchema, input, "INVALID_QUERY");
    const span = resolve(q);
    const filter = {
      grain: span.grain,
      from: new Date(span.from),
      to: new Date(span.to),
      tenantId: ctx.tenantId,
      ...(q.groupId !== undefined ? { groupId: q.groupId } : {}),
    };
    const [byGroup, byProvider] = await Promise.all([
      queryModelRollupSplit(db, { ...filter, split: "group" }),
      queryModelRollupSplit(db, { ...filter, split: "provider" }),
    ]);
    const [groupNames, providerNames] = await Promise.all([
      namesOf(
        "group",
        byGroup.map((e) => e.dim),
      ),
      namesOf(
        "provider",
        byProvider.map((e) => e.dim),
      ),
    ]);
    const entries = (list: ModelRollupEntry[], names: Map<string, string>): CacheEntry[] =>
      list
        .map((e) => {
          const id = e.dim === NO_DIMENSION ? null : e.dim;
          return { ...toCacheFigures(e), id, name: id === null ? null : (names.get(id) ?? null) };
        })
        .sort((a, b) => b.requests - a.requests || (a.name ?? "").localeCompare(b.name ?? ""));
    const result: StatsCache = {
      range: describeStatsSpan(span),
      totals: toCacheFigures(sumEntries(byGroup)),
      groups: entries(byGroup, groupNames),
      providers: entries(byProvider, providerNames),
    };
    return { q, result };
  }

  return {
    costs: async (query) => (await costs(query)).result,
    tenantCosts: async (query) => (await tenantCosts(query)).result,
    cache: async (query) => (await cache(query)).result,
    async exportCosts(query) {
      const { q, result } = await costs(query);
      const base = `stats-costs-by-${result.by}`;
      return toFile(base, q.format ?? "json", result, result.items, COST_COLUMNS, ctx.now());
    },
    async exportTenantCosts(query) {
      const { q, result } = await tenantCosts(query);
      return toFile(
        "stats-costs-by-tenant",
        q.format ?? "json",
        result,
        result.items,
        COST_COLUMNS,
        ctx.now(),
      );
    },
    async exportCache(query) {
      const { q, result } = await cache(query);
      const view = q.view ?? "groups";
      const rows = view === "groups" ? result.groups : result.providers;
      return toFile(`stats-cache-${view}`, q.format ?? "json", result, rows, CACHE_COLUMNS, ctx.now());
    },
  };
}
