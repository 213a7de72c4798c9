import { z } from "zod";
import { checkModelPattern, MAX_MODEL_NAME_LENGTH } from "@/core/vocabulary/models";

/**
 * Model routing fields shared by providers, memberships, keys and the config document (issue 16):
 * model lists (exact names and `*` / `?` globs), alias maps and a group's session affinity.
 */

/** Most entries in one model list or alias map. */
export const MAX_MODEL_ENTRIES = 500;
/** Default header carrying a client's session id. */
export const DEFAULT_AFFINITY_HEADER = "x-session-id";
/** Default sliding stickiness of a session, in seconds. */
export const DEFAULT_AFFINITY_TTL_SECONDS = 300;

const modelNameSchema = z.string().superRefine((value, ctx) => {
  const problem = checkModelPattern(value);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

/** A model list: exact names and globs; empty = every model. Deduplicated, order kept. */
export const modelListSchema = z
  .array(modelNameSchema)
  .max(MAX_MODEL_ENTRIES)
  .transform((list) => [...new Set(list)]);

/** Client model name → upstream model name (exact names, no globs). */
export const modelMapSchema = z
  .record(z.string().min(1).max(MAX_MODEL_NAME_LENGTH), z.string().min(1).max(MAX_MODEL_NAME_LENGTH))
  .superRefine((map, ctx) => {
    const entries = Object.entries(map);
    if (entries.length > MAX_MODEL_ENTRIES) {
      ctx.addIssue({ code: "custom", message: `at most ${MAX_MODEL_ENTRIES} aliases` });
    }
    for (const [from, to] of entries) {
      const problem = checkModelPattern(from) ?? checkModelPattern(to);
      if (problem !== null) ctx.addIssue({ code: "custom", path: [from], message: problem });
    }
  });

/** A header name an operator may pick for session ids (lower-cased). */
export const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "must be a valid HTTP header name")
  .transform((name) => name.toLowerCase());

/** A group's session affinity: sessions stick to the provider that served them (off by default). */
export const affinitySchema = z.strictObject({
  enabled: z.boolean(),
  /** Header carrying the client's session id (default `x-session-id`). */
  header: headerNameSchema.optional(),
  /** Sliding stickiness in seconds (default 300). */
  ttlSeconds: z.int().min(10).max(86_400).optional(),
});
export type Affinity = z.infer<typeof affinitySchema>;
