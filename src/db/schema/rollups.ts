import {
  bigint,
  index,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIdColumn } from "./tenants";

/**
 * Statistics rollups maintained by the request-log writer in the same transaction as each batch of
 * raw rows, so dashboards never scan `request_logs`. One row per bucket × group × provider × key ×
 * status class; `grain` is the bucket length in minutes (1, 60 or 1440). Absent dimensions (a request
 * refused before its group, key or provider was known) are stored as the nil UUID so every dimension
 * can be part of the primary key. Partitioned by grain: minute rows (`stats_rollups_minute`) by UTC day
 * on `bucket`, so their retention drops whole days; hour and day rows in `stats_rollups_coarse`.
 */
export const statsRollups = pgTable(
  "stats_rollups",
  {
    grain: smallint("grain").notNull(),
    bucket: timestamp("bucket", { withTimezone: true, mode: "date" }).notNull(),
    /** Follows from the key and group (both belong to one tenant); kept for per-tenant reads. */
    tenantId: tenantIdColumn(),
    groupId: uuid("group_id").notNull(),
    providerId: uuid("provider_id").notNull(),
    keyId: uuid("key_id").notNull(),
    /** `2xx`, `3xx`, `4xx`, `5xx`, or `err` (failed without an error status, see stats/status-class). */
    statusClass: text("status_class").notNull(),
    requests: bigint("requests", { mode: "number" }).notNull(),
    latencySumMs: bigint("latency_sum_ms", { mode: "number" }).notNull(),
    ttfbSumMs: bigint("ttfb_sum_ms", { mode: "number" }).notNull(),
    ttfbCount: bigint("ttfb_count", { mode: "number" }).notNull(),
    bytesIn: bigint("bytes_in", { mode: "number" }).notNull(),
    bytesOut: bigint("bytes_out", { mode: "number" }).notNull(),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
    cacheReadTokens: bigint("cache_read_tokens", { mode: "number" }).notNull().default(0),
    cacheWriteTokens: bigint("cache_write_tokens", { mode: "number" }).notNull().default(0),
    /** Sum of the priced requests' cost in micro-dollars (unpriced requests add nothing). */
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    /** Requests per error code, e.g. `{"UPSTREAM_TIMEOUT": 3}`; merged key by key on upsert. */
    errorCodes: jsonb("error_codes").$type<Record<string, number>>().notNull().default({}),
    /** Fixed log-spaced histograms (see stats/histogram); merged by element-wise addition. */
    latencyHist: bigint("latency_hist", { mode: "number" }).array().notNull(),
    ttfbHist: bigint("ttfb_hist", { mode: "number" }).array().notNull(),
  },
  (t) => [
    primaryKey({
      name: "stats_rollups_pk",
      columns: [t.grain, t.bucket, t.tenantId, t.groupId, t.providerId, t.keyId, t.statusClass],
    }),
    index("stats_rollups_provider_idx").on(t.providerId, t.grain, t.bucket),
    index("stats_rollups_group_idx").on(t.groupId, t.grain, t.bucket),
    index("stats_rollups_tenant_idx").on(t.tenantId, t.grain, t.bucket),
  ],
);

/**
 * Usage rollups per model: one row per grain (1, 60, 1440 minutes) × bucket × group × provider ×
 * model (the client's model name, '' when the request named none). Written with `stats_rollups` in
 * the log writer's transaction; they carry what the main rollups cannot split (cost and tokens by
 * model, session-affinity outcomes) and no key or status-class dimension, so they stay a fraction of
 * the main rollups' size. Not partitioned: retention deletes minute rows with the minute rollups'
 * period and the others with the hour/day rollups'.
 */
export const statsModelRollups = pgTable(
  "stats_model_rollups",
  {
    grain: smallint("grain").notNull(),
    bucket: timestamp("bucket", { withTimezone: true, mode: "date" }).notNull(),
    tenantId: tenantIdColumn(),
    groupId: uuid("group_id").notNull(),
    providerId: uuid("provider_id").notNull(),
    model: text("model").notNull(),
    requests: bigint("requests", { mode: "number" }).notNull(),
    /** Requests whose status class is not a success (4xx, 5xx, err). */
    errors: bigint("errors", { mode: "number" }).notNull().default(0),
    /** Requests without a price (cost unknown: the model has no entry in the price table). */
    unpricedRequests: bigint("unpriced_requests", { mode: "number" }).notNull().default(0),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull().default(0),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull().default(0),
    cacheReadTokens: bigint("cache_read_tokens", { mode: "number" }).notNull().default(0),
    cacheWriteTokens: bigint("cache_write_tokens", { mode: "number" }).notNull().default(0),
    costMicros: bigint("cost_micros", { mode: "number" }).notNull().default(0),
    /** Session affinity outcomes (requests of groups with affinity on): stuck provider used, new session, moved. */
    affinityHits: bigint("affinity_hits", { mode: "number" }).notNull().default(0),
    affinityMisses: bigint("affinity_misses", { mode: "number" }).notNull().default(0),
    affinityMoved: bigint("affinity_moved", { mode: "number" }).notNull().default(0),
  },
  (t) => [
    primaryKey({
      name: "stats_model_rollups_pk",
      columns: [t.grain, t.bucket, t.tenantId, t.groupId, t.providerId, t.model],
    }),
    index("stats_model_rollups_tenant_idx").on(t.tenantId, t.grain, t.bucket),
  ],
);

export type StatsModelRollupRow = typeof statsModelRollups.$inferSelect;

export type StatsRollupRow = typeof statsRollups.$inferSelect;
export type NewStatsRollupRow = typeof statsRollups.$inferInsert;

/** Provider health state changes (written by the health registry's transition listener). */
export const healthEvents = pgTable(
  "health_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
    providerId: uuid("provider_id").notNull(),
    fromState: text("from_state").notNull(),
    toState: text("to_state").notNull(),
    reason: text("reason"),
    /** Which gateway instance saw it (each instance tracks health on its own). */
    instance: text("instance"),
  },
  (t) => [
    index("health_events_provider_idx").on(t.providerId, t.at.desc()),
    index("health_events_at_idx").on(t.at),
  ],
);

export type HealthEventRow = typeof healthEvents.$inferSelect;
