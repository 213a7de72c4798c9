import { bigint, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * The price book: USD per million tokens, stored as integer micro-dollars (3 USD/MTok = 3000000).
 * `model` is an exact model name or a glob (`claude-sonnet-*`); it is unique. Cache prices null =
 * the input price. Loaded into the routing snapshot; the request path never reads this table.
 */
export const modelPrices = pgTable("model_prices", {
  id: uuid("id").primaryKey().defaultRandom(),
  model: text("model").notNull().unique(),
  inputPerMTokMicros: bigint("input_per_mtok_micros", { mode: "number" }).notNull(),
  outputPerMTokMicros: bigint("output_per_mtok_micros", { mode: "number" }).notNull(),
  cacheReadPerMTokMicros: bigint("cache_read_per_mtok_micros", { mode: "number" }),
  cacheWritePerMTokMicros: bigint("cache_write_per_mtok_micros", { mode: "number" }),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

export type ModelPriceRow = typeof modelPrices.$inferSelect;
