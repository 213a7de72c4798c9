import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createRetryBudget,
  DEFAULT_MIN_RETRIES,
  DEFAULT_RETRY_BUDGET_RATIO,
} from "../core/retry/retry-budget";
import type { OutboundPolicy } from "../core/outbound/allow-list";
import type { Db } from "../db/client";
import type { Logger } from "../observability/logger";
import type { StateStore } from "../store/types";
import type { GatewayOptions, GatewayRuntime, HealthHooks } from "./gateway-types";
import { createCaptureWriter, type CaptureWriter } from "./capture/capture-writer";
import { handleProxyRequest } from "./handle-proxy-request";
import { startReplay, type ReplayRun, type ReplaySpec } from "./replay/handle-replay-request";
import type { ReplaySink } from "./replay/replay-response";
import { createLogWriter, type LogWriter, type LogWriterOptions } from "./log-writer";
import type { OpenCredential } from "./snapshot/build-snapshot";
import { createSnapshotHolder, type SnapshotHolder } from "./snapshot/snapshot-holder";
import type { RoutingSnapshot } from "./snapshot/snapshot-types";
import { createUpstreamPools } from "./upstream/upstream-pools";
import { TRUST_PROXY_OFF } from "../core/net/client-address";

export interface GatewayDeps {
  readonly db: Db;
  readonly store: StateStore;
  readonly logger: Logger;
  /** Decrypts a provider credential (secret-box `open(sealed, providerId)`). */
  readonly openCredential: OpenCredential;
  readonly options?: Partial<GatewayOptions>;
  /** Health & resilience hooks; missing ones default to "always available, configured weight". */
  readonly health?: Partial<HealthHooks>;
  /** Use this log writer instead of creating one (it is then not closed by the gateway). */
  readonly logWriter?: LogWriter;
  /** Options of the log writer the gateway creates. */
  readonly logWriterOptions?: Omit<LogWriterOptions, "db" | "logger">;
  /** Uniform [0, 1) source for balancing and jitter (default Math.random). */
  readonly random?: () => number;
  /** Where upstream connections may go (OUTBOUND_ALLOW); default: internal addresses refused. */
  readonly outbound?: OutboundPolicy;
  /** Called after every routing snapshot swap (e.g. so health follows the routed providers). */
  readonly onSnapshot?: (snapshot: RoutingSnapshot) => void;
}

export interface Gateway {
  /** Serves one `/api/proxy/*` request. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Loads the first routing snapshot and subscribes to config changes. */
  ready(): Promise<void>;
  /** Stops reloads, waits (bounded) for in-flight requests, flushes the log, closes upstream pools. */
  close(): Promise<void>;
  /** Reloads the routing snapshot now (tests, admin "apply"). */
  reload(): Promise<void>;
  /** Replays a captured request for an admin (`replay/handle-replay-request.ts`); never reachable over HTTP. */
  replay(spec: ReplaySpec, sink: ReplaySink): ReplayRun;
  readonly logWriter: LogWriter;
  readonly captureWriter: CaptureWriter;
  readonly snapshots: SnapshotHolder;
  /** Requests in flight per provider id on this instance (live view; do not modify). */
  readonly inFlight: ReadonlyMap<string, number>;
}

/** Fills in the defaults of every gateway option. */
export function resolveGatewayOptions(partial: Partial<GatewayOptions> = {}): GatewayOptions {
  return {
    maxBodyBytes: partial.maxBodyBytes ?? 10 * 1024 * 1024,
    backoffBaseMs: partial.backoffBaseMs ?? 25,
    backoffCapMs: partial.backoffCapMs ?? 1_000,
    reloadIntervalMs: partial.reloadIntervalMs ?? 30_000,
    trustProxy: partial.trustProxy ?? TRUST_PROXY_OFF,
    retryBudget: partial.retryBudget ?? {
      ratio: DEFAULT_RETRY_BUDGET_RATIO,
      minRetries: DEFAULT_MIN_RETRIES,
    },
    stateStoreFailure: partial.stateStoreFailure ?? "open",
    usageBodyLimitBytes: partial.usageBodyLimitBytes ?? 1024 * 1024,
    maxHeldBytes: partial.maxHeldBytes ?? 1024 * 1024,
    quotaTimeZone: partial.quotaTimeZone ?? "UTC",
    captureRedactNames: partial.captureRedactNames ?? [],
  };
}

const everyoneAvailable = () => null;
const noTrialContention = () => true;
const ignoreOutcome = () => undefined;
const CLOSE_WAIT_MS = 10_000;

/** Creates the data plane; call ready() before serving (requests that arrive earlier wait for it). */
export function createGateway(deps: GatewayDeps): Gateway {
  const options = resolveGatewayOptions(deps.options);
  const pools = createUpstreamPools({ outbound: deps.outbound });
  const snapshots = createSnapshotHolder({
    db: deps.db,
    store: deps.store,
    openCredential: deps.openCredential,
    logger: deps.logger,
    reloadIntervalMs: options.reloadIntervalMs,
    onSwap: (s) => {
      pools.retain(s.origins);
      deps.onSnapshot?.(s);
    },
  });
  const ownLogWriter = deps.logWriter === undefined;
  const logWriter =
    deps.logWriter ?? createLogWriter({ db: deps.db, logger: deps.logger, ...deps.logWriterOptions });
  const captureWriter = createCaptureWriter({
    db: deps.db,
    logger: deps.logger,
    redactNames: options.captureRedactNames,
  });
  const runtime: GatewayRuntime = {
    snapshots,
    pools,
    store: deps.store,
    logger: deps.logger,
    logWriter,
    captureWriter,
    health: {
      viewGroup: deps.health?.viewGroup ?? everyoneAvailable,
      claimTrial: deps.health?.claimTrial ?? noTrialContention,
      onAttemptOutcome: deps.health?.onAttemptOutcome ?? ignoreOutcome,
    },
    retryBudget: options.retryBudget === false ? null : createRetryBudget(options.retryBudget),
    inFlight: new Map(),
    latency: new Map(),
    options,
    random: deps.random ?? Math.random,
  };
  let active = 0;
  let idle: (() => void) | null = null;
  const done = () => {
    active--;
    if (active === 0 && idle !== null) idle();
  };

  return {
    handle(req, res) {
      active++;
      handleProxyRequest(runtime, req, res)
        .catch((err: unknown) => {
          deps.logger.error(
            { err: err instanceof Error ? err.message : String(err) },
            "gateway handler crashed",
          );
          if (!res.headersSent) res.writeHead(500).end();
          else res.destroy();
        })
        .finally(done);
    },
    replay(spec, sink) {
      active++;
      const run = startReplay(runtime, spec, sink);
      void run.finished.finally(done).catch(() => undefined);
      return run;
    },
    ready: () => snapshots.start(),
    reload: () => snapshots.reload(),
    async close() {
      await snapshots.close();
      if (active > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CLOSE_WAIT_MS);
          timer.unref();
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (ownLogWriter) await logWriter.close();
      else await logWriter.flush();
      await captureWriter.close();
      await pools.close();
    },
    logWriter,
    captureWriter,
    snapshots,
    inFlight: runtime.inFlight,
  };
}
