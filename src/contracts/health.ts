import { z } from "zod";
import { HEALTH_STATES } from "@/core/vocabulary/health";
import { hasControlCharacters, timestampSchema } from "./common";

/**
 * Provider health as the admin API shows it (`GET /health`), and the bodies of the manual
 * `POST /providers/{id}/eject` and `/restore`. Imported by the console: no server-only imports.
 */

const reasonTextSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(500, "must be at most 500 characters")
  .refine((value) => !hasControlCharacters(value), "must not contain control characters");

/** Longest manual ejection with an end: 7 days (without durationMs it lasts until restored). */
export const MAX_EJECTION_DURATION_MS = 7 * 24 * 3_600_000;

/** POST /providers/{id}/eject: why (audited), and for how long (absent = until restored). */
export const providerEjectSchema = z.strictObject({
  reason: reasonTextSchema,
  durationMs: z.int().min(1_000).max(MAX_EJECTION_DURATION_MS).optional(),
});
export type ProviderEjectInput = z.input<typeof providerEjectSchema>;

/** POST /providers/{id}/restore: an optional note for the audit log. */
export const providerRestoreSchema = z.strictObject({ reason: reasonTextSchema.optional() });
export type ProviderRestoreInput = z.input<typeof providerRestoreSchema>;

export const lastErrorSchema = z.object({
  /** Upstream status, when the upstream answered. */
  status: z.number().nullable(),
  /** Catalogue code of a transport failure (UPSTREAM_TIMEOUT...). */
  code: z.string().nullable(),
  at: timestampSchema,
});

/** One provider's health. */
export const providerHealthSchema = z.object({
  providerId: z.uuid(),
  name: z.string(),
  enabled: z.boolean(),
  state: z.enum(HEALTH_STATES),
  /** Why: consecutive_failures, failure_rate, trial_failed, auth, manual, success_rate, latency. */
  reason: z.string().nullable(),
  /** End of the ejection or auth cooldown (then one trial); null when in service or until restored. */
  ejectedUntil: timestampSchema.nullable(),
  /** Over the health window; null when it holds no attempt. */
  successRate: z.number().nullable(),
  /** Attempts in the health window (client errors excluded). */
  volume: z.number(),
  /** Moving average of successful attempts' time to first byte, ms. */
  latencyMs: z.number().nullable(),
  /** Requests in flight to it from the instance that answered. */
  inFlight: z.number(),
  lastError: lastErrorSchema.nullable(),
  consecutiveFailures: z.number(),
  ejections: z.number(),
  /** Slow-start weight multiplier (0 while out of service). */
  weightFactor: z.number(),
  trialInFlight: z.boolean(),
});
export type ProviderHealth = z.infer<typeof providerHealthSchema>;

/** A provider's health within one group. */
export const memberHealthSchema = providerHealthSchema.extend({
  priority: z.number(),
  /** Configured weight (membership override or the provider's). */
  weight: z.number(),
  /** The membership's own flag. */
  memberEnabled: z.boolean(),
  /** Whether the group routes to it now. */
  available: z.boolean(),
  /** Available only for its single half-open trial. */
  trial: z.boolean(),
  /** Used only because no member of the group is in service. */
  panic: z.boolean(),
});
export type MemberHealth = z.infer<typeof memberHealthSchema>;

export const groupHealthSchema = z.object({
  groupId: z.uuid(),
  slug: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  /** No member is in service: the least recently failed one is tried anyway. */
  panic: z.boolean(),
  /** Preferred tier first. */
  members: z.array(memberHealthSchema),
});
export type GroupHealth = z.infer<typeof groupHealthSchema>;

/** Database size and state-store memory/keys (cached ~15 s); a part that could not be read is null. */
export const storageUsageSchema = z.object({
  measuredAt: timestampSchema,
  database: z.object({
    kind: z.enum(["pglite", "postgres"]),
    /** `pg_database_size` of the current database. */
    sizeBytes: z.number().nullable(),
  }),
  stateStore: z.object({
    kind: z.enum(["memory", "redis"]),
    /** Redis `used_memory`; null for the in-process store. */
    usedMemoryBytes: z.number().nullable(),
    /** Redis `maxmemory`; null when unlimited. */
    maxMemoryBytes: z.number().nullable(),
    /** Keys in the Redis database (`DBSIZE`), or entries of the in-process store. */
    keys: z.number().nullable(),
    /** Keys under REDIS_PREFIX; null above 20,000 keys (not counted). */
    prefixKeys: z.number().nullable(),
  }),
});
export type StorageUsage = z.infer<typeof storageUsageSchema>;

/** GET /health. */
export const healthReportSchema = z.object({
  generatedAt: timestampSchema,
  /** The instance that answered (in-flight counts are its own). */
  instanceId: z.string(),
  /** Whether health is shared by every instance (Redis) or this instance's own. */
  shared: z.boolean(),
  providers: z.array(providerHealthSchema),
  groups: z.array(groupHealthSchema),
  /** Storage use of this deployment; absent where the runtime does not measure it. */
  storage: storageUsageSchema.optional(),
});
export type HealthReport = z.infer<typeof healthReportSchema>;
