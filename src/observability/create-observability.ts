import type { IncomingMessage, ServerResponse } from "node:http";
import type { NewRequestLogRow } from "../db/schema/request-logs";
import { createHealthStream, type HealthStream, type HealthStreamOptions } from "./health-stream";
import { createLiveHub, type LiveHub, type LiveHubOptions } from "./live-hub";
import type { Logger } from "./logger";
import { createMetrics, type Metrics } from "./metrics";
import type { HealthSource, LogStatsSource } from "./observed-row";
import type { StateStore } from "../store/types";
import type { StorageUsageSource } from "./storage-usage";

/**
 * One runtime's observability: Prometheus metrics and the live health/traffic hub, fed by the same
 * request-log rows. Built before the gateway (its `onRequestRecorded` goes into the log writer's
 * options), attached to the health layer and the gateway once they exist.
 */

export interface ObservabilityOptions {
  /** METRICS_TOKEN: when set, `/metrics` requires it. */
  readonly metricsToken?: string;
  readonly logger?: Logger;
  readonly hub?: LiveHubOptions;
  readonly stream?: HealthStreamOptions;
}

export interface ObservedGateway {
  readonly health: HealthSource;
  readonly inFlight: ReadonlyMap<string, number>;
  readonly logWriter: LogStatsSource;
  /** The state store (its circuit breaker, when it has one). */
  readonly stateStore?: Pick<StateStore, "breaker">;
  /** Database size and state-store usage (cached reader). */
  readonly storage?: StorageUsageSource;
}

export interface Observability {
  readonly metrics: Metrics;
  readonly hub: LiveHub;
  /** Pass as `logWriterOptions.onWrite` to the gateway. */
  readonly onRequestRecorded: (row: NewRequestLogRow) => void;
  /** Connects health, in-flight counts and log stats (call once the data plane is built). */
  attach(gateway: ObservedGateway): void;
  /** The `/metrics` node handler. */
  readonly metricsHandler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** The live health/traffic event stream behind `GET /api/admin/health/stream`. */
  readonly stream: HealthStream;
  /** Stops the hub's timer and detaches from the sources. */
  close(): void;
}

/** Creates metrics and the live hub of one runtime. */
export function createObservability(options: ObservabilityOptions = {}): Observability {
  const metrics = createMetrics({ token: options.metricsToken, logger: options.logger });
  const hub = createLiveHub(options.hub);
  const detach: (() => void)[] = [];
  return {
    metrics,
    hub,
    onRequestRecorded(row) {
      // An admin's replay is debugging traffic, not the clients': statistics leave it out.
      if (row.source === "replay") return;
      metrics.observeRequest(row);
      hub.observeRequest(row);
    },
    attach(gateway) {
      detach.push(
        metrics.attach({
          health: gateway.health,
          inFlight: gateway.inFlight,
          logWriter: gateway.logWriter,
          stateStore: gateway.stateStore,
          storage: gateway.storage,
        }),
        hub.attach({ health: gateway.health, inFlight: gateway.inFlight }),
      );
    },
    metricsHandler: metrics.handler,
    stream: createHealthStream(hub, options.stream),
    close() {
      for (const d of detach.splice(0)) d();
      hub.close();
    },
  };
}
