import { z } from "zod";
import { parseOutboundAllow, type OutboundPolicy } from "../core/outbound/allow-list";
import { isValidTimeZone } from "../core/quota/calendar-window";
import { parseTrustProxy, type TrustProxy } from "../core/net/client-address";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const intIn = (min: number, max: number, def: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(def));

/** The environment schema: the single source of truth for configuration and its types. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: intIn(0, 65535, 3000),
    HOST: z.preprocess(emptyToUndefined, z.string().default("0.0.0.0")),
    DATABASE_URL: z.preprocess(
      emptyToUndefined,
      z
        .url({
          protocol: /^postgres(ql)?$/,
          error: "DATABASE_URL must be a postgres:// or postgresql:// URL",
        })
        .optional(),
    ),
    REDIS_URL: z.preprocess(
      emptyToUndefined,
      z.url({ protocol: /^rediss?$/, error: "REDIS_URL must be a redis:// or rediss:// URL" }).optional(),
    ),
    REDIS_PREFIX: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[\w:.-]*$/)
        .default("rb:"),
    ),
    DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
    SECRET_KEY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .min(32, "SECRET_KEY must be at least 32 characters (e.g. `openssl rand -base64 32`)")
        .optional(),
    ),
    // The key before the last rotation: values sealed with it still open; new ones use SECRET_KEY.
    SECRET_KEY_PREVIOUS: z.preprocess(
      emptyToUndefined,
      z.string().min(32, "SECRET_KEY_PREVIOUS must be at least 32 characters").optional(),
    ),
    ADMIN_USERNAME: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{3,64}$/, "ADMIN_USERNAME: 3-64 letters, digits, _ . -")
        .optional(),
    ),
    ADMIN_PASSWORD: z.preprocess(
      emptyToUndefined,
      z.string().min(8, "ADMIN_PASSWORD must be at least 8 characters").max(128).optional(),
    ),
    ADMIN_TOKEN: z.preprocess(
      emptyToUndefined,
      z.string().min(16, "ADMIN_TOKEN must be at least 16 characters").optional(),
    ),
    CRON_SECRET: z.preprocess(emptyToUndefined, z.string().min(16).optional()),
    METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(8).optional()),
    LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    ),
    CONFIG_FILE: optionalString,
    PUBLIC_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    GATEWAY_ONLY: z.preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0"]).optional()),
    MAX_BODY_BYTES: intIn(1024, 1024 * 1024 * 1024, 10 * 1024 * 1024),
    ADMIN_MAX_BODY_BYTES: intIn(1024, 256 * 1024 * 1024, 5 * 1024 * 1024),
    // Active health checks of providers with a healthCheckPath, run by one instance; 0 = none.
    HEALTH_CHECK_INTERVAL_MS: intIn(0, 86_400_000, 30_000),
    // No latency EWMA at or below this is reported `degraded` by latency (the absolute floor), ms.
    HEALTH_LATENCY_FLOOR_MS: intIn(0, 600_000, 250),
    // When the state store (Redis) is unreachable: "open" lets limited requests through, "closed" refuses them.
    STATE_STORE_FAILURE: z.preprocess(emptyToUndefined, z.enum(["open", "closed"]).default("open")),
    // Calendar of quota windows and of the dashboard's "today" / "this month" spend (IANA zone).
    QUOTA_TIME_ZONE: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .refine(isValidTimeZone, "QUOTA_TIME_ZONE must be an IANA time zone such as UTC or Asia/Shanghai")
        .default("UTC"),
    ),
    // Raw request logs (and minute rollups) vs hour/day rollups and health events.
    LOG_RETENTION_DAYS: intIn(1, 3650, 30),
    // Request captures (groups/keys with capture on); never kept longer than their logs.
    CAPTURE_RETENTION_DAYS: intIn(1, 3650, 7),
    // Header and JSON field names every capture redacts besides the built-in ones (comma list).
    CAPTURE_REDACT_NAMES: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .max(4096)
        .default("")
        .transform((value) =>
          value
            .split(",")
            .map((name) => name.trim())
            .filter((name) => name !== ""),
        ),
    ),
    ROLLUP_RETENTION_DAYS: intIn(1, 3650, 400),
    // Resolved alert incidents and their deliveries, counted from the resolution; firing ones stay.
    ALERT_HISTORY_RETENTION_DAYS: intIn(1, 3650, 90),
    // Internal addresses outbound requests may reach (CIDRs, addresses, host names, *.domain); empty = public only.
    OUTBOUND_ALLOW: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .superRefine((value, ctx) => {
          const parsed = parseOutboundAllow(value);
          if (!parsed.ok)
            for (const problem of parsed.problems) ctx.addIssue({ code: "custom", message: problem });
        })
        .default(""),
    ),
    // Which X-Forwarded-For/Forwarded hops are believed for the client address: off, true, 1..32 or CIDRs.
    TRUST_PROXY: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .superRefine((value, ctx) => {
          const parsed = parseTrustProxy(value);
          if (!parsed.ok)
            for (const problem of parsed.problems) ctx.addIssue({ code: "custom", message: problem });
        })
        .default(""),
    ),
    // Slow and abusive clients (src/http/edge-server.ts): headers within HEADERS_TIMEOUT_MS of the first
    // byte, the whole request within BODY_TIMEOUT_MS; a socket with nothing in progress (or a client
    // that stopped reading) closed after IDLE_TIMEOUT_MS; headers at most MAX_HEADER_BYTES / MAX_HEADERS_COUNT.
    HEADERS_TIMEOUT_MS: intIn(100, 600_000, 30_000),
    BODY_TIMEOUT_MS: intIn(100, 3_600_000, 60_000),
    IDLE_TIMEOUT_MS: intIn(100, 3_600_000, 120_000),
    MAX_HEADER_BYTES: intIn(1024, 1024 * 1024, 16 * 1024),
    MAX_HEADERS_COUNT: intIn(10, 10_000, 100),
    // Request-log batches the database cannot take go to DATA_DIR/spill up to this many bytes; 0 = off.
    LOG_SPILL_MAX_BYTES: intIn(0, 2 ** 40, 1024 * 1024 * 1024),
    // OpenTelemetry traces (src/observability/tracing.ts): off unless an OTLP/HTTP endpoint is set.
    OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(emptyToUndefined, z.url().optional()),
    OTEL_EXPORTER_OTLP_HEADERS: optionalString,
    OTEL_SERVICE_NAME: z.preprocess(emptyToUndefined, z.string().max(200).default("roundabout")),
    // Data-plane processes on one port (node:cluster): "auto" = one per core; more than 1 needs
    // DATABASE_URL and REDIS_URL (see workersOf).
    WORKERS: z.preprocess(
      emptyToUndefined,
      z
        .union([z.literal("auto"), z.coerce.number().int().min(1).max(256)], {
          error: 'WORKERS must be "auto" or a whole number from 1 to 256',
        })
        .default(1),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL && !env.SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["SECRET_KEY"],
        message:
          "SECRET_KEY is required when DATABASE_URL is set (instances sharing a database must share the key that encrypts provider credentials)",
      });
    }
    if (env.HEALTH_CHECK_INTERVAL_MS > 0 && env.HEALTH_CHECK_INTERVAL_MS < 1_000) {
      ctx.addIssue({
        code: "custom",
        path: ["HEALTH_CHECK_INTERVAL_MS"],
        message: "HEALTH_CHECK_INTERVAL_MS must be 0 (off) or at least 1000",
      });
    }
    if (env.LOG_SPILL_MAX_BYTES > 0 && env.LOG_SPILL_MAX_BYTES < 1024 * 1024) {
      ctx.addIssue({
        code: "custom",
        path: ["LOG_SPILL_MAX_BYTES"],
        message: "LOG_SPILL_MAX_BYTES must be 0 (off) or at least 1048576 (1 MiB)",
      });
    }
    if (env.HEADERS_TIMEOUT_MS > env.BODY_TIMEOUT_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["HEADERS_TIMEOUT_MS"],
        message:
          "HEADERS_TIMEOUT_MS must not exceed BODY_TIMEOUT_MS (the body deadline includes the headers)",
      });
    }
    if (env.WORKERS !== 1 && (!env.REDIS_URL || !env.DATABASE_URL)) {
      ctx.addIssue({
        code: "custom",
        path: ["WORKERS"],
        message:
          "WORKERS above 1 (or auto) needs both DATABASE_URL and REDIS_URL: the embedded database opens in one process only, and without Redis each worker would keep its own rate limits, quotas and health (a key's limit would be multiplied by the worker count). Set both, or use WORKERS=1",
      });
    }
    if ((env.ADMIN_USERNAME && !env.ADMIN_PASSWORD) || (!env.ADMIN_USERNAME && env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_PASSWORD"],
        message: "Set ADMIN_USERNAME and ADMIN_PASSWORD together",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** Thrown with every problem of the environment listed, one per line. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Validates an environment record once; never reads process.env itself. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "env"}: ${i.message}`));
  }
  return result.data;
}

/** The number of worker processes a validated environment asks for, "auto" resolved to `cores`. */
export function workersOf(env: Pick<Env, "WORKERS">, cores: number): number {
  return env.WORKERS === "auto" ? Math.max(1, cores) : env.WORKERS;
}

/** The trusted-proxy setting of a validated environment (`TRUST_PROXY`). */
export function trustProxyOf(env: Pick<Env, "TRUST_PROXY">): TrustProxy {
  const parsed = parseTrustProxy(env.TRUST_PROXY);
  // parseEnv refused any other value already; this only guards hand-built Env objects.
  if (!parsed.ok) throw new EnvError(parsed.problems.map((p) => `TRUST_PROXY: ${p}`));
  return parsed.trust;
}

/** The outbound policy of a validated environment (`OUTBOUND_ALLOW`). */
export function outboundPolicyOf(env: Pick<Env, "OUTBOUND_ALLOW">): OutboundPolicy {
  const parsed = parseOutboundAllow(env.OUTBOUND_ALLOW);
  // parseEnv refused any other value already; this only guards hand-built Env objects.
  if (!parsed.ok) throw new EnvError(parsed.problems.map((p) => `OUTBOUND_ALLOW: ${p}`));
  return parsed.policy;
}
