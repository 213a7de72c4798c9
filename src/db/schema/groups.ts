import {
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIdColumn } from "./tenants";
import { DEFAULT_RETRY_STATUSES, DEFAULT_STRATEGY, STRATEGY_NAMES } from "../../core/vocabulary/balancing";
import { CAPTURE_MODES, DEFAULT_CAPTURE_MAX_BYTES } from "../../core/vocabulary/capture";

/** Session affinity settings of a group: a session sticks to the provider that served it. */
export interface GroupAffinity {
  enabled: boolean;
  /** Header carrying the client's session id (default `x-session-id`). */
  header?: string;
  /** Sliding stickiness in seconds (default 300). */
  ttlSeconds?: number;
}

/** A routing group: clients call /api/proxy/{slug}/... and are spread over its member providers. */
export const groups = pgTable(
  "groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    /** Unique inside its tenant: `/api/proxy/{slug}` resolves it in the tenant of the presented key. */
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    strategy: text("strategy", { enum: STRATEGY_NAMES }).notNull().default(DEFAULT_STRATEGY),
    maxAttempts: integer("max_attempts").notNull().default(3),
    retryOn: jsonb("retry_on")
      .$type<number[]>()
      .notNull()
      .default([...DEFAULT_RETRY_STATUSES]),
    connectTimeoutMs: integer("connect_timeout_ms").notNull().default(5_000),
    firstByteTimeoutMs: integer("first_byte_timeout_ms").notNull().default(60_000),
    idleTimeoutMs: integer("idle_timeout_ms").notNull().default(120_000),
    totalTimeoutMs: integer("total_timeout_ms").notNull().default(600_000),
    /** Requests per minute the whole group accepts across every instance; null = no limit. */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    enabled: boolean("enabled").notNull().default(true),
    /** Keep (redacted, size-capped) requests and upstream answers for debugging: off, errors or all. */
    capture: text("capture", { enum: CAPTURE_MODES }).notNull().default("off"),
    /** Share of requests captured in `all` mode (0-1). */
    captureSampleRate: doublePrecision("capture_sample_rate").notNull().default(1),
    captureMaxBytes: integer("capture_max_bytes").notNull().default(DEFAULT_CAPTURE_MAX_BYTES),
    /** Session affinity for prompt caches (off by default); see GroupAffinity. */
    affinity: jsonb("affinity").$type<GroupAffinity>().notNull().default({ enabled: false }),
    /** ip_hash: hash this request header's value instead of the client address (lower-case); null = address. */
    hashHeader: text("hash_header"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [unique("groups_tenant_slug_unique").on(t.tenantId, t.slug)],
);

export type GroupRow = typeof groups.$inferSelect;
export type NewGroupRow = typeof groups.$inferInsert;
