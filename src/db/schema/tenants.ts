import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { DEFAULT_TENANT_ID, TENANT_ROLES, TENANT_TOKEN_ROLES } from "../../core/vocabulary/tenants";
import { user } from "./auth";

/** A team or customer sharing the gateway; every config row, log and statistic belongs to one. */
export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  enabled: boolean("enabled").notNull().default(true),
  /** Quota object (`requestsPerDay`, `tokensPerDay`, …); null = unlimited. Enforced by the quota code. */
  quota: jsonb("quota").$type<Record<string, number | null>>(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** A console user's role inside one tenant (a user may belong to several). */
export const tenantMembers = pgTable(
  "tenant_members",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    role: text("role", { enum: TENANT_ROLES }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index("tenant_members_user_idx").on(t.userId)],
);

/** A tenant-scoped admin token (`rbt-…`): only its digest is stored, like gateway keys. */
export const tenantTokens = pgTable(
  "tenant_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role", { enum: TENANT_TOKEN_ROLES }).notNull(),
    /** HMAC-SHA256 (hex) of the full token; lookups go by this digest. */
    tokenDigest: text("token_digest").notNull().unique(),
    tokenPrefix: text("token_prefix").notNull(),
    tokenLast4: text("token_last4").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("tenant_tokens_tenant_idx").on(t.tenantId)],
);

/**
 * The owning tenant of a row. The column default is the `default` tenant, so rows written by code
 * that predates tenants (and a single-tenant install) land there; the services always set it.
 */
export function tenantIdColumn() {
  return uuid("tenant_id")
    .notNull()
    .default(DEFAULT_TENANT_ID)
    .references(() => tenants.id, { onDelete: "cascade" });
}

export type TenantRow = typeof tenants.$inferSelect;
export type TenantMemberRow = typeof tenantMembers.$inferSelect;
export type TenantTokenRow = typeof tenantTokens.$inferSelect;
