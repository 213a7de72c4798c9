import { readFile } from "node:fs/promises";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createAuthenticator } from "@/admin-api/authenticate";
import { createOpenApiHandler } from "@/admin-api/openapi/openapi-handler";
import { createAdminApi } from "@/admin-api/router";
import type { Actor } from "@/contracts/actor";
import { createAuth, type AppAuth } from "@/auth/auth";
import { ensureAdminUser } from "@/auth/bootstrap-admin";
import { outboundPolicyOf, trustProxyOf, type Env } from "@/config/env";
import { clientAddressOfRequest } from "@/core/net/client-address";
import { openDatabase, type Database } from "@/db/client";
import { ensureDayPartitions } from "@/db/day-partitions";
import type { Gateway } from "@/gateway/create-gateway";
import { openFreeLogSpill, type LogSpill } from "@/gateway/log-spill/log-spill";
import type { ActiveChecker } from "@/health/active-checker";
import { createCronHandler } from "@/health/cron-handler";
import { createGatewayWithHealth } from "@/health/create-gateway-with-health";
import type { GatewayHealth } from "@/health/gateway-health";
import { createHealthControl } from "@/health/health-control";
import type { Logger } from "@/observability/logger";
import { resolveMasterKeys } from "@/security/master-key";
import { createSecretBox } from "@/security/secret-box";
import { createAdminServices, type AdminServices } from "@/services/admin-services";
import { sealLegacyProviderHeaders } from "@/services/provider-headers";
import { createStore } from "@/store/create-store";
import type { StateStore } from "@/store/types";
import { createAlertScheduler } from "@/alerts/alert-scheduler";
import { createHealthTransitionRecorder } from "@/stats/health-events";
import { startQuotaUsageSync } from "@/stats/quota-usage-sync";
import { startRetentionJob } from "@/stats/retention-job";
import { createObservability } from "@/observability/create-observability";
import { createStorageUsage } from "@/observability/storage-usage";
import type { RequestTracer } from "@/observability/tracing";
import type { NewRequestLogRow } from "@/db/schema/request-logs";
import { createAlertSignals } from "./alert-signals";
import { answerSiblingReloads, reloadSiblings } from "./cluster";
import type { NodeHandler } from "@/http/node-response";
import type { DispatchTable } from "./dispatch";
import { sendWebResponse, toWebRequest } from "./node-web-bridge";
import type { ShutdownStep } from "./shutdown";
import { version as packageVersion } from "../../package.json";

/** What one process runs: everything (console + admin API + gateway), or the data plane alone. */
export type RuntimeRole = "full" | "gateway";

export interface Runtime {
  readonly env: Env;
  readonly logger: Logger;
  readonly database: Database;
  readonly store: StateStore;
  readonly gateway: Gateway;
  /** Provider health (passive, shared through Redis when configured) and the active checker. */
  readonly health: GatewayHealth;
  readonly healthChecker: ActiveChecker;
  readonly auth: AppAuth | null;
  readonly services: AdminServices | null;
  /** Handlers by path prefix; the console (Next) is added by the entry point. */
  readonly handlers: DispatchTable;
  /** Run in order at shutdown, after the HTTP server stopped accepting and drained. */
  readonly shutdownSteps: ShutdownStep[];
}

export interface CreateRuntimeOptions {
  readonly role: RuntimeRole;
  /** Console output for one-time messages (the generated admin password); never the JSON logger. */
  readonly print: (text: string) => void;
}

const SYSTEM_ACTOR: Actor = { id: null, name: "config-file", role: "admin", via: "token" };

/** The request tracer when OTEL_EXPORTER_OTLP_ENDPOINT is set (loaded on demand), else null. */
async function startTracingWhenEnabled(env: Env, logger: Logger): Promise<RequestTracer | null> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  const { startTracing } = await import("@/observability/tracing");
  return startTracing({
    endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    headers: env.OTEL_EXPORTER_OTLP_HEADERS,
    serviceName: env.OTEL_SERVICE_NAME,
    serviceVersion: packageVersion,
    logger,
  });
}

/** One log-writer hook feeding metrics/live stream and the tracer. */
function traceAndObserve(tracer: RequestTracer, observe: (row: NewRequestLogRow) => void) {
  return (row: NewRequestLogRow) => {
    observe(row);
    tracer.record(row);
  };
}

/**
 * Assembles the process: state store, database (migrated), secrets, then the control plane (full role)
 * and the data plane. Nothing here runs at import time; the entry points call it once.
 */
export async function createRuntime(
  env: Env,
  logger: Logger,
  options: CreateRuntimeOptions,
): Promise<Runtime> {
  const shutdownSteps: ShutdownStep[] = [];
  // One outbound policy (OUTBOUND_ALLOW) for every outbound path: proxied traffic, health checks,
  // test connection, alert channels, and the admin API's save-time checks.
  const outbound = outboundPolicyOf(env);
  const store = await createStore({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX, logger });
  if (env.REDIS_URL) await pingOrExplain(store);

  const embedded = !env.DATABASE_URL;
  const database = await openDatabase({
    url: env.DATABASE_URL,
    dataDir: embedded ? path.join(env.DATA_DIR, "pglite") : undefined,
  });
  await database.migrate();
  // Today's and tomorrow's log partitions; the retention job (first run a minute later, then hourly)
  // creates the following days'.
  await ensureDayPartitions(database.db, { daysBehind: 0, daysAhead: 1 });
  logger.info({ database: database.kind }, "database ready (migrations applied)");

  const keys = resolveMasterKeys({
    secretKey: env.SECRET_KEY,
    previousSecretKey: env.SECRET_KEY_PREVIOUS,
    dataDir: env.DATA_DIR,
    embedded,
    logger,
  });
  const secretBox = createSecretBox({ keys: keys.keys, activeKeyId: keys.activeKeyId });
  const trustProxy = trustProxyOf(env);
  // Provider header values written before they were sealed (migration 0004) are sealed now, once.
  await sealLegacyProviderHeaders(database.db, secretBox, logger);

  let auth: AppAuth | null = null;
  let services: AdminServices | null = null;
  const handlers: DispatchTable = { health: healthHandler(database) };

  // Request-log batches the database cannot take wait in DATA_DIR/spill (LOG_SPILL_MAX_BYTES; 0 = off).
  const logSpill = await openLogSpillOrWarn(env, logger);
  // Metrics and the live stream see every request row as the log writer queues it.
  const observability = createObservability({ metricsToken: env.METRICS_TOKEN, logger });
  // OpenTelemetry (OTEL_EXPORTER_OTLP_ENDPOINT): off, neither the module nor the SDK is loaded.
  const tracer = await startTracingWhenEnabled(env, logger);
  const onWrite = tracer
    ? traceAndObserve(tracer, observability.onRequestRecorded)
    : observability.onRequestRecorded;
  // Built before the admin API (which reports on it); it loads nothing until ready().
  const dataPlane = createGatewayWithHealth({
    db: database.db,
    store,
    logger,
    openCredential: (sealed, providerId) => secretBox.open(sealed, providerId),
    outbound,
    options: {
      maxBodyBytes: env.MAX_BODY_BYTES,
      stateStoreFailure: env.STATE_STORE_FAILURE,
      trustProxy,
      quotaTimeZone: env.QUOTA_TIME_ZONE,
      captureRedactNames: env.CAPTURE_REDACT_NAMES,
    },
    health: {
      checkIntervalMs: env.HEALTH_CHECK_INTERVAL_MS,
      policy: { degradedLatencyFloorMs: env.HEALTH_LATENCY_FLOOR_MS },
    },
    logWriterOptions: { onWrite, blobCopy: database.blobCopy, ...(logSpill ? { spill: logSpill } : {}) },
  });
  const { gateway, health, checker } = dataPlane;
  // Database size and Redis memory/keys for /metrics and the health page (read at most every 15 s).
  const storage = createStorageUsage({ db: database.db, databaseKind: database.kind, store, logger });
  observability.attach({
    health: health.registry,
    inFlight: gateway.inFlight,
    logWriter: gateway.logWriter,
    stateStore: store,
    storage,
  });
  handlers.metrics = observability.metricsHandler;
  shutdownSteps.push({ name: "live streams", run: async () => observability.close() });

  if (options.role === "full") {
    auth = createAuth({
      db: database.db,
      secret: keys.authSecret,
      store,
      baseURL: env.PUBLIC_URL,
      logger,
      trustProxy,
    });
    await ensureAdminUser({
      auth,
      db: database.db,
      adminUsername: env.ADMIN_USERNAME,
      adminPassword: env.ADMIN_PASSWORD,
      logger,
      print: options.print,
    });
    services = createAdminServices({
      db: database.db,
      store,
      sealer: secretBox,
      logger,
      outbound,
      timeZone: env.QUOTA_TIME_ZONE,
      // Read-your-writes: an admin write returns once this instance's routing snapshot has it,
      // without waiting for its own announcement to come back over Redis pub/sub.
      // With WORKERS > 1 the sibling workers reload too before the write is answered.
      applyLocally: async () => {
        await gateway.reload();
        await reloadSiblings();
      },
      passwords: auth,
      health: createHealthControl({ db: database.db, health, gateway, storage }),
      liveStream: observability.stream,
      replay: (spec, sink) => gateway.replay(spec, sink),
    });
    const registry = services;
    const adminApi = createAdminApi({
      services: registry,
      authenticate: createAuthenticator({
        adminToken: env.ADMIN_TOKEN,
        resolveSession: auth.resolveSession,
        resolveTenantToken: (token) => registry.tenants.authenticateToken(token),
      }),
      maxBodyBytes: env.ADMIN_MAX_BODY_BYTES,
      logger,
    });
    handlers.admin = async (req, res) => {
      const request = toWebRequest(req, { maxBodyBytes: env.ADMIN_MAX_BODY_BYTES });
      // The audit log records the client address TRUST_PROXY resolves, as sign-in limits and request logs do.
      const ip = clientAddressOfRequest(req, trustProxy);
      await sendWebResponse(res, await adminApi.handle(request, { ip }));
    };
    handlers.auth = auth.nodeHandler;
    handlers.openapi = createOpenApiHandler(packageVersion);
    if (env.CONFIG_FILE) await applyConfigFile(services, env.CONFIG_FILE, logger);
  }

  await dataPlane.ready();
  // Quota usage of keys and tenants recomputed from the database now and every 5 minutes (the truth).
  const quotaSync = startQuotaUsageSync({
    db: database.db,
    store,
    logger,
    keys: () => gateway.snapshots.current()?.keysByDigest.values() ?? null,
    tenants: () => gateway.snapshots.current()?.tenantQuotas ?? null,
    timeZone: env.QUOTA_TIME_ZONE,
  });
  shutdownSteps.push({ name: "quota usage sync", run: () => quotaSync.stop() });
  // The provider page's history: with shared health, each change is stored once across the instances.
  health.onTransition(createHealthTransitionRecorder({ db: database.db, logger }));
  if (services) {
    // Both jobs take a store lock per round, so with several instances exactly one does the work.
    const retention = startRetentionJob({
      db: database.db,
      store,
      logger,
      logRetentionDays: env.LOG_RETENTION_DAYS,
      rollupRetentionDays: env.ROLLUP_RETENTION_DAYS,
      alertHistoryRetentionDays: env.ALERT_HISTORY_RETENTION_DAYS,
      captureRetentionDays: env.CAPTURE_RETENTION_DAYS,
    });
    const scheduler = createAlertScheduler({
      db: database.db,
      store,
      sealer: secretBox,
      logger,
      outbound,
      signals: createAlertSignals({
        db: database.db,
        health,
        gateway,
        stats: services.stats,
        store,
        timeZone: env.QUOTA_TIME_ZONE,
      }),
    });
    scheduler.start();
    shutdownSteps.push(
      { name: "alert scheduler", run: () => scheduler.stop() },
      { name: "retention job", run: () => retention.stop() },
    );
  }
  handlers.proxy = (req, res) => gateway.handle(req, res);
  answerSiblingReloads(
    () => gateway.reload(),
    (err) => logger.error({ err }, "reload asked by a sibling worker failed"),
  );
  handlers.cron = createCronHandler({ secret: env.CRON_SECRET, checker });

  shutdownSteps.push(
    {
      name: "gateway (health checks, in-flight requests, request-log flush, shared health)",
      run: () => dataPlane.close(),
    },
    ...(logSpill ? [{ name: "request-log spill", run: () => logSpill.close() }] : []),
    ...(tracer ? [{ name: "trace export", run: () => tracer.shutdown() }] : []),
    { name: "state store", run: () => store.close() },
    { name: "database", run: () => database.close() },
  );
  return {
    env,
    logger,
    database,
    store,
    gateway,
    health,
    healthChecker: checker,
    auth,
    services,
    handlers,
    shutdownSteps,
  };
}

/** The request-log spill, unless switched off; without one (every slot in use, unwritable) rows are dropped as before. */
async function openLogSpillOrWarn(env: Env, logger: Logger): Promise<LogSpill | null> {
  if (env.LOG_SPILL_MAX_BYTES === 0) return null;
  try {
    return await openFreeLogSpill(env.DATA_DIR, { maxBytes: env.LOG_SPILL_MAX_BYTES, logger });
  } catch (err) {
    logger.error(
      { err: (err as Error).message },
      "request-log spill unavailable: rows the database cannot take are dropped once the queue is full",
    );
    return null;
  }
}

async function pingOrExplain(store: StateStore): Promise<void> {
  try {
    await store.ping();
  } catch (err) {
    throw new Error(`REDIS_URL is set but Redis does not answer: ${(err as Error).message}`);
  }
}

/** Imports CONFIG_FILE at start (all-or-nothing); a bad document stops the start with every problem listed. */
async function applyConfigFile(services: AdminServices, file: string, logger: Logger): Promise<void> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new Error(`CONFIG_FILE ${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  try {
    const result = await services.config.importDocument({ actor: SYSTEM_ACTOR, ip: null }, document, {
      dryRun: false,
      prune: false,
      system: true,
    });
    logger.info({ file, result }, "CONFIG_FILE applied");
  } catch (err) {
    const details = (err as { details?: unknown }).details;
    throw new Error(
      `CONFIG_FILE ${file} was not applied: ${(err as Error).message}${details ? `\n${JSON.stringify(details, null, 2)}` : ""}`,
    );
  }
}

/** `/healthz` (liveness) and `/readyz` (the database answers). */
function healthHandler(database: Database): NodeHandler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const ready = req.url?.startsWith("/readyz");
    let ok = true;
    if (ready) {
      try {
        await database.ping();
      } catch {
        ok = false;
      }
    }
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ ok }));
  };
}
