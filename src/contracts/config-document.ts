import { z } from "zod";
import { descriptionSchema, nameSchema } from "./common";
import { captureModeSchema, groupCreateShape, refineGroupTimeouts, slugSchema } from "./groups";
import { quotaSchema } from "./quota";
import { modelListSchema, modelMapSchema } from "./models";
import { providerCreateSchema } from "./providers";

/**
 * The configuration document (`GET /config/export`, `POST /config/import`), version 1.
 *
 * - Providers are matched by `name`, groups by `slug`; an imported group's memberships replace the
 *   stored ones. Entries describe the whole object: a missing field takes its default.
 * - A provider's `apiKey` is exported only on request (`includeSecrets=true`, admins). On import a
 *   string replaces the credential, `null` clears it and an absent field keeps the stored one.
 * - API keys carry metadata only: an entry updates the existing key with that `id`, or else the one
 *   key with that `name`. Keys are never created (no secret can be imported) nor deleted by an
 *   import; entries that match no key are reported as `skipped`.
 * - `prune=true` deletes the providers and groups the document does not name.
 */
export const CONFIG_DOCUMENT_VERSION = 1;

/** One membership inside a group entry, naming its provider by name. */
export const memberEntrySchema = z.strictObject({
  provider: nameSchema,
  priority: z.int().min(0).max(1_000_000).default(0),
  weight: z.int().min(0).max(1_000_000).nullable().default(null),
  enabled: z.boolean().default(true),
  models: modelListSchema.default([]),
  modelMap: modelMapSchema.default({}),
});

export const providerEntrySchema = providerCreateSchema;

/** Documents exported before `capture` existed say `captureBodies: true|false`: read as all / off. */
function upgradeCaptureBodies(entry: unknown): unknown {
  if (entry === null || typeof entry !== "object" || !("captureBodies" in entry)) return entry;
  const { captureBodies, ...rest } = entry as Record<string, unknown>;
  if (typeof captureBodies !== "boolean" || "capture" in rest) return entry;
  return { ...rest, capture: captureBodies ? "all" : "off" };
}

export const groupEntrySchema = z.preprocess(
  upgradeCaptureBodies,
  z
    .strictObject({ ...groupCreateShape, providers: z.array(memberEntrySchema).max(1000).default([]) })
    .superRefine(refineGroupTimeouts),
);

export const apiKeyEntrySchema = z.strictObject({
  id: z.uuid().optional(),
  name: nameSchema,
  /** Slug of the group the key is scoped to; null = global. */
  group: slugSchema.nullable().default(null),
  rateLimitPerMinute: z.int().min(1).max(1_000_000).nullable().default(null),
  maxConcurrency: z.int().min(1).max(100_000).nullable().default(null),
  expiresAt: z.iso
    .datetime({ offset: true, message: "must be an ISO-8601 date-time" })
    .nullable()
    .default(null),
  enabled: z.boolean().default(true),
  note: descriptionSchema.default(""),
  allowedModels: modelListSchema.default([]),
  /** Capture mode overriding the group's; null = the group's. Absent = left as it is. */
  capture: captureModeSchema.nullable().optional(),
  /** The key's quota; null = none. Absent (documents before quotas) = left as it is. */
  quota: quotaSchema.nullable().optional(),
});

export const configDocumentSchema = z.strictObject({
  version: z.literal(CONFIG_DOCUMENT_VERSION, { message: "must be 1" }),
  exportedAt: z.string().optional(),
  providers: z.array(providerEntrySchema).max(10_000).default([]),
  groups: z.array(groupEntrySchema).max(10_000).default([]),
  apiKeys: z.array(apiKeyEntrySchema).max(100_000).default([]),
  /**
   * The tenant's quota (null = none). Absent = left as it is. Only a system administrator may change
   * it: a tenant user's import must carry the current value (or leave it out).
   */
  tenantQuota: quotaSchema.nullable().optional(),
});
export type ConfigDocumentInput = z.input<typeof configDocumentSchema>;
export type ConfigDocument = z.output<typeof configDocumentSchema>;
export type ProviderEntry = z.output<typeof providerEntrySchema>;
export type GroupEntry = z.output<typeof groupEntrySchema>;
export type ApiKeyEntry = z.output<typeof apiKeyEntrySchema>;

const changeListSchema = z.object({
  created: z.array(z.string()),
  updated: z.array(z.string()),
  unchanged: z.array(z.string()),
  deleted: z.array(z.string()),
});

/** What an import changes (or would change, on a dry run): provider names, group slugs, key names. */
export const importDiffSchema = z.object({
  providers: changeListSchema,
  groups: changeListSchema,
  apiKeys: z.object({
    updated: z.array(z.string()),
    unchanged: z.array(z.string()),
    skipped: z.array(z.string()),
  }),
  /** Present when the document changes the tenant's quota. */
  tenantQuota: z.enum(["updated"]).optional(),
});
export type ImportDiff = z.infer<typeof importDiffSchema>;

export const importResultSchema = z.object({
  dryRun: z.boolean(),
  prune: z.boolean(),
  /** False on a dry run. */
  applied: z.boolean(),
  diff: importDiffSchema,
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** Columns of the providers CSV, in export order (`apiKey` only when secrets are included). */
export const PROVIDER_CSV_COLUMNS = [
  "name",
  "baseUrl",
  "authStyle",
  "weight",
  "enabled",
  "healthCheckPath",
  "rateLimitPerMinute",
  "maxConcurrency",
  "headers",
  "description",
  "apiKey",
] as const;
export type ProviderCsvColumn = (typeof PROVIDER_CSV_COLUMNS)[number];
