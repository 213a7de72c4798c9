import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ALERT_CHANNEL_TYPES } from "../../core/vocabulary/alert-channels";
import {
  ALERT_DELIVERY_STATUSES,
  ALERT_EVENTS,
  ALERT_INCIDENT_STATUSES,
  ALERT_SEVERITIES,
  DEFAULT_ALERT_SEVERITY,
} from "../../core/vocabulary/alerts";
import { tenantIdColumn } from "./tenants";

/** An alert rule; `condition` holds the per-type thresholds (validated by the contract's union). */
export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    enabled: boolean("enabled").notNull().default(true),
    severity: text("severity", { enum: ALERT_SEVERITIES }).notNull().default(DEFAULT_ALERT_SEVERITY),
    type: text("type").notNull(),
    condition: jsonb("condition").$type<Record<string, unknown>>().notNull(),
    forMs: integer("for_ms").notNull().default(0),
    cooldownMs: integer("cooldown_ms").notNull().default(300_000),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [unique("alert_rules_tenant_name_unique").on(t.tenantId, t.name)],
);

/**
 * Where notices go. `settings` holds the non-secret fields; every secret (URL, signing secret, SMTP
 * password) is in `secrets_cipher`, one sealed JSON object (secret box, aad = channel id). `display`
 * keeps the masked hints shown by the API.
 */
export const alertChannels = pgTable(
  "alert_channels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantIdColumn(),
    name: text("name").notNull(),
    type: text("type", { enum: ALERT_CHANNEL_TYPES }).notNull(),
    enabled: boolean("enabled").notNull().default(true),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    secretsCipher: text("secrets_cipher").notNull(),
    display: jsonb("display").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [unique("alert_channels_tenant_name_unique").on(t.tenantId, t.name)],
);

/** Which channels a rule notifies. A channel still used by a rule cannot be deleted. */
export const alertRuleChannels = pgTable(
  "alert_rule_channels",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => alertChannels.id, { onDelete: "restrict" }),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.channelId] }),
    index("alert_rule_channels_channel_idx").on(t.channelId),
  ],
);

/** The evaluator's memory per rule and subject (pending since, firing since, cooldown start). */
export const alertStates = pgTable(
  "alert_states",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    subjectKey: text("subject_key").notNull(),
    subjectName: text("subject_name").notNull(),
    pendingSince: timestamp("pending_since", { withTimezone: true, mode: "date" }),
    firingSince: timestamp("firing_since", { withTimezone: true, mode: "date" }),
    lastResolvedAt: timestamp("last_resolved_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [primaryKey({ columns: [t.ruleId, t.subjectKey] })],
);

/**
 * One incident: fired once, resolved once. Rule fields (and its tenant) are copied so history
 * survives the rule: a deleted rule's incidents stay in its tenant's history.
 */
export const alertIncidents = pgTable(
  "alert_incidents",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: tenantIdColumn(),
    ruleId: uuid("rule_id").references(() => alertRules.id, { onDelete: "set null" }),
    ruleName: text("rule_name").notNull(),
    ruleType: text("rule_type").notNull(),
    severity: text("severity").notNull(),
    subjectKey: text("subject_key").notNull(),
    subjectName: text("subject_name").notNull(),
    status: text("status", { enum: ALERT_INCIDENT_STATUSES }).notNull(),
    summary: text("summary").notNull(),
    resolveSummary: text("resolve_summary"),
    resolveReason: text("resolve_reason"),
    value: doublePrecision("value"),
    threshold: doublePrecision("threshold"),
    firedAt: timestamp("fired_at", { withTimezone: true, mode: "date" }).notNull(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    // At most one open incident per rule and subject, even if two evaluators ever raced.
    uniqueIndex("alert_incidents_open_idx")
      .on(t.ruleId, t.subjectKey)
      .where(sql`${t.status} = 'firing'`),
    index("alert_incidents_rule_idx").on(t.ruleId, t.id.desc()),
    index("alert_incidents_tenant_idx").on(t.tenantId, t.id.desc()),
  ],
);

/** One attempt-tracked notice to one channel; `payload` is what every retry sends again. */
export interface StoredDeliveryAttempt {
  at: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** Null for "send test" deliveries. */
    incidentId: bigint("incident_id", { mode: "number" }).references(() => alertIncidents.id, {
      onDelete: "cascade",
    }),
    channelId: uuid("channel_id").references(() => alertChannels.id, { onDelete: "set null" }),
    channelName: text("channel_name").notNull(),
    channelType: text("channel_type", { enum: ALERT_CHANNEL_TYPES }).notNull(),
    event: text("event", { enum: ALERT_EVENTS }).notNull(),
    status: text("status", { enum: ALERT_DELIVERY_STATUSES }).notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    durationMs: integer("duration_ms"),
    attemptLog: jsonb("attempt_log").$type<StoredDeliveryAttempt[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("alert_deliveries_incident_idx").on(t.incidentId),
    index("alert_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("alert_deliveries_channel_idx").on(t.channelId, t.id.desc()),
  ],
);

export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertChannelRow = typeof alertChannels.$inferSelect;
export type AlertIncidentRow = typeof alertIncidents.$inferSelect;
export type AlertDeliveryRow = typeof alertDeliveries.$inferSelect;
export type AlertStateRow = typeof alertStates.$inferSelect;
