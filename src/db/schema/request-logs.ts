import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import type { LogSource } from "../../core/vocabulary/capture";
import { tenantIdColumn } from "./tenants";
import type { LoggedAttemptOutcome } from "../../core/vocabulary/status-classes";

/** One upstream attempt inside a client request. Offsets are ms since the request started. */
export interface AttemptRecord {
  providerId: string;
  provider: string;
  /** Upstream HTTP status, when one arrived. */
  status?: number;
  /** Stable error code when the attempt failed without a usable status (timeouts, resets...). */
  errorCode?: string;
  /** Offset of the attempt's start. */
  startMs: number;
  /** Offset when the upstream connection was ready / headers sent (when known). */
  connectMs?: number;
  /** Offset of the first response byte (headers). */
  firstByteMs?: number;
  /** Offset when the attempt ended. */
  endMs: number;
  /** Duration (endMs - startMs), kept for readers that only want one number. */
  ms: number;
  outcome: LoggedAttemptOutcome;
}

/**
 * What the data plane records about every client request. Partitioned by UTC day on `created_at`
 * (declarative partitioning, done by the hand-written migration since drizzle cannot say PARTITION
 * BY; see db/day-partitions.ts): the primary key must contain the partition column, and retention
 * drops whole days.
 */
export const requestLogs = pgTable(
  "request_logs",
  {
    id: text("id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    /** The tenant of the presented key (the default tenant when the request was refused before). */
    tenantId: tenantIdColumn(),
    groupId: uuid("group_id"),
    groupSlug: text("group_slug"),
    providerId: uuid("provider_id"),
    keyId: uuid("key_id"),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    totalMs: integer("total_ms").notNull(),
    ttfbMs: integer("ttfb_ms"),
    // Written as AttemptRecord objects; STORED compact (positional arrays) by the log insert, so a
    // stored row's attempts are read through stats/attempt-codec.ts expandAttempts.
    attempts: jsonb("attempts").$type<AttemptRecord[]>().notNull().default([]),
    errorCode: text("error_code"),
    bytesIn: bigint("bytes_in", { mode: "number" }).notNull().default(0),
    bytesOut: bigint("bytes_out", { mode: "number" }).notNull().default(0),
    model: text("model"),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    /** Part of input_tokens read from / written to the prompt cache (priced apart). */
    cacheReadTokens: integer("cache_read_tokens"),
    cacheWriteTokens: integer("cache_write_tokens"),
    /** Cost in micro-dollars from the price book at the time of the request; null = model unpriced. */
    costMicros: bigint("cost_micros", { mode: "number" }),
    /** The model name sent upstream when an alias rewrote it (null when equal to `model`). */
    upstreamModel: text("upstream_model"),
    /** Session affinity: `hit` (stuck provider used), `miss` (new session), `moved` (stuck one skipped); null = off. */
    affinity: text("affinity"),
    clientIp: text("client_ip"),
    streamed: boolean("streamed").notNull().default(false),
    /** `replay` for a request an admin replayed (excluded from statistics and quotas by default). */
    source: text("source").$type<LogSource>().notNull().default("client"),
    /** The log id a replay was made from. */
    replayOf: text("replay_of"),
  },
  (t) => [
    // Serves the newest-first keyset pages (scanned backwards), uniqueness, and a log by its request
    // id: ids are UUIDv7, whose timestamp bounds created_at (stats/log-query.ts, logLookupWindow).
    primaryKey({ columns: [t.createdAt, t.id] }),
    // One column each: B-tree deduplication stores a repeated value once with a list of row pointers
    // (~6 bytes a row instead of ~70 for (value, created_at)). A common value's page is served by
    // the primary key scanned backwards with a filter; a rare one's by this index and a top-N sort.
    index("request_logs_tenant_idx").on(t.tenantId),
    index("request_logs_provider_idx").on(t.providerId),
    index("request_logs_key_idx").on(t.keyId),
    index("request_logs_group_idx").on(t.groupId),
    // Errors are rare: a partial index lets "logs with error code X" skip the successful rows.
    index("request_logs_error_idx")
      .on(t.errorCode, t.createdAt.desc())
      .where(sql`${t.errorCode} is not null`),
  ],
);

export type RequestLogRow = typeof requestLogs.$inferSelect;
export type NewRequestLogRow = typeof requestLogs.$inferInsert;
