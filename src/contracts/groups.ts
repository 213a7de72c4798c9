import { z } from "zod";
import { DEFAULT_RETRY_STATUSES, DEFAULT_STRATEGY, STRATEGY_NAMES } from "@/core/vocabulary/balancing";
import { CAPTURE_MODES, DEFAULT_CAPTURE_MAX_BYTES } from "@/core/vocabulary/capture";
import { descriptionSchema, nameSchema, timestampSchema, type Issue } from "./common";
import { affinitySchema, headerNameSchema, modelListSchema, modelMapSchema } from "./models";

export const GROUP_DEFAULTS = {
  strategy: DEFAULT_STRATEGY,
  maxAttempts: 3,
  connectTimeoutMs: 5_000,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 120_000,
  totalTimeoutMs: 600_000,
  capture: "off",
  captureSampleRate: 1,
  captureMaxBytes: DEFAULT_CAPTURE_MAX_BYTES,
} as const;

/** Largest body part a group may capture per request and direction (16 MiB). */
export const CAPTURE_MAX_BYTES_LIMIT = 16_777_216;

/** off | errors (ended in an error or needed a retry) | all (sampled by captureSampleRate). */
export const captureModeSchema = z.enum(CAPTURE_MODES);

/** The client path is `/api/proxy/{slug}/...`, so slugs are URL-safe. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-_]{0,62}$/, "must be 1-63 of a-z 0-9 - _, starting with a letter or digit");

/** Upstream statuses that make the gateway try another provider; deduplicated and sorted. */
export const retryOnSchema = z
  .array(z.int().min(100, "status codes are 100-599").max(599, "status codes are 100-599"))
  .max(100)
  .transform((codes) => [...new Set(codes)].sort((a, b) => a - b));

const groupFields = {
  slug: slugSchema,
  name: nameSchema,
  description: descriptionSchema,
  strategy: z.enum(STRATEGY_NAMES),
  maxAttempts: z.int().min(1).max(10),
  retryOn: retryOnSchema,
  connectTimeoutMs: z.int().min(100).max(600_000),
  firstByteTimeoutMs: z.int().min(100).max(3_600_000),
  idleTimeoutMs: z.int().min(100).max(3_600_000),
  totalTimeoutMs: z.int().min(100).max(86_400_000),
  /** Requests per minute for the whole group across every instance (429 GROUP_RATE_LIMITED); null = none. */
  rateLimitPerMinute: z.int().min(1).max(10_000_000).nullable(),
  enabled: z.boolean(),
  /** Store redacted requests and upstream answers (bodies up to captureMaxBytes each) for debugging. */
  capture: captureModeSchema,
  /** Share of requests captured in `all` mode. */
  captureSampleRate: z.number().min(0).max(1),
  captureMaxBytes: z.int().min(256).max(CAPTURE_MAX_BYTES_LIMIT),
  /** Session affinity for prompt caches. */
  affinity: affinitySchema,
  /**
   * ip_hash only: hash this request header's value (a user or tenant id your clients send) instead of
   * the client address; requests without the header fall back to the address. null = the address.
   */
  hashHeader: headerNameSchema.nullable(),
};

interface GroupTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  totalTimeoutMs: number;
}

/** Cross-field rules on a group's timeouts (checked on create and on the merged row of an update). */
export function checkGroupTimeouts(group: GroupTimeouts): Issue[] {
  const issues: Issue[] = [];
  if (group.connectTimeoutMs > group.totalTimeoutMs) {
    issues.push({ path: "connectTimeoutMs", message: "must not exceed totalTimeoutMs" });
  }
  if (group.firstByteTimeoutMs > group.totalTimeoutMs) {
    issues.push({ path: "firstByteTimeoutMs", message: "must not exceed totalTimeoutMs" });
  }
  return issues;
}

/** The fields of a new group with their defaults (shared with the import document's group entries). */
export const groupCreateShape = {
  slug: groupFields.slug,
  name: groupFields.name,
  description: groupFields.description.default(""),
  strategy: groupFields.strategy.default(GROUP_DEFAULTS.strategy),
  maxAttempts: groupFields.maxAttempts.default(GROUP_DEFAULTS.maxAttempts),
  retryOn: groupFields.retryOn.default(() => [...DEFAULT_RETRY_STATUSES]),
  connectTimeoutMs: groupFields.connectTimeoutMs.default(GROUP_DEFAULTS.connectTimeoutMs),
  firstByteTimeoutMs: groupFields.firstByteTimeoutMs.default(GROUP_DEFAULTS.firstByteTimeoutMs),
  idleTimeoutMs: groupFields.idleTimeoutMs.default(GROUP_DEFAULTS.idleTimeoutMs),
  totalTimeoutMs: groupFields.totalTimeoutMs.default(GROUP_DEFAULTS.totalTimeoutMs),
  rateLimitPerMinute: groupFields.rateLimitPerMinute.default(null),
  enabled: groupFields.enabled.default(true),
  capture: groupFields.capture.default(GROUP_DEFAULTS.capture),
  captureSampleRate: groupFields.captureSampleRate.default(GROUP_DEFAULTS.captureSampleRate),
  captureMaxBytes: groupFields.captureMaxBytes.default(GROUP_DEFAULTS.captureMaxBytes),
  affinity: groupFields.affinity.default({ enabled: false }),
  hashHeader: groupFields.hashHeader.default(null),
};

/** Adds the timeout cross-checks to a zod object over group fields. */
export function refineGroupTimeouts(group: GroupTimeouts, ctx: z.RefinementCtx): void {
  for (const issue of checkGroupTimeouts(group)) {
    ctx.addIssue({ code: "custom", path: [issue.path], message: issue.message });
  }
}

/** POST /groups. */
export const groupCreateSchema = z.strictObject(groupCreateShape).superRefine(refineGroupTimeouts);
export type GroupCreateInput = z.input<typeof groupCreateSchema>;

/** PUT /groups/{id}: partial — only the fields sent change. */
export const groupUpdateSchema = z.strictObject({
  slug: groupFields.slug.optional(),
  name: groupFields.name.optional(),
  description: groupFields.description.optional(),
  strategy: groupFields.strategy.optional(),
  maxAttempts: groupFields.maxAttempts.optional(),
  retryOn: groupFields.retryOn.optional(),
  connectTimeoutMs: groupFields.connectTimeoutMs.optional(),
  firstByteTimeoutMs: groupFields.firstByteTimeoutMs.optional(),
  idleTimeoutMs: groupFields.idleTimeoutMs.optional(),
  totalTimeoutMs: groupFields.totalTimeoutMs.optional(),
  rateLimitPerMinute: groupFields.rateLimitPerMinute.optional(),
  enabled: groupFields.enabled.optional(),
  capture: groupFields.capture.optional(),
  captureSampleRate: groupFields.captureSampleRate.optional(),
  captureMaxBytes: groupFields.captureMaxBytes.optional(),
  affinity: groupFields.affinity.optional(),
  hashHeader: groupFields.hashHeader.optional(),
});
export type GroupUpdateInput = z.input<typeof groupUpdateSchema>;

const prioritySchema = z.int().min(0).max(1_000_000);
const memberWeightSchema = z.int().min(0).max(1_000_000).nullable();

/** POST /groups/{id}/providers. Lower priority = preferred tier; a weight overrides the provider's. */
export const memberCreateSchema = z.strictObject({
  providerId: z.uuid(),
  priority: prioritySchema.default(0),
  weight: memberWeightSchema.default(null),
  enabled: z.boolean().default(true),
  /** Models this member serves in the group (names and globs); empty = the provider's own list. */
  models: modelListSchema.default([]),
  /** Client model name → this upstream's name. */
  modelMap: modelMapSchema.default({}),
});
export type MemberCreateInput = z.input<typeof memberCreateSchema>;

/** PUT /groups/{id}/providers/{providerId}: partial. `weight: null` falls back to the provider's. */
export const memberUpdateSchema = z.strictObject({
  priority: prioritySchema.optional(),
  weight: memberWeightSchema.optional(),
  enabled: z.boolean().optional(),
  models: modelListSchema.optional(),
  modelMap: modelMapSchema.optional(),
});
export type MemberUpdateInput = z.input<typeof memberUpdateSchema>;

/** PUT /groups/{id}/providers/order: every current member's priority, in one call. */
export const memberOrderSchema = z.strictObject({
  order: z
    .array(z.strictObject({ providerId: z.uuid(), priority: prioritySchema }))
    .max(1000)
    .superRefine((entries, ctx) => {
      const seen = new Set<string>();
      entries.forEach((entry, index) => {
        if (seen.has(entry.providerId)) {
          ctx.addIssue({ code: "custom", path: [index, "providerId"], message: "listed twice" });
        }
        seen.add(entry.providerId);
      });
    }),
});
export type MemberOrderInput = z.input<typeof memberOrderSchema>;

export const groupSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  strategy: z.enum(STRATEGY_NAMES),
  maxAttempts: z.number(),
  retryOn: z.array(z.number()),
  connectTimeoutMs: z.number(),
  firstByteTimeoutMs: z.number(),
  idleTimeoutMs: z.number(),
  totalTimeoutMs: z.number(),
  rateLimitPerMinute: z.number().nullable(),
  enabled: z.boolean(),
  capture: captureModeSchema,
  captureSampleRate: z.number(),
  captureMaxBytes: z.number(),
  affinity: affinitySchema,
  hashHeader: z.string().nullable(),
  memberCount: z.number(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Group = z.infer<typeof groupSchema>;

export const memberSchema = z.object({
  providerId: z.uuid(),
  providerName: z.string(),
  priority: z.number(),
  /** The membership's own weight override; null = the provider's weight applies. */
  weight: z.number().nullable(),
  effectiveWeight: z.number(),
  /** The membership's flag; the provider also has to be enabled to receive traffic. */
  enabled: z.boolean(),
  providerEnabled: z.boolean(),
  /** The membership's model list; empty = the provider's list applies. */
  models: z.array(z.string()),
  modelMap: z.record(z.string(), z.string()),
  /** The provider's own model list (empty = every model). */
  providerModels: z.array(z.string()),
});
export type Member = z.infer<typeof memberSchema>;

/** GET /groups/{id}: the group with its members, preferred tier first. */
export const groupDetailSchema = groupSchema.extend({ providers: z.array(memberSchema) });
export type GroupDetail = z.infer<typeof groupDetailSchema>;
