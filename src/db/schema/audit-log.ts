import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { tenantIdColumn } from "./tenants";

/** One row per admin write: who changed what and when. Secrets are masked before they get here. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    tenantId: tenantIdColumn(),
    actorId: text("actor_id"),
    actorName: text("actor_name").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    summary: text("summary").notNull().default(""),
    changes: jsonb("changes").$type<Record<string, unknown>>(),
    ip: text("ip"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc()),
    index("audit_log_tenant_idx").on(t.tenantId, t.at.desc()),
    index("audit_log_entity_idx").on(t.entityType, t.entityId),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
