import type { RetryBudget } from "../core/retry/retry-budget";
import type { AttemptHealth, AttemptOutcome } from "../core/retry/classify";
import type { TrustProxy } from "../core/net/client-address";
import type { Logger } from "../observability/logger";
import type { StateStore } from "../store/types";
import type { CaptureWriter } from "./capture/capture-writer";
import type { LogWriter } from "./log-writer";
import type { SnapshotHolder } from "./snapshot/snapshot-holder";
import type { SnapshotGroup } from "./snapshot/snapshot-types";
import type { LatencyState } from "./upstream/latency";
import type { UpstreamPools } from "./upstream/upstream-pools";

/** One group member's health as selection sees it. */
export interface MemberAvailability {
  /** Whether a request may go to it now. */
  readonly available: boolean;
  /** Available only as the single half-open trial: claimed (claimTrial) before anything is sent. */
  readonly trial: boolean;
  /** Multiplier (0..1] of the configured weight (slow-start ramp; 1 for a panic pick). */
  readonly weightFactor: number;
}

/**
 * Hooks the health & resilience layer plugs into (src/health). The defaults treat every provider as
 * available at its configured weight and ignore outcomes.
 */
export interface HealthHooks {
  /**
   * Availability of every member of `group` now, index-aligned with `group.members`; null means all
   * available at their configured weight. Called once per pick: must be cheap (cached).
   */
  viewGroup(group: SnapshotGroup): readonly MemberAvailability[] | null;
  /** Claims the half-open trial of a member picked as one; false: someone else has it, pick again. */
  claimTrial(providerId: string): boolean | Promise<boolean>;
  /**
   * Reported once per attempt when it resolves (response head accepted, or failure), with the time from
   * attempt start; reported again as a failure if a committed stream later breaks upstream.
   */
  onAttemptOutcome(
    providerId: string,
    outcome: AttemptOutcome,
    latencyMs: number,
    health: AttemptHealth,
  ): void;
}

/** Tunables of the data plane (all have defaults, see resolveGatewayOptions). */
export interface GatewayOptions {
  /** Request bodies above this are refused with 413 (default 10 MiB). */
  maxBodyBytes: number;
  /** Full-jitter backoff window of the first retry (default 25 ms) and its cap (default 1 s). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Periodic full snapshot reload (default 30 s). */
  reloadIntervalMs: number;
  /** Which X-Forwarded-For/Forwarded hops are believed for the client address (TRUST_PROXY; default off). */
  trustProxy: TrustProxy;
  /** Retry budget (retries earned by requests, see core/retry/retry-budget.ts); false disables it. */
  retryBudget: { ratio: number; minRetries: number; windowMs?: number } | false;
  /**
   * When the state store is unreachable: "open" (default) lets requests through with their limits
   * and caps unenforced (a warning is logged); "closed" refuses requests that need a limit or cap
   * with 503 STORE_UNAVAILABLE. Requests that need no limit never touch the store either way.
   */
  stateStoreFailure: "open" | "closed";
  /** Largest JSON response body kept for usage parsing (default 1 MiB). */
  usageBodyLimitBytes: number;
  /** SSE bytes held back (before the first content event) before the head is sent anyway (1 MiB). */
  maxHeldBytes: number;
  /** IANA zone where quota days and months start (QUOTA_TIME_ZONE; default UTC). */
  quotaTimeZone: string;
  /** Header and JSON field names captures redact besides the built-in ones (CAPTURE_REDACT_NAMES). */
  captureRedactNames: readonly string[];
}

/** Everything the request path needs, built once by createGateway. */
export interface GatewayRuntime {
  readonly snapshots: SnapshotHolder;
  readonly pools: UpstreamPools;
  readonly store: StateStore;
  readonly logger: Logger;
  readonly logWriter: LogWriter;
  /** Stores request captures off the request path. */
  readonly captureWriter: CaptureWriter;
  readonly health: HealthHooks;
  readonly retryBudget: RetryBudget | null;
  /** Requests in flight per provider id on this instance (least_connections, health report). */
  readonly inFlight: Map<string, number>;
  /** Peak-EWMA latency (attempt start to response head) per provider id on this instance (p2c_ewma). */
  readonly latency: Map<string, LatencyState>;
  readonly options: GatewayOptions;
  readonly random: () => number;
}
