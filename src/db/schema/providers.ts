import { boolean, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { tenantIdColumn } from "./tenants";
import { DEFAULT_AUTH_STYLE, type AuthStyle } from "../../core/vocabulary/providers";

/** An upstream endpoint speaking the group's API. */
export const providers = pgTable(
  "providers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    /** Unique inside its tenant. */
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    /** AES-256-GCM sealed credential (see src/security/secret-box.ts); null when there is none. */
    apiKeyCipher: text("api_key_cipher"),
    /** Last four characters of the credential, for masked display only. */
    apiKeyLast4: text("api_key_last4"),
    /** `bearer`, `x-api-key`, `none` or `header:<name>` (src/core/vocabulary/providers.ts). */
    authStyle: text("auth_style").$type<AuthStyle>().notNull().default(DEFAULT_AUTH_STYLE),
    weight: integer("weight").notNull().default(1),
    enabled: boolean("enabled").notNull().default(true),
    healthCheckPath: text("health_check_path"),
    /** Requests per minute this provider may receive across every instance; null = no cap. */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    /** Requests in flight to this provider across every instance; null = no cap. */
    maxConcurrency: integer("max_concurrency"),
    /** Extra headers; each value sealed on its own when `headersSealed` (src/services/provider-headers.ts). */
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    /** False only on rows written before header values were sealed; sealed at start. */
    headersSealed: boolean("headers_sealed").notNull().default(false),
    description: text("description").notNull().default(""),
    /** Models this provider serves (exact names and globs); empty = every model. */
    models: jsonb("models").$type<string[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [unique("providers_tenant_name_unique").on(t.tenantId, t.name)],
);

export type ProviderRow = typeof providers.$inferSelect;
export type NewProviderRow = typeof providers.$inferInsert;
