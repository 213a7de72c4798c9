import { z } from "zod";
import { descriptionSchema, nameSchema, timestampSchema } from "./common";
import { captureModeSchema } from "./groups";
import { modelListSchema } from "./models";
import { quotaSchema } from "./quota";

const apiKeyFields = {
  name: nameSchema,
  /** null = a global key, usable on every group. */
  groupId: z.uuid().nullable(),
  rateLimitPerMinute: z.int().min(1).max(1_000_000).nullable(),
  maxConcurrency: z.int().min(1).max(100_000).nullable(),
  /** Capture mode for this key's requests, overriding the group's; null = the group's. */
  capture: captureModeSchema.nullable(),
  expiresAt: z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time" }).nullable(),
  enabled: z.boolean(),
  note: descriptionSchema,
  /** Models the key may call (names and globs); empty = every model (403 MODEL_NOT_ALLOWED otherwise). */
  allowedModels: modelListSchema,
  /** Requests/tokens per day, tokens/cost per month; null = no quota. */
  quota: quotaSchema.nullable(),
};

/** POST /api-keys. */
export const apiKeyCreateSchema = z.strictObject({
  name: apiKeyFields.name,
  groupId: apiKeyFields.groupId.default(null),
  rateLimitPerMinute: apiKeyFields.rateLimitPerMinute.default(null),
  maxConcurrency: apiKeyFields.maxConcurrency.default(null),
  capture: apiKeyFields.capture.default(null),
  expiresAt: apiKeyFields.expiresAt.default(null),
  enabled: apiKeyFields.enabled.default(true),
  note: apiKeyFields.note.default(""),
  allowedModels: apiKeyFields.allowedModels.default([]),
  quota: apiKeyFields.quota.default(null),
});
export type ApiKeyCreateInput = z.input<typeof apiKeyCreateSchema>;

/** PUT /api-keys/{id}: partial — only the fields sent change. The key itself never changes. */
export const apiKeyUpdateSchema = z.strictObject({
  name: apiKeyFields.name.optional(),
  groupId: apiKeyFields.groupId.optional(),
  rateLimitPerMinute: apiKeyFields.rateLimitPerMinute.optional(),
  maxConcurrency: apiKeyFields.maxConcurrency.optional(),
  capture: apiKeyFields.capture.optional(),
  expiresAt: apiKeyFields.expiresAt.optional(),
  enabled: apiKeyFields.enabled.optional(),
  note: apiKeyFields.note.optional(),
  allowedModels: apiKeyFields.allowedModels.optional(),
  quota: apiKeyFields.quota.optional(),
});
export type ApiKeyUpdateInput = z.input<typeof apiKeyUpdateSchema>;

/** A gateway key as lists show it: masked, never the digest. */
export const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  /** `sk-AbCd…wXyZ`. */
  keyMasked: z.string(),
  groupId: z.uuid().nullable(),
  rateLimitPerMinute: z.number().nullable(),
  maxConcurrency: z.number().nullable(),
  capture: captureModeSchema.nullable(),
  expiresAt: timestampSchema.nullable(),
  enabled: z.boolean(),
  note: z.string(),
  allowedModels: z.array(z.string()),
  quota: quotaSchema.nullable(),
  lastUsedAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** POST /api-keys answers the full key exactly once; it cannot be read back later. */
export const createdApiKeySchema = apiKeySchema.extend({ key: z.string() });
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;
