import { z } from "zod";
import { STATUS_CLASSES } from "@/core/vocabulary/status-classes";
import { timestampSchema } from "./common";

/** Bucket widths the statistics endpoints accept, in minutes. */
export const STATS_BUCKETS = {
  "1m": 1,
  "5m": 5,
  "10m": 10,
  "15m": 15,
  "30m": 30,
  "1h": 60,
  "3h": 180,
  "6h": 360,
  "12h": 720,
  "1d": 1440,
  "7d": 10080,
} as const;
export type StatsBucket = keyof typeof STATS_BUCKETS;
const BUCKET_NAMES = Object.keys(STATS_BUCKETS) as [StatsBucket, ...StatsBucket[]];

/** Longest range a statistics query may cover. */
export const STATS_MAX_RANGE_DAYS = 400;
/** Most points a time series may have. */
export const STATS_MAX_POINTS = 2_000;

/** A point in time as epoch milliseconds (`1767225600000`) or ISO 8601 with offset; → epoch ms. */
export const instantSchema = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/, "must be epoch milliseconds or an ISO 8601 timestamp")
    .transform(Number),
  z.iso
    .datetime({ offset: true, error: "must be epoch milliseconds or an ISO 8601 timestamp" })
    .transform(Date.parse),
]);

/** GET /stats/overview and /stats/providers/{id}. Defaults: the last 24 h, bucket chosen from the range. */
export const statsQuerySchema = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  groupId: z.uuid().optional(),
  bucket: z.enum(BUCKET_NAMES).optional(),
  /** Download instead of the JSON view: `csv` or `json` (a file). */
  format: z.enum(["csv", "json"]).optional(),
  /**
   * What a CSV export holds: the time series (default), the split table (per provider, or per group
   * for one provider) or, on the overview only, the per-key table.
   */
  view: z.enum(["series", "split", "keys"]).optional(),
});
export type StatsQuery = z.input<typeof statsQuerySchema>;

const percentilesSchema = z.object({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
  avg: z.number().nullable(),
});

/** Token sums; `input` includes the cached parts `cacheRead` and `cacheWrite`. */
const tokensSchema = z.object({
  input: z.number(),
  output: z.number(),
  cacheRead: z.number(),
  cacheWrite: z.number(),
});

/** Totals of a range (or of one provider/group in it). Success = status class 2xx or 3xx. */
export const statsTotalsSchema = z.object({
  requests: z.number(),
  successes: z.number(),
  errors: z.number(),
  /** successes / requests; null without requests. */
  successRate: z.number().nullable(),
  statusClasses: z.record(z.enum(STATUS_CLASSES), z.number()),
  errorsByCode: z.record(z.string(), z.number()),
  latencyMs: percentilesSchema,
  ttfbMs: percentilesSchema,
  tokens: tokensSchema,
  /** Cost of the priced requests in USD (micro-dollar precision); requests of unpriced models add 0. */
  costUsd: z.number(),
  bytes: z.object({ in: z.number(), out: z.number() }),
});
export type StatsTotals = z.infer<typeof statsTotalsSchema>;

export const statsPointSchema = z.object({
  /** Bucket start. */
  t: timestampSchema,
  requests: z.number(),
  requestsPerSecond: z.number(),
  successRate: z.number().nullable(),
  errors: z.number(),
  latencyMs: percentilesSchema.omit({ avg: true }),
  ttfbMs: percentilesSchema.omit({ avg: true }),
  tokens: tokensSchema,
  costUsd: z.number(),
});
export type StatsPoint = z.infer<typeof statsPointSchema>;

/** One provider's (or group's) share of the range; `id` null = requests refused before one was chosen. */
export const statsSplitEntrySchema = statsTotalsSchema.extend({
  id: z.string().nullable(),
  name: z.string().nullable(),
});
export type StatsSplitEntry = z.infer<typeof statsSplitEntrySchema>;

/**
 * One gateway key's share of the range. `id` null = requests without a key (refused before one was
 * recognised); `name` and `keyMasked` (`sk-AbCd…wXyZ`) null = a key deleted since.
 */
export const statsKeySplitEntrySchema = statsSplitEntrySchema.extend({
  keyMasked: z.string().nullable(),
});
export type StatsKeySplitEntry = z.infer<typeof statsKeySplitEntrySchema>;

export const statsRangeSchema = z.object({
  /** The range covered: the requested one widened to whole buckets. */
  from: timestampSchema,
  to: timestampSchema,
  bucket: z.enum(BUCKET_NAMES),
  bucketSeconds: z.number(),
  /** Which rollups answered: minute, hour or day buckets. */
  grain: z.enum(["minute", "hour", "day"]),
  /** Bound of the relative error of every percentile (log-spaced histograms). */
  percentileRelativeError: z.number(),
});

/** GET /stats/overview. */
export const statsOverviewSchema = z.object({
  range: statsRangeSchema,
  totals: statsTotalsSchema,
  series: z.array(statsPointSchema),
  providers: z.array(statsSplitEntrySchema),
  keys: z.array(statsKeySplitEntrySchema),
});
export type StatsOverview = z.infer<typeof statsOverviewSchema>;

export const healthEventSchema = z.object({
  at: timestampSchema,
  from: z.string(),
  to: z.string(),
  reason: z.string().nullable(),
  instance: z.string().nullable(),
});
export type HealthEvent = z.infer<typeof healthEventSchema>;

/** GET /stats/providers/{id}: the overview for one provider, split per group, with health changes. */
export const providerStatsSchema = z.object({
  provider: z.object({ id: z.string(), name: z.string().nullable() }),
  range: statsRangeSchema,
  totals: statsTotalsSchema,
  series: z.array(statsPointSchema),
  groups: z.array(statsSplitEntrySchema),
  healthEvents: z.array(healthEventSchema),
});
export type ProviderStats = z.infer<typeof providerStatsSchema>;

/** What the cost table can be split by (`tenant` only on the system-wide `/stats/tenants`). */
export const COST_DIMENSIONS = ["key", "group", "provider", "model"] as const;
export type CostDimension = (typeof COST_DIMENSIONS)[number] | "tenant";

/** GET /stats/costs and /stats/tenants: a range (default the last 24 h) and, for costs, the dimension. */
export const statsCostQuerySchema = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  groupId: z.uuid().optional(),
  /** The split (default `model`). */
  by: z.enum(COST_DIMENSIONS).optional(),
  /** Download the table instead: `csv` or `json`. */
  format: z.enum(["csv", "json"]).optional(),
});
export type StatsCostQuery = z.input<typeof statsCostQuerySchema>;
/** GET /stats/tenants: the same without `by` (always per tenant). */
export const statsTenantCostQuerySchema = statsCostQuerySchema.omit({ by: true });

/** One row of the cost table. */
export const costEntrySchema = z.object({
  /** Key, group, provider or tenant id, or the model name; null = none (refused before one was known, no model named). */
  id: z.string().nullable(),
  /** Display name (key name, group slug, provider or tenant name, model); null when unknown or deleted. */
  name: z.string().nullable(),
  /** The masked key (`sk-AbCd…wXyZ`) on the key split, else null. */
  detail: z.string().nullable(),
  requests: z.number(),
  errors: z.number(),
  tokens: tokensSchema,
  /** Cost of the priced requests, USD (micro-dollar precision). */
  costUsd: z.number(),
  /** This row's part of the range's cost (0–1); null when the range cost nothing. */
  share: z.number().nullable(),
  /** Requests that reported tokens but whose model has no price (their cost is missing); model split only, else null. */
  unpricedRequests: z.number().nullable(),
});
export type CostEntry = z.infer<typeof costEntrySchema>;

export const statsCostsSchema = z.object({
  range: statsRangeSchema,
  by: z.enum([...COST_DIMENSIONS, "tenant"]),
  totals: z.object({ requests: z.number(), tokens: tokensSchema, costUsd: z.number() }),
  /** Most expensive first. */
  items: z.array(costEntrySchema),
});
export type StatsCosts = z.infer<typeof statsCostsSchema>;

/** GET /stats/cache: a range and, for a CSV download, which table (`groups` by default). */
export const statsCacheQuerySchema = z.strictObject({
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  groupId: z.uuid().optional(),
  format: z.enum(["csv", "json"]).optional(),
  view: z.enum(["groups", "providers"]).optional(),
});
export type StatsCacheQuery = z.input<typeof statsCacheQuerySchema>;

/** Prompt-cache use and session-affinity outcomes of a range (or of one group or provider in it). */
export const cacheFiguresSchema = z.object({
  requests: z.number(),
  tokens: tokensSchema,
  /** cacheRead / input tokens (input includes the cached part); null without input tokens. */
  cacheReadShare: z.number().nullable(),
  affinity: z.object({
    /** The session's provider served it. */
    hits: z.number(),
    /** A new session (no provider yet). */
    misses: z.number(),
    /** The session's provider was skipped (ejected, at its cap, not serving the model). */
    moved: z.number(),
    /** hits / (hits + misses + moved); null when no request went through affinity. */
    hitShare: z.number().nullable(),
  }),
});
export type CacheFigures = z.infer<typeof cacheFiguresSchema>;

export const cacheEntrySchema = cacheFiguresSchema.extend({
  /** Group or provider id; null = none (refused before one was chosen). */
  id: z.string().nullable(),
  /** Group slug or provider name; null when deleted since. */
  name: z.string().nullable(),
});
export type CacheEntry = z.infer<typeof cacheEntrySchema>;

export const statsCacheSchema = z.object({
  range: statsRangeSchema,
  totals: cacheFiguresSchema,
  /** Most requests first. */
  groups: z.array(cacheEntrySchema),
  providers: z.array(cacheEntrySchema),
});
export type StatsCache = z.infer<typeof statsCacheSchema>;
