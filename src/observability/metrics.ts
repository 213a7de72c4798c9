import type { IncomingMessage, ServerResponse } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { HEALTH_STATES } from "../core/vocabulary/health";
import { sendErrorResponse } from "../http/node-response";
import type { NewRequestLogRow } from "../db/schema/request-logs";
import type { LogSpillStats } from "../gateway/log-spill/log-spill";
import { bearerTokenOf, createSecretMatcher } from "../security/secret-token";
import type { StateStore } from "../store/types";
import type { StorageUsage } from "../contracts/health";
import { startEventLoopStallMonitor, type EventLoopStallMonitor } from "./event-loop-stall";
import type { Logger } from "./logger";
import type { StorageUsageSource } from "./storage-usage";
import {
  LIMIT_REJECTION_CODES,
  RETRY_BUDGET_CODE,
  statusLabelOf,
  type HealthSource,
  type LogStatsSource,
} from "./observed-row";

/**
 * Prometheus metrics of one runtime, on a private registry (several runtimes or test suites in one
 * process never share series). Requests, attempts and rejections are counted from the request-log
 * rows as the gateway queues them (log writer `onWrite`); provider states, in-flight counts and the
 * log queue are read at scrape time. Label values come from the routing snapshot (group slugs,
 * provider names) — never from client input, so a client cannot grow the series count.
 */

export interface MetricsSources {
  /** Provider health (the health registry): states read at scrape time, ejections counted live. */
  readonly health?: HealthSource;
  /** Requests in flight per provider id on this instance (gateway.inFlight). */
  readonly inFlight?: ReadonlyMap<string, number>;
  /** The request-log writer (queue depth and drops). */
  readonly logWriter?: LogStatsSource;
  /** The state store: its circuit breaker's state and transitions (Redis; the memory store has none). */
  readonly stateStore?: Pick<StateStore, "breaker">;
  /** Database size and state-store memory/keys (cached reader). */
  readonly storage?: StorageUsageSource;
}

export interface MetricsOptions {
  /** When set, scrapes must send it (`Authorization: Bearer …` or `?token=`). */
  readonly token?: string;
  readonly logger?: Logger;
  /** Metric name prefix (default "roundabout_"). */
  readonly prefix?: string;
}

export interface Metrics {
  readonly registry: Registry;
  /** Counts one request-log row (requests, attempts, latency, TTFB, rejections). */
  observeRequest(row: NewRequestLogRow): void;
  /** Counts one upstream attempt outcome (observeRequest calls it for each attempt of the row). */
  observeAttempt(provider: string, outcome: string): void;
  /** Connects the scrape-time sources; returns a function that disconnects them. */
  attach(sources: MetricsSources): () => void;
  /** The `/metrics` endpoint (GET/HEAD; 401 unified error when the token is wrong). */
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Creates the metrics of one runtime; nothing is read until a scrape. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const p = options.prefix ?? "roundabout_";
  const registry = new Registry();
  const registers = [registry];
  let sources: MetricsSources = {};
  let detachHealth: (() => void) | null = null;
  // Watches the loop only while attached to a runtime: a timer per metrics object would outlive tests.
  let stallMonitor: EventLoopStallMonitor | null = null;
  // Names learned from attempt records, so id-only sources (health, in-flight) get readable labels.
  const providerNames = new Map<string, string>();
  const nameOf = (id: string) => providerNames.get(id) ?? "";

  const requests = new Counter({
    name: `${p}requests_total`,
    help: "Client requests answered by the gateway.",
    labelNames: ["group", "provider", "status_class"] as const,
    registers,
  });
  const attempts = new Counter({
    name: `${p}upstream_attempts_total`,
    help: "Upstream attempts by outcome (success, failure, client_error, aborted).",
    labelNames: ["provider", "outcome"] as const,
    registers,
  });
  const latency = new Histogram({
    name: `${p}request_duration_seconds`,
    help: "Time from request arrival to the end of the response.",
    labelNames: ["group"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const ttfb = new Histogram({
    name: `${p}request_ttfb_seconds`,
    help: "Time from request arrival to the first response byte from the upstream.",
    labelNames: ["group"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const limitRejections = new Counter({
    name: `${p}rate_limit_rejections_total`,
    help: "Requests refused by a key or group rate or concurrency limit.",
    labelNames: ["code"] as const,
    registers,
  });
  for (const code of LIMIT_REJECTION_CODES) limitRejections.inc({ code }, 0);
  const budgetRejections = new Counter({
    name: `${p}retry_budget_rejections_total`,
    help: "Requests answered with RETRY_BUDGET_EXHAUSTED.",
    registers,
  });
  const ejections = new Counter({
    name: `${p}provider_ejections_total`,
    help: "Provider transitions into the ejected state (automatic and manual).",
    labelNames: ["provider_id", "provider", "reason"] as const,
    registers,
  });
  new Gauge({
    name: `${p}provider_state`,
    help: "Provider health state (1 for the current state of each provider).",
    labelNames: ["provider_id", "provider", "state"] as const,
    registers,
    collect() {
      this.reset();
      for (const s of sources.health?.snapshot() ?? []) {
        for (const state of HEALTH_STATES) {
          this.set(
            { provider_id: s.providerId, provider: nameOf(s.providerId), state },
            s.state === state ? 1 : 0,
          );
        }
      }
    },
  });
  new Gauge({
    name: `${p}upstream_in_flight`,
    help: "Requests in flight per provider on this instance.",
    labelNames: ["provider_id", "provider"] as const,
    registers,
    collect() {
      this.reset();
      for (const [id, n] of sources.inFlight ?? []) this.set({ provider_id: id, provider: nameOf(id) }, n);
    },
  });
  new Gauge({
    name: `${p}log_queue_depth`,
    help: "Request-log rows waiting to be written (queued plus the batch being inserted).",
    registers,
    collect() {
      const stats = sources.logWriter?.stats();
      this.set(stats === undefined ? 0 : stats.queued + stats.inFlight);
    },
  });
  let droppedSeen = 0;
  new Counter({
    name: `${p}log_rows_dropped_total`,
    help: "Request-log rows dropped because the queue was full (or after shutdown).",
    registers,
    collect() {
      const dropped = sources.logWriter?.stats().dropped ?? droppedSeen;
      // The writer's own counter is the truth; the metric only ever moves forward to it.
      if (dropped > droppedSeen) this.inc(dropped - droppedSeen);
      droppedSeen = Math.max(droppedSeen, dropped);
    },
  });

  const spillGauge = (name: string, help: string, read: (s: LogSpillStats) => number) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      registers,
      collect() {
        const spill = sources.logWriter?.stats().spill;
        this.set(spill === undefined ? 0 : read(spill));
      },
    });
  spillGauge(
    "log_spill_rows",
    "Request-log rows in the spill file, waiting for the database.",
    (s) => s.rows,
  );
  spillGauge("log_spill_bytes", "Bytes of the request-log spill files.", (s) => s.bytes);
  spillGauge(
    "log_spill_fill_ratio",
    "Request-log spill bytes / LOG_SPILL_MAX_BYTES (rows are dropped at 1).",
    (s) => s.fillRatio,
  );

  new Gauge({
    name: `${p}state_store_breaker_open`,
    help: "1 while the state store's circuit breaker is open (store calls fail at once), else 0.",
    registers,
    collect() {
      const state = sources.stateStore?.breaker?.snapshot().state ?? "closed";
      this.set(state === "closed" ? 0 : 1);
    },
  });
  const breakerSeen = { open: 0, closed: 0 };
  const breakerTransitions = new Counter({
    name: `${p}state_store_breaker_transitions_total`,
    help: "State store circuit breaker transitions: to=open (calls fail at once), to=closed (a probe answered).",
    labelNames: ["to"] as const,
    registers,
    collect() {
      const snapshot = sources.stateStore?.breaker?.snapshot();
      if (snapshot === undefined) return;
      // The breaker's own counts are the truth; the counter only ever moves forward to them.
      for (const [to, total] of [
        ["open", snapshot.opens],
        ["closed", snapshot.closes],
      ] as const) {
        if (total > breakerSeen[to]) this.inc({ to }, total - breakerSeen[to]);
        breakerSeen[to] = Math.max(breakerSeen[to], total);
      }
    },
  });
  breakerTransitions.inc({ to: "open" }, 0);
  breakerTransitions.inc({ to: "closed" }, 0);
  registerStorageGauges(p, registers, () => sources.storage);

  new Gauge({
    name: `${p}event_loop_stall_max_seconds`,
    help: "Longest event-loop stall since the previous scrape (monitorEventLoopDelay; each scrape starts a new window).",
    registers,
    collect() {
      this.set(stallMonitor?.readMaxSeconds() ?? 0);
    },
  });

  const observeAttempt = (provider: string, outcome: string) => attempts.inc({ provider, outcome });

  const observeRequest = (row: NewRequestLogRow) => {
    let provider = "";
    for (const a of row.attempts ?? []) {
      providerNames.set(a.providerId, a.provider);
      observeAttempt(a.provider, a.outcome);
      if (a.providerId === row.providerId) provider = a.provider;
    }
    // Unknown slugs come from the client's URL: never a label value.
    const group = row.groupId === null || row.groupId === undefined ? "" : (row.groupSlug ?? "");
    requests.inc({ group, provider, status_class: statusLabelOf(row.status) });
    latency.observe({ group }, row.totalMs / 1000);
    if (row.ttfbMs !== null && row.ttfbMs !== undefined) ttfb.observe({ group }, row.ttfbMs / 1000);
    const code = row.errorCode;
    if (code !== null && code !== undefined) {
      if (LIMIT_REJECTION_CODES.includes(code)) limitRejections.inc({ code });
      else if (code === RETRY_BUDGET_CODE) budgetRejections.inc();
    }
  };

  const attach = (next: MetricsSources) => {
    detachHealth?.();
    sources = next;
    const unsubscribe = next.health?.onTransition((event) => {
      if (event.to !== "ejected") return;
      ejections.inc({
        provider_id: event.providerId,
        provider: nameOf(event.providerId),
        reason: event.reason ?? "",
      });
    });
    detachHealth = unsubscribe ?? null;
    stallMonitor ??= startEventLoopStallMonitor();
    return () => {
      if (sources !== next) return;
      detachHealth?.();
      detachHealth = null;
      stallMonitor?.stop();
      stallMonitor = null;
      sources = {};
    };
  };

  const isToken = options.token === undefined ? null : createSecretMatcher(options.token);

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendError(res, "METHOD_NOT_ALLOWED", { allow: "GET, HEAD" });
      return;
    }
    if (isToken !== null) {
      if (!isToken(presentedToken(req))) {
        sendError(
          res,
          "UNAUTHENTICATED",
          { "www-authenticate": 'Bearer realm="roundabout-metrics"' },
          "Send the metrics token.",
        );
        return;
      }
    } else if (!isLoopbackAddress(req.socket.remoteAddress)) {
      // Safe by default: without METRICS_TOKEN only this host may scrape (the socket's peer, never
      // a forwarded header: behind a local reverse proxy, block /metrics there or set the token).
      sendError(res, "FORBIDDEN", {}, "Set METRICS_TOKEN to scrape /metrics from another host.");
      return;
    }
    try {
      const text = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : text);
    } catch (err) {
      options.logger?.error(
        { err: err instanceof Error ? err.message : String(err) },
        "metrics scrape failed",
      );
      sendError(res, "INTERNAL_ERROR");
    }
  };

  return { registry, observeRequest, observeAttempt, attach, handler };
}

/**
 * Gauges read from the storage-usage source at scrape time, labelled with the backend kind; a figure
 * that could not be read is left out (no series), never reported as 0.
 */
function registerStorageGauges(
  p: string,
  registers: Registry[],
  source: () => StorageUsageSource | undefined,
): void {
  const gauge = (
    name: string,
    help: string,
    pick: (u: StorageUsage) => { kind: string; value: number | null },
  ) =>
    new Gauge({
      name: `${p}${name}`,
      help,
      labelNames: ["backend"] as const,
      registers,
      async collect() {
        this.reset();
        const usage = await source()?.read();
        if (usage === undefined) return;
        const { kind, value } = pick(usage);
        if (value !== null) this.set({ backend: kind }, value);
      },
    });
  const store = (u: StorageUsage, value: number | null) => ({ kind: u.stateStore.kind, value });
  gauge("database_size_bytes", "Size of the database (pg_database_size), read at most every 15 s.", (u) => ({
    kind: u.database.kind,
    value: u.database.sizeBytes,
  }));
  gauge("state_store_memory_bytes", "Memory Redis uses (used_memory).", (u) =>
    store(u, u.stateStore.usedMemoryBytes),
  );
  gauge("state_store_max_memory_bytes", "Redis maxmemory; absent when unlimited.", (u) =>
    store(u, u.stateStore.maxMemoryBytes),
  );
  gauge("state_store_keys", "Keys in the Redis database (DBSIZE), or entries of the in-process store.", (u) =>
    store(u, u.stateStore.keys),
  );
  gauge("state_store_prefix_keys", "Keys under REDIS_PREFIX; absent above 20,000 keys (not counted).", (u) =>
    store(u, u.stateStore.prefixKeys),
  );
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4.startsWith("127.") || address === "::1";
}

/** The bearer token, else the `token` query parameter; null when neither is sent. */
function presentedToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) return bearerTokenOf(header);
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  if (q === -1) return null;
  return new URLSearchParams(url.slice(q + 1)).get("token");
}

/** The unified error body with the catalogue status; `headers` (allow, www-authenticate) go along. */
function sendError(
  res: ServerResponse,
  code: "UNAUTHENTICATED" | "FORBIDDEN" | "METHOD_NOT_ALLOWED" | "INTERNAL_ERROR",
  headers: Record<string, string> = {},
  message?: string,
): void {
  sendErrorResponse(res, code, message, { "cache-control": "no-store", ...headers });
}
