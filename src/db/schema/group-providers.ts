import { boolean, index, integer, jsonb, pgTable, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";
import { groups } from "./groups";
import { providers } from "./providers";

/**
 * Membership of a provider in a group. Lower priority = preferred tier. A non-null weight overrides
 * the provider's own weight inside this group. Deleting a group removes its memberships; deleting a
 * provider that is still a member is refused (the admin API answers PROVIDER_IN_USE).
 */
export const groupProviders = pgTable(
  "group_providers",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => providers.id, { onDelete: "restrict" }),
    priority: integer("priority").notNull().default(0),
    weight: integer("weight"),
    enabled: boolean("enabled").notNull().default(true),
    /** Models this member serves in this group (exact names and globs); empty = the provider's list. */
    models: jsonb("models").$type<string[]>().notNull().default([]),
    /** Client model name → this upstream's name (alias rewrite of the body's `model`). */
    modelMap: jsonb("model_map").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.providerId] }),
    index("group_providers_provider_idx").on(t.providerId),
  ],
);

export type GroupProviderRow = typeof groupProviders.$inferSelect;
