import type { Env } from "./env";

/** One setting's entry in docs/configuration.md. */
export interface EnvDoc {
  readonly section: EnvSection;
  readonly description: string;
  /** Shown instead of the schema's default when that says too little ("generated on first start"). */
  readonly defaultText?: string;
  /** A secret: never logged, keep it out of shell history and world-readable files. */
  readonly secret?: boolean;
}

export const ENV_SECTIONS = [
  "Server",
  "Storage",
  "Secrets and access",
  "Limits and timeouts",
  "Health, retention and logs",
  "Network safety",
  "Observability",
] as const;
export type EnvSection = (typeof ENV_SECTIONS)[number];

/**
 * What every environment setting does, for the generated configuration reference. Keyed by the env
 * schema's keys: a setting added to `envSchema` without an entry here fails the docs test.
 */
export const ENV_DOCS: Readonly<Record<keyof Env, EnvDoc>> = {
  NODE_ENV: {
    section: "Server",
    description:
      "`production` serves the built console; anything else serves it in Next's development mode (slow, recompiles). `npm start`, `npm run start:gateway`, the Docker image and `node dist/server.mjs` all default to `production`; `npm run dev` uses `development`.",
  },
  PORT: { section: "Server", description: "TCP port for the console, admin API and gateway (one port)." },
  HOST: {
    section: "Server",
    description: "Interface to listen on. Use `127.0.0.1` behind a reverse proxy on the same host.",
  },
  PUBLIC_URL: {
    section: "Server",
    description:
      "The public origin (`https://gw.example.com`) when behind a proxy: sign-in checks the browser's Origin against it and builds redirects from it.",
  },
  GATEWAY_ONLY: {
    section: "Server",
    description:
      "`true` or `1`: run only the data plane (proxy, probes, metrics) — no console, no admin API — like `npm run start:gateway`. For scale-out instances behind the same database and Redis.",
  },
  WORKERS: {
    section: "Server",
    description:
      "`auto` (one per core) or a number: data-plane processes sharing the one port through `node:cluster`. Above 1 needs both `DATABASE_URL` and `REDIS_URL` (the embedded database opens in one process only; without Redis each worker would keep its own limits and health), and the start refuses otherwise.",
  },
  CONFIG_FILE: {
    section: "Server",
    description:
      "A JSON configuration document (the format of `GET /api/admin/config/export`) applied at every start, all or nothing; a bad document stops the start with every problem listed.",
  },
  LOG_LEVEL: { section: "Server", description: "Log level of the JSON logs on stdout." },
  DATABASE_URL: {
    section: "Storage",
    description:
      "PostgreSQL (`postgres://user:pass@host:5432/db`). Unset: the embedded database (PGlite) in `DATA_DIR/pglite`, for one instance.",
    defaultText: "embedded (PGlite)",
  },
  DATA_DIR: {
    section: "Storage",
    description:
      "The embedded database, the generated secret key (`DATA_DIR/secret.key` when SECRET_KEY is unset) and the request-log spill. Back it up whole.",
  },
  REDIS_URL: {
    section: "Storage",
    description:
      "Redis for shared state across instances: rate limits, concurrency, health, config announcements. Unset: in-process memory (one instance).",
    defaultText: "in-process memory",
  },
  REDIS_PREFIX: {
    section: "Storage",
    description: "Prefix of every Redis key (several deployments on one Redis).",
  },
  STATE_STORE_FAILURE: {
    section: "Storage",
    description:
      "When Redis is unreachable: `open` lets requests through without key/group limits, `closed` refuses limited requests with 503 STORE_UNAVAILABLE.",
  },
  SECRET_KEY: {
    section: "Secrets and access",
    secret: true,
    description:
      "Encrypts provider credentials, header values and alert channel secrets (at least 32 characters, e.g. `openssl rand -base64 32`). Required with DATABASE_URL; every instance must share it. Unset with the embedded database: generated once into `DATA_DIR/secret.key`. Losing it loses every stored credential.",
    defaultText: "generated into DATA_DIR/secret.key (embedded only)",
  },
  SECRET_KEY_PREVIOUS: {
    section: "Secrets and access",
    secret: true,
    description:
      "The key before a rotation: values sealed with it still open, new ones use SECRET_KEY. See docs/operations.md § Secret rotation.",
  },
  ADMIN_USERNAME: {
    section: "Secrets and access",
    description:
      "With ADMIN_PASSWORD (set both or neither): the first admin user, created at first start if no user exists. 3–64 letters, digits, `_ . -`. Unset: an `admin` user is created with a random password printed once on stdout.",
  },
  ADMIN_PASSWORD: {
    section: "Secrets and access",
    secret: true,
    description: "Password of ADMIN_USERNAME (8–128 characters). Only used when no user exists yet.",
  },
  ADMIN_TOKEN: {
    section: "Secrets and access",
    secret: true,
    description:
      "A static token for automation: `Authorization: Bearer $ADMIN_TOKEN` on `/api/admin/*` acts with the admin role (at least 16 characters). Unset: the admin API takes console sessions only.",
  },
  CRON_SECRET: {
    section: "Secrets and access",
    secret: true,
    description:
      "Enables `POST /api/cron/health-check` for external schedulers, with `Authorization: Bearer $CRON_SECRET` (at least 16 characters). Unset: cron routes answer 401.",
  },
  METRICS_TOKEN: {
    section: "Secrets and access",
    secret: true,
    description:
      "When set, `/metrics` needs it (`Authorization: Bearer …` or `?token=`) from any host. Unset: `/metrics` answers loopback clients only (403 for the rest).",
  },
  MAX_BODY_BYTES: {
    section: "Limits and timeouts",
    description: "Largest request body the gateway accepts (413 above).",
  },
  ADMIN_MAX_BODY_BYTES: {
    section: "Limits and timeouts",
    description: "Largest admin API request body (config imports).",
  },
  HEADERS_TIMEOUT_MS: {
    section: "Limits and timeouts",
    description: "A client must send its request headers within this time of the first byte (408 after).",
  },
  BODY_TIMEOUT_MS: {
    section: "Limits and timeouts",
    description: "A client must send its whole request within this time (headers included).",
  },
  IDLE_TIMEOUT_MS: {
    section: "Limits and timeouts",
    description: "An idle keep-alive socket, or a client that stopped reading, is closed after this.",
  },
  MAX_HEADER_BYTES: {
    section: "Limits and timeouts",
    description: "Largest request header block (431 above).",
  },
  MAX_HEADERS_COUNT: { section: "Limits and timeouts", description: "Most request headers (431 above)." },
  HEALTH_CHECK_INTERVAL_MS: {
    section: "Health, retention and logs",
    description:
      "Active health checks of providers with a `healthCheckPath`, run by one instance; `0` turns them off (at least 1000 otherwise).",
  },
  HEALTH_LATENCY_FLOOR_MS: {
    section: "Health, retention and logs",
    description:
      "A provider is called degraded for latency only when its smoothed latency is above this floor as well as well above its group's median, so sub-millisecond jitter never flaps health; `0` removes the floor.",
  },
  QUOTA_TIME_ZONE: {
    section: "Health, retention and logs",
    description:
      "IANA time zone (`UTC`, `Asia/Shanghai`, `America/New_York`) in which quota days and months start and reset, and in which the dashboard counts today's and this month's spend.",
  },
  LOG_RETENTION_DAYS: {
    section: "Health, retention and logs",
    description: "Days of raw request logs and minute rollups kept.",
  },
  CAPTURE_RETENTION_DAYS: {
    section: "Health, retention and logs",
    description:
      "Days request captures (groups or keys with `capture` on: redacted requests and upstream answers) are kept; never longer than `LOG_RETENTION_DAYS`.",
  },
  CAPTURE_REDACT_NAMES: {
    section: "Health, retention and logs",
    description:
      "Comma-separated header and JSON field names every capture redacts on top of the built-in ones (`authorization`, `x-api-key`, `api-key`, `cookie`, `set-cookie`, `password`, `secret`, `token` and names ending in key/token/secret/password).",
  },
  ROLLUP_RETENTION_DAYS: {
    section: "Health, retention and logs",
    description: "Days of hour/day statistics and health events kept.",
  },
  ALERT_HISTORY_RETENTION_DAYS: {
    section: "Health, retention and logs",
    description: "Days resolved alert incidents and their deliveries are kept (firing ones stay).",
  },
  LOG_SPILL_MAX_BYTES: {
    section: "Health, retention and logs",
    description:
      "Request-log batches the database cannot take wait in `DATA_DIR/spill` up to this size and are replayed later; `0` turns the spill off.",
  },
  OUTBOUND_ALLOW: {
    section: "Network safety",
    description:
      "Internal targets outbound requests (providers, health checks, alert channels) may reach: CIDRs, addresses, host names or `*.domain`, comma-separated. Empty: public addresses only — a provider on `localhost` or `10.x` needs an entry.",
  },
  TRUST_PROXY: {
    section: "Network safety",
    description:
      "Which `X-Forwarded-For`/`Forwarded` hops to believe for the client address (logs, audit, sign-in limits, ip_hash): `off`, `true` (all), a hop count `1`–`32`, or CIDRs of your proxies. Set it behind nginx.",
  },
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    section: "Observability",
    description:
      "OpenTelemetry traces, exported over OTLP/HTTP (JSON) to this collector base URL (`http://collector:4318`); spans go to `{endpoint}/v1/traces`. One span per proxied request with a child per upstream attempt. Unset: tracing is off and its packages are never loaded. The operator's own collector: not subject to `OUTBOUND_ALLOW`.",
    defaultText: "off",
  },
  OTEL_EXPORTER_OTLP_HEADERS: {
    section: "Observability",
    secret: true,
    description:
      "Headers sent with every export, `name=value` pairs separated by commas (a collector's API key: `x-api-key=…`). Values may be percent-encoded.",
  },
  OTEL_SERVICE_NAME: {
    section: "Observability",
    description: "`service.name` of the exported spans.",
  },
};
