import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { CAPTURE_MODES } from "../../core/vocabulary/capture";
import { groups } from "./groups";
import { tenantIdColumn } from "./tenants";

/** A gateway key. Only its HMAC digest is stored; prefix and last 4 are kept for display. */
/** A quota as stored (same shape as core/quota's QuotaSpec); null or absent fields = unlimited. */
export interface StoredQuota {
  requestsPerDay?: number | null;
  tokensPerDay?: number | null;
  tokensPerMonth?: number | null;
  costPerMonthUsd?: number | null;
}

export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    name: text("name").notNull(),
    /** HMAC-SHA256 (hex) of the full key; lookups go by this digest. */
    keyDigest: text("key_digest").notNull().unique(),
    keyPrefix: text("key_prefix").notNull(),
    keyLast4: text("key_last4").notNull(),
    /** Null = global key (any group). Deleting a group with scoped keys is refused. */
    groupId: uuid("group_id").references(() => groups.id, { onDelete: "restrict" }),
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    maxConcurrency: integer("max_concurrency"),
    /** Capture mode for this key's requests, overriding the group's; null = the group's. */
    capture: text("capture", { enum: CAPTURE_MODES }),
    /** Requests/tokens per day, tokens/cost per month; null = no quota. */
    quota: jsonb("quota").$type<StoredQuota>(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    enabled: boolean("enabled").notNull().default(true),
    note: text("note").notNull().default(""),
    /** Models this key may call (exact names and globs); empty = every model. */
    allowedModels: jsonb("allowed_models").$type<string[]>().notNull().default([]),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("api_keys_group_idx").on(t.groupId), index("api_keys_tenant_idx").on(t.tenantId)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
