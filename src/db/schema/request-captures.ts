import { boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Captured requests and upstream answers (groups or keys with `capture` on), redacted before they
 * are written. `payload` is the JSON of a `CapturePayload` (src/core/debug/capture-payload.ts), or,
 * when `compressed`, its deflate (zlib) bytes in base64. Kept CAPTURE_RETENTION_DAYS.
 */
export const requestCaptures = pgTable(
  "request_captures",
  {
    requestId: text("request_id").primaryKey(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    compressed: boolean("compressed").notNull().default(false),
    payload: text("payload").notNull(),
    /** Size of the JSON payload before compression. */
    payloadBytes: integer("payload_bytes").notNull(),
  },
  (t) => [index("request_captures_created_idx").on(t.createdAt)],
);

export type RequestCaptureRow = typeof requestCaptures.$inferSelect;
export type NewRequestCaptureRow = typeof requestCaptures.$inferInsert;
