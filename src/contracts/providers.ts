import { z } from "zod";
import { HEALTH_OUTCOMES } from "@/core/vocabulary/health";
import { HOP_BY_HOP_HEADERS } from "@/core/vocabulary/http-headers";
import {
  AUTH_STYLE_HEADER_PREFIX,
  AUTH_STYLES,
  defaultAuthStyleFor,
  type AuthStyle,
} from "@/core/vocabulary/providers";
import {
  descriptionSchema,
  hasControlCharacters,
  httpUrlSchema,
  nameSchema,
  timestampSchema,
} from "./common";
import { modelListSchema } from "./models";

/**
 * Header names a provider's extra headers may not set: hop-by-hop headers (they describe one
 * connection, not the request) and credential or routing headers (credentials go in `apiKey`, sealed).
 */
export const FORBIDDEN_PROVIDER_HEADERS: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP_HEADERS,
  "host",
  "content-length",
  "expect",
  "authorization",
  "x-api-key",
  "api-key",
  "cookie",
  "set-cookie",
]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const MAX_EXTRA_HEADERS = 50;

/**
 * Extra headers sent upstream with every request to this provider. Their values are secrets: stored
 * sealed, answered as `HEADER_VALUE_MASK` (`••••••••`). On a write, a value equal to the mask keeps
 * the stored value of that header (refused when there is none); any other value replaces it; a header
 * left out is removed.
 */
export const providerHeadersSchema = z
  .record(
    z.string().regex(HEADER_NAME, "header names must be HTTP tokens (letters, digits, - and a few symbols)"),
    z
      .string()
      .max(4096, "header values must be at most 4096 characters")
      .refine(
        (v) => !hasControlCharacters(v.replace(/\t/g, " ")),
        "header values must not contain line breaks",
      ),
  )
  .superRefine((headers, ctx) => {
    const seen = new Set<string>();
    const names = Object.keys(headers);
    if (names.length > MAX_EXTRA_HEADERS) {
      ctx.addIssue({ code: "custom", message: `at most ${MAX_EXTRA_HEADERS} extra headers` });
    }
    for (const name of names) {
      const lower = name.toLowerCase();
      if (FORBIDDEN_PROVIDER_HEADERS.has(lower)) {
        const why =
          lower === "authorization" || lower === "x-api-key" || lower === "api-key"
            ? "credentials go in apiKey (stored encrypted) and authStyle chooses how they are sent"
            : lower === "cookie" || lower === "set-cookie" || lower === "proxy-authorization"
              ? "credential headers cannot be stored in plain text"
              : "it is managed by the gateway per connection";
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `header "${name}" cannot be set here: ${why}`,
        });
      }
      if (seen.has(lower)) {
        ctx.addIssue({ code: "custom", path: [name], message: `header "${name}" is listed twice` });
      }
      seen.add(lower);
    }
  });

/** Headers the gateway manages itself, which a `header:<name>` auth style cannot name. */
const GATEWAY_MANAGED_HEADERS: ReadonlySet<string> = new Set([
  ...HOP_BY_HOP_HEADERS,
  "host",
  "content-length",
  "expect",
  "accept-encoding",
  "x-request-id",
]);

/**
 * `bearer`, `x-api-key`, `none`, or `header:<name>`: the credential as the value of that header (name
 * lower-cased on the way in).
 */
export const authStyleSchema = z.union([
  z.enum(AUTH_STYLES),
  z
    .string()
    .regex(
      /^header:[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/i,
      "must be bearer, x-api-key, none or header:<name> with an HTTP header name",
    )
    .transform((style) => style.toLowerCase() as `header:${string}`)
    .refine(
      (style) => !GATEWAY_MANAGED_HEADERS.has(style.slice(AUTH_STYLE_HEADER_PREFIX.length)),
      "this header is managed by the gateway per connection",
    ),
]) satisfies z.ZodType<AuthStyle, unknown>;

/**
 * Upstream base URL: http or https, no credentials, query or fragment; may carry a path prefix
 * (`https://host/openai/v1`). A trailing slash is removed so paths join predictably.
 */
export const baseUrlSchema = httpUrlSchema({
  credentialsMessage: "must not contain credentials; use apiKey",
  moreProblems(url, value) {
    if (url.search || url.hash || value.includes("?") || value.includes("#"))
      return "must not contain a query string or fragment";
    return url.hostname ? null : "must name a host";
  },
}).transform((value) => {
  const url = new URL(value);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
});

/** The provider credential (write-only); printable ASCII so it can never smuggle a header line. */
export const providerApiKeySchema = z
  .string()
  .min(1, "must not be empty")
  .max(8192, "must be at most 8192 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const healthCheckPathSchema = z
  .string()
  .trim()
  .max(500, "must be at most 500 characters")
  .regex(/^\/[\x21-\x7e]*$/, "must start with / and contain no spaces");

const weightSchema = z.int().min(0).max(1_000_000);

/** Requests per minute a provider may receive across every instance; null = no cap. */
export const providerRateLimitSchema = z.int().min(1).max(1_000_000).nullable();
/** Requests in flight to a provider across every instance; null = no cap. */
export const providerConcurrencySchema = z.int().min(1).max(100_000).nullable();

const providerFields = {
  name: nameSchema,
  baseUrl: baseUrlSchema,
  apiKey: providerApiKeySchema.nullable(),
  authStyle: authStyleSchema,
  weight: weightSchema,
  enabled: z.boolean(),
  healthCheckPath: healthCheckPathSchema.nullable(),
  rateLimitPerMinute: providerRateLimitSchema,
  maxConcurrency: providerConcurrencySchema,
  headers: providerHeadersSchema,
  description: descriptionSchema,
  models: modelListSchema,
};

/** POST /providers, before the auth style default is filled in (its `.shape` serves the console's form). */
export const providerCreateObjectSchema = z.strictObject({
  name: providerFields.name,
  baseUrl: providerFields.baseUrl,
  apiKey: providerFields.apiKey.optional(),
  // Absent: chosen by host (Anthropic → x-api-key, …; else bearer), see defaultAuthStyleFor.
  authStyle: providerFields.authStyle.optional(),
  weight: providerFields.weight.default(1),
  enabled: providerFields.enabled.default(true),
  healthCheckPath: providerFields.healthCheckPath.default(null),
  rateLimitPerMinute: providerFields.rateLimitPerMinute.default(null),
  maxConcurrency: providerFields.maxConcurrency.default(null),
  headers: providerFields.headers.default({}),
  description: providerFields.description.default(""),
  /** Models this provider serves (names and globs); empty = every model. */
  models: providerFields.models.default([]),
});

/** POST /providers: a provider without `authStyle` gets its host's well-known one. */
export const providerCreateSchema = providerCreateObjectSchema.transform((provider) => ({
  ...provider,
  authStyle: provider.authStyle ?? defaultAuthStyleFor(provider.baseUrl),
}));
export type ProviderCreateInput = z.input<typeof providerCreateSchema>;

/**
 * PUT /providers/{id}: partial — only the fields sent change. `apiKey` absent keeps the stored
 * credential, `null` clears it, a string replaces it. `headers` replaces the whole set, except that a
 * masked value (`••••••••`) keeps the stored value of that header.
 */
export const providerUpdateSchema = z.strictObject({
  name: providerFields.name.optional(),
  baseUrl: providerFields.baseUrl.optional(),
  apiKey: providerFields.apiKey.optional(),
  authStyle: providerFields.authStyle.optional(),
  weight: providerFields.weight.optional(),
  enabled: providerFields.enabled.optional(),
  healthCheckPath: providerFields.healthCheckPath.optional(),
  rateLimitPerMinute: providerFields.rateLimitPerMinute.optional(),
  maxConcurrency: providerFields.maxConcurrency.optional(),
  headers: providerFields.headers.optional(),
  description: providerFields.description.optional(),
  models: providerFields.models.optional(),
});
export type ProviderUpdateInput = z.input<typeof providerUpdateSchema>;

/** PATCH /providers/{id}/toggle: no body flips `enabled`; `{ enabled }` sets it. */
export const providerToggleSchema = z.strictObject({ enabled: z.boolean().optional() });

/** A provider as the API answers it; the credential itself never appears. */
export const providerSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  baseUrl: z.string(),
  authStyle: z.string() as z.ZodType<AuthStyle>,
  weight: z.number(),
  enabled: z.boolean(),
  healthCheckPath: z.string().nullable(),
  /** Requests per minute across every instance; null = no cap (at the cap the provider is skipped). */
  rateLimitPerMinute: z.number().nullable(),
  /** Requests in flight across every instance; null = no cap (at the cap the provider is skipped). */
  maxConcurrency: z.number().nullable(),
  /** Header names with every value masked (`••••••••`); send the mask back to keep a value. */
  headers: z.record(z.string(), z.string()),
  description: z.string(),
  /** Models served (names and globs); empty = every model. */
  models: z.array(z.string()),
  hasApiKey: z.boolean(),
  /** `••••abcd`; null when no credential is stored. */
  apiKeyMasked: z.string().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Provider = z.infer<typeof providerSchema>;

/** Time limits of a manual connection test, ms. */
export const PROVIDER_TEST_TIMEOUT = { min: 100, max: 30_000, default: 5_000 } as const;

/**
 * POST /providers/{id}/test (body optional): `path` probes another path than the provider's
 * health-check path for this one test; `timeoutMs` bounds it (default 5 s).
 */
export const providerTestSchema = z.strictObject({
  path: healthCheckPathSchema.optional(),
  timeoutMs: z.int().min(PROVIDER_TEST_TIMEOUT.min).max(PROVIDER_TEST_TIMEOUT.max).optional(),
});
export type ProviderTestInput = z.input<typeof providerTestSchema>;

/**
 * The answer of a connection test. `ok` only for a success (2xx/3xx); `neutral` (another 4xx) means
 * the provider was reached but the path said nothing conclusive. `error` is set only when no HTTP
 * answer came (connect failure, timeout, reset); `status` otherwise. Never contains the credential.
 */
export const providerTestResultSchema = z.object({
  ok: z.boolean(),
  /** How the answer counts, in the health layer's words (a test changes no health state). */
  outcome: z.enum(HEALTH_OUTCOMES),
  status: z.int().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  latencyMs: z.number(),
  /** What was probed: origin + base path + path (no credentials, no query of the base URL). */
  url: z.string(),
  testedAt: timestampSchema,
});
export type ProviderTestResult = z.infer<typeof providerTestResultSchema>;
