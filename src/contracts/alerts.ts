import { z } from "zod";
import { descriptionSchema, hasControlCharacters, idSchema, nameSchema, timestampSchema } from "./common";

/**
 * Alert rules, channels and history as the admin API reads and writes them. Imported by the console:
 * nothing server-only here. Channel secrets (webhook URLs, signing secrets, SMTP passwords) are
 * write-only: outputs show whether they are set and a masked hint, never the value.
 */

export const ALERT_RULE_TYPE_NAMES = [
  "provider_unhealthy",
  "group_success_rate",
  "group_latency_p95",
  "group_all_down",
  "log_rows_dropped",
] as const;
export const ALERT_SEVERITY_NAMES = ["info", "warning", "critical"] as const;
export const ALERT_CHANNEL_TYPE_NAMES = ["webhook", "email", "dingtalk", "feishu"] as const;
export type AlertChannelType = (typeof ALERT_CHANNEL_TYPE_NAMES)[number];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Evaluation windows: 1 minute to 1 day. */
const windowMsSchema = z
  .int()
  .min(MINUTE, "must be at least 60000 (1 minute)")
  .max(DAY, "must be at most 1 day");
const minRequestsSchema = z.int().min(1).max(1_000_000);

export const alertConditionSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("provider_unhealthy"),
    /** Null or absent watches every provider. */
    providerIds: z.array(idSchema).min(1).max(500).nullable().default(null),
    states: z
      .array(z.enum(["degraded", "unhealthy", "ejected"]))
      .min(1)
      .max(3)
      .default(["unhealthy", "ejected"])
      .transform((states) => [...new Set(states)]),
  }),
  z.strictObject({
    type: z.literal("group_success_rate"),
    groupId: idSchema,
    minSuccessRatePercent: z.number().gt(0, "must be above 0").max(100),
    windowMs: windowMsSchema.default(5 * MINUTE),
    minRequests: minRequestsSchema.default(20),
  }),
  z.strictObject({
    type: z.literal("group_latency_p95"),
    groupId: idSchema,
    maxP95LatencyMs: z.int().min(1).max(3_600_000),
    windowMs: windowMsSchema.default(5 * MINUTE),
    minRequests: minRequestsSchema.default(20),
  }),
  z.strictObject({
    type: z.literal("group_all_down"),
    groupId: idSchema,
  }),
  z.strictObject({
    type: z.literal("log_rows_dropped"),
    windowMs: windowMsSchema.default(5 * MINUTE),
    minDropped: z.int().min(1).max(1_000_000_000).default(1),
  }),
]);
export type AlertConditionInput = z.input<typeof alertConditionSchema>;
export type AlertConditionValue = z.output<typeof alertConditionSchema>;

const ruleFields = {
  name: nameSchema,
  description: descriptionSchema,
  enabled: z.boolean(),
  severity: z.enum(ALERT_SEVERITY_NAMES),
  condition: alertConditionSchema,
  /** How long the condition must hold before firing (0 = at the first evaluation that sees it). */
  forMs: z.int().min(0).max(DAY),
  /** After a resolve, the same rule and subject stays quiet this long. */
  cooldownMs: z
    .int()
    .min(0)
    .max(7 * DAY),
  channelIds: z
    .array(idSchema)
    .max(20)
    .transform((ids) => [...new Set(ids)]),
};

/** POST /alerts/rules. */
export const alertRuleCreateSchema = z.strictObject({
  name: ruleFields.name,
  description: ruleFields.description.default(""),
  enabled: ruleFields.enabled.default(true),
  severity: ruleFields.severity.default("warning"),
  condition: ruleFields.condition,
  forMs: ruleFields.forMs.default(0),
  cooldownMs: ruleFields.cooldownMs.default(5 * MINUTE),
  channelIds: ruleFields.channelIds.default([]),
});
export type AlertRuleCreateInput = z.input<typeof alertRuleCreateSchema>;

/** PUT /alerts/rules/{id}: partial; `condition` is replaced whole when sent. */
export const alertRuleUpdateSchema = z.strictObject({
  name: ruleFields.name.optional(),
  description: ruleFields.description.optional(),
  enabled: ruleFields.enabled.optional(),
  severity: ruleFields.severity.optional(),
  condition: ruleFields.condition.optional(),
  forMs: ruleFields.forMs.optional(),
  cooldownMs: ruleFields.cooldownMs.optional(),
  channelIds: ruleFields.channelIds.optional(),
});
export type AlertRuleUpdateInput = z.input<typeof alertRuleUpdateSchema>;

export const alertRuleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  severity: z.enum(ALERT_SEVERITY_NAMES),
  condition: alertConditionSchema,
  forMs: z.number(),
  cooldownMs: z.number(),
  channelIds: z.array(z.uuid()),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

// --- channels

/** An http(s) URL without credentials; webhook URLs often carry a token, so they are stored sealed. */
const webhookUrlSchema = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "must be an absolute http:// or https:// URL" });
      return;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      ctx.addIssue({ code: "custom", message: "must use http or https" });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "must not contain credentials" });
    } else if (url.hash) {
      ctx.addIssue({ code: "custom", message: "must not contain a fragment" });
    }
  });

/** Signing secrets and passwords: printable, no line breaks. */
const secretSchema = z
  .string()
  .min(1, "must not be empty")
  .max(1024, "must be at most 1024 characters")
  .refine((v) => !hasControlCharacters(v), "must not contain control characters");

const hostSchema = z
  .string()
  .trim()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, "must be a host name or IP address");

export const SMTP_SECURITY_MODES = ["tls", "starttls", "none"] as const;

const emailListSchema = z.array(z.email()).min(1, "name at least one recipient").max(50);

const channelConfigFields = {
  webhook: { url: webhookUrlSchema, secret: secretSchema.nullable() },
  email: {
    host: hostSchema,
    port: z.int().min(1).max(65535),
    /** tls = implicit TLS (465); starttls = upgrade required; none = plain (local relays only). */
    security: z.enum(SMTP_SECURITY_MODES),
    username: z.string().trim().min(1).max(320).nullable(),
    password: secretSchema.nullable(),
    from: z.email(),
    to: emailListSchema,
  },
  feishu: {
    url: webhookUrlSchema,
    secret: secretSchema.nullable(),
    messageType: z.enum(["text", "interactive"]),
  },
} as const;

/** Channel settings by type, as sent on create. */
export const alertChannelConfigSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("webhook"),
    url: channelConfigFields.webhook.url,
    secret: channelConfigFields.webhook.secret.default(null),
  }),
  z.strictObject({
    type: z.literal("email"),
    host: channelConfigFields.email.host,
    port: channelConfigFields.email.port.default(587),
    security: channelConfigFields.email.security.default("starttls"),
    username: channelConfigFields.email.username.default(null),
    password: channelConfigFields.email.password.default(null),
    from: channelConfigFields.email.from,
    to: channelConfigFields.email.to,
  }),
  z.strictObject({
    type: z.literal("dingtalk"),
    url: channelConfigFields.webhook.url,
    secret: channelConfigFields.webhook.secret.default(null),
  }),
  z.strictObject({
    type: z.literal("feishu"),
    url: channelConfigFields.feishu.url,
    secret: channelConfigFields.feishu.secret.default(null),
    messageType: channelConfigFields.feishu.messageType.default("interactive"),
  }),
]);
export type AlertChannelConfigInput = z.input<typeof alertChannelConfigSchema>;
export type AlertChannelConfig = z.output<typeof alertChannelConfigSchema>;

/**
 * Channel settings on update: `type` must be the channel's type; absent fields keep their value.
 * Secrets: absent keeps, null clears, a string replaces.
 */
export const alertChannelConfigUpdateSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("webhook"),
    url: channelConfigFields.webhook.url.optional(),
    secret: channelConfigFields.webhook.secret.optional(),
  }),
  z.strictObject({
    type: z.literal("email"),
    host: channelConfigFields.email.host.optional(),
    port: channelConfigFields.email.port.optional(),
    security: channelConfigFields.email.security.optional(),
    username: channelConfigFields.email.username.optional(),
    password: channelConfigFields.email.password.optional(),
    from: channelConfigFields.email.from.optional(),
    to: channelConfigFields.email.to.optional(),
  }),
  z.strictObject({
    type: z.literal("dingtalk"),
    url: channelConfigFields.webhook.url.optional(),
    secret: channelConfigFields.webhook.secret.optional(),
  }),
  z.strictObject({
    type: z.literal("feishu"),
    url: channelConfigFields.feishu.url.optional(),
    secret: channelConfigFields.feishu.secret.optional(),
    messageType: channelConfigFields.feishu.messageType.optional(),
  }),
]);
export type AlertChannelConfigUpdate = z.output<typeof alertChannelConfigUpdateSchema>;

/** POST /alerts/channels. */
export const alertChannelCreateSchema = z.strictObject({
  name: nameSchema,
  enabled: z.boolean().default(true),
  config: alertChannelConfigSchema,
});
export type AlertChannelCreateInput = z.input<typeof alertChannelCreateSchema>;

/** PUT /alerts/channels/{id}: partial. */
export const alertChannelUpdateSchema = z.strictObject({
  name: nameSchema.optional(),
  enabled: z.boolean().optional(),
  config: alertChannelConfigUpdateSchema.optional(),
});
export type AlertChannelUpdateInput = z.input<typeof alertChannelUpdateSchema>;

/** Channel settings as the API answers them: secrets replaced by `has…` flags and masked hints. */
export const alertChannelViewSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("webhook"), urlMasked: z.string(), hasSecret: z.boolean() }),
  z.object({
    type: z.literal("email"),
    host: z.string(),
    port: z.number(),
    security: z.enum(SMTP_SECURITY_MODES),
    username: z.string().nullable(),
    hasPassword: z.boolean(),
    from: z.string(),
    to: z.array(z.string()),
  }),
  z.object({ type: z.literal("dingtalk"), urlMasked: z.string(), hasSecret: z.boolean() }),
  z.object({
    type: z.literal("feishu"),
    urlMasked: z.string(),
    hasSecret: z.boolean(),
    messageType: z.enum(["text", "interactive"]),
  }),
]);
export type AlertChannelView = z.infer<typeof alertChannelViewSchema>;

export const alertChannelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(ALERT_CHANNEL_TYPE_NAMES),
  enabled: z.boolean(),
  config: alertChannelViewSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type AlertChannel = z.infer<typeof alertChannelSchema>;

// --- deliveries and history

export const ALERT_DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export const ALERT_EVENTS = ["firing", "resolved", "test"] as const;

export const deliveryAttemptSchema = z.object({
  at: timestampSchema,
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});
export type DeliveryAttempt = z.infer<typeof deliveryAttemptSchema>;

export const alertDeliverySchema = z.object({
  id: z.number(),
  incidentId: z.number().nullable(),
  channelId: z.uuid().nullable(),
  channelName: z.string(),
  channelType: z.enum(ALERT_CHANNEL_TYPE_NAMES),
  event: z.enum(ALERT_EVENTS),
  status: z.enum(ALERT_DELIVERY_STATUSES),
  attempts: z.number(),
  maxAttempts: z.number(),
  /** When the next retry is due; null once delivered or failed for good. */
  nextAttemptAt: timestampSchema.nullable(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  /** Duration of the last attempt. */
  durationMs: z.number().nullable(),
  attemptLog: z.array(deliveryAttemptSchema),
  createdAt: timestampSchema,
  deliveredAt: timestampSchema.nullable(),
});
export type AlertDelivery = z.infer<typeof alertDeliverySchema>;

export const alertIncidentSchema = z.object({
  id: z.number(),
  ruleId: z.uuid().nullable(),
  ruleName: z.string(),
  ruleType: z.enum(ALERT_RULE_TYPE_NAMES),
  severity: z.enum(ALERT_SEVERITY_NAMES),
  subjectKey: z.string(),
  subjectName: z.string(),
  status: z.enum(["firing", "resolved"]),
  summary: z.string(),
  resolveSummary: z.string().nullable(),
  resolveReason: z.string().nullable(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  firedAt: timestampSchema,
  resolvedAt: timestampSchema.nullable(),
  deliveries: z.array(alertDeliverySchema),
});
export type AlertIncident = z.infer<typeof alertIncidentSchema>;

/** GET /alerts/history query: newest first; `cursor` is the previous page's `nextCursor`. */
export const alertHistoryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "must be a cursor returned by a previous page")
    .optional(),
  status: z.enum(["firing", "resolved"]).optional(),
  ruleId: idSchema.optional(),
});
export type AlertHistoryQuery = z.input<typeof alertHistoryQuerySchema>;

export const alertHistoryPageSchema = z.object({
  items: z.array(alertIncidentSchema),
  nextCursor: z.string().nullable(),
});
export type AlertHistoryPage = z.infer<typeof alertHistoryPageSchema>;
