import { z } from "zod";
import {
  ALERT_CHANNEL_TYPES,
  channelViewKey,
  listChannelFields,
  type AlertChannelType,
  type ChannelFieldKind,
  type ChannelFieldSpec,
  type ChannelFieldsOf,
} from "@/core/vocabulary/alert-channels";
import {
  ALERT_DELIVERY_STATUSES,
  ALERT_EVENTS,
  ALERT_INCIDENT_STATUSES,
  ALERT_RULE_TYPES,
  ALERT_SEVERITIES,
  DEFAULT_ALERT_SEVERITY,
  DEFAULT_WATCHED_PROVIDER_STATES,
  WATCHED_PROVIDER_STATES,
} from "@/core/vocabulary/alerts";
import {
  descriptionSchema,
  hasControlCharacters,
  httpUrlSchema,
  idSchema,
  nameSchema,
  timestampSchema,
} from "./common";

/**
 * Alert rules, channels and history as the admin API reads and writes them. Imported by the console:
 * nothing server-only here. Channel secrets (webhook URLs, signing secrets, SMTP passwords) are
 * write-only: outputs show whether they are set and a masked hint, never the value.
 */

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
      .array(z.enum(WATCHED_PROVIDER_STATES))
      .min(1)
      .max(WATCHED_PROVIDER_STATES.length)
      .default([...DEFAULT_WATCHED_PROVIDER_STATES])
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
  z.strictObject({
    type: z.literal("quota_used"),
    /** The gateway key whose quota is watched; null or absent = the rule's tenant's quota. */
    keyId: idSchema.nullable().default(null),
    /** Fires when any limited quota of the subject is used at least this much (percent). */
    minUsedPercent: z.number().gt(0, "must be above 0").max(100),
  }),
]);
export type AlertConditionInput = z.input<typeof alertConditionSchema>;
export type AlertConditionValue = z.output<typeof alertConditionSchema>;

const ruleFields = {
  name: nameSchema,
  description: descriptionSchema,
  enabled: z.boolean(),
  severity: z.enum(ALERT_SEVERITIES),
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
  severity: ruleFields.severity.default(DEFAULT_ALERT_SEVERITY),
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
  severity: z.enum(ALERT_SEVERITIES),
  condition: alertConditionSchema,
  forMs: z.number(),
  cooldownMs: z.number(),
  channelIds: z.array(z.uuid()),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type AlertRule = z.infer<typeof alertRuleSchema>;

// --- channels: every schema below is derived from the channel table in the vocabulary

/** An http(s) URL without credentials; webhook URLs often carry a token, so they are stored sealed. */
const webhookUrlSchema = httpUrlSchema({
  credentialsMessage: "must not contain credentials",
  moreProblems: (url) => (url.hash ? "must not contain a fragment" : null),
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

const emailListSchema = z.array(z.email()).min(1, "name at least one recipient").max(50);

/** What each field kind accepts on input (a `choice` accepts its options). */
const INPUT_SCHEMAS = {
  secretUrl: webhookUrlSchema,
  secret: secretSchema.nullable(),
  host: hostSchema,
  port: z.int().min(1).max(65535),
  optionalText: z.string().trim().min(1).max(320).nullable(),
  email: z.email(),
  emailList: emailListSchema,
};

/** How each field kind is shown by the API (secrets as a masked hint or a flag, never the value). */
const VIEW_SCHEMAS = {
  secretUrl: z.string(),
  secret: z.boolean(),
  host: z.string(),
  port: z.number(),
  optionalText: z.string().nullable(),
  email: z.string(),
  emailList: z.array(z.string()),
};

type PlainKind = Exclude<ChannelFieldKind, "choice">;
type ChoiceSchema<F> = F extends { readonly options: infer O extends readonly [string, ...string[]] }
  ? z.ZodEnum<{ [V in O[number]]: V }>
  : never;
type InputSchema<F> = F extends { readonly kind: infer K extends PlainKind }
  ? (typeof INPUT_SCHEMAS)[K]
  : ChoiceSchema<F>;
type ViewSchema<F> = F extends { readonly kind: infer K extends PlainKind }
  ? (typeof VIEW_SCHEMAS)[K]
  : ChoiceSchema<F>;
/** Optional fields (secrets, optional text) default to null; ports and choices to their `default`. */
type CreateSchema<F> = F extends { readonly kind: "secret" | "optionalText" | "port" | "choice" }
  ? z.ZodDefault<InputSchema<F>>
  : InputSchema<F>;
type ViewKey<N extends string, F> = F extends { readonly kind: "secretUrl" }
  ? `${N}Masked`
  : F extends { readonly kind: "secret" }
    ? `has${Capitalize<N>}`
    : N;

type CreateShape<T extends AlertChannelType> = {
  -readonly [N in keyof ChannelFieldsOf<T>]: CreateSchema<ChannelFieldsOf<T>[N]>;
};
type UpdateShape<T extends AlertChannelType> = {
  -readonly [N in keyof ChannelFieldsOf<T>]: z.ZodOptional<InputSchema<ChannelFieldsOf<T>[N]>>;
};
type ViewShape<T extends AlertChannelType> = {
  -readonly [N in keyof ChannelFieldsOf<T> & string as ViewKey<N, ChannelFieldsOf<T>[N]>]: ViewSchema<
    ChannelFieldsOf<T>[N]
  >;
};

function inputSchema(spec: ChannelFieldSpec): z.ZodType {
  return spec.kind === "choice" ? z.enum(spec.options) : INPUT_SCHEMAS[spec.kind];
}

function createFieldSchema(spec: ChannelFieldSpec): z.ZodType {
  if (spec.kind === "port" || spec.kind === "choice") return inputSchema(spec).default(spec.default);
  if (spec.kind === "secret" || spec.kind === "optionalText") return inputSchema(spec).default(null);
  return inputSchema(spec);
}

/** `type` plus one schema per field of that channel type, built by `build`. */
function channelShape<T extends AlertChannelType, S>(
  type: T,
  build: (name: string, spec: ChannelFieldSpec) => [string, z.ZodType],
): { type: z.ZodLiteral<T> } & S {
  const fields = listChannelFields(type).map(([name, spec]) => build(name, spec));
  return { type: z.literal(type), ...Object.fromEntries(fields) } as { type: z.ZodLiteral<T> } & S;
}

const createMember = <T extends AlertChannelType>(type: T) =>
  z.strictObject(channelShape<T, CreateShape<T>>(type, (name, spec) => [name, createFieldSchema(spec)]));
const updateMember = <T extends AlertChannelType>(type: T) =>
  z.strictObject(channelShape<T, UpdateShape<T>>(type, (name, spec) => [name, inputSchema(spec).optional()]));
const viewMember = <T extends AlertChannelType>(type: T) =>
  z.object(
    channelShape<T, ViewShape<T>>(type, (name, spec) => [
      channelViewKey(name, spec),
      spec.kind === "choice" ? z.enum(spec.options) : VIEW_SCHEMAS[spec.kind],
    ]),
  );

// TypeScript cannot follow a `map` over the type list, so each union's members are stated here.
type CreateMember = { [T in AlertChannelType]: ReturnType<typeof createMember<T>> }[AlertChannelType];
type UpdateMember = { [T in AlertChannelType]: ReturnType<typeof updateMember<T>> }[AlertChannelType];
type ViewMember = { [T in AlertChannelType]: ReturnType<typeof viewMember<T>> }[AlertChannelType];

/** Channel settings by type, as sent on create. */
export const alertChannelConfigSchema = z.discriminatedUnion(
  "type",
  ALERT_CHANNEL_TYPES.map((type) => createMember(type)) as [CreateMember, ...CreateMember[]],
);
export type AlertChannelConfigInput = z.input<typeof alertChannelConfigSchema>;
export type AlertChannelConfig = z.output<typeof alertChannelConfigSchema>;

/**
 * Channel settings on update: `type` must be the channel's type; absent fields keep their value.
 * Secrets: absent keeps, null clears, a string replaces.
 */
export const alertChannelConfigUpdateSchema = z.discriminatedUnion(
  "type",
  ALERT_CHANNEL_TYPES.map((type) => updateMember(type)) as [UpdateMember, ...UpdateMember[]],
);
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
export const alertChannelViewSchema = z.discriminatedUnion(
  "type",
  ALERT_CHANNEL_TYPES.map((type) => viewMember(type)) as [ViewMember, ...ViewMember[]],
);
export type AlertChannelView = z.infer<typeof alertChannelViewSchema>;

export const alertChannelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: z.enum(ALERT_CHANNEL_TYPES),
  enabled: z.boolean(),
  config: alertChannelViewSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type AlertChannel = z.infer<typeof alertChannelSchema>;

// --- deliveries and history

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
  channelType: z.enum(ALERT_CHANNEL_TYPES),
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
  ruleType: z.enum(ALERT_RULE_TYPES),
  severity: z.enum(ALERT_SEVERITIES),
  subjectKey: z.string(),
  subjectName: z.string(),
  status: z.enum(ALERT_INCIDENT_STATUSES),
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
  status: z.enum(ALERT_INCIDENT_STATUSES).optional(),
  ruleId: idSchema.optional(),
});
export type AlertHistoryQuery = z.input<typeof alertHistoryQuerySchema>;

export const alertHistoryPageSchema = z.object({
  items: z.array(alertIncidentSchema),
  nextCursor: z.string().nullable(),
});
export type AlertHistoryPage = z.infer<typeof alertHistoryPageSchema>;
