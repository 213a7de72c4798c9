import type { IncomingMessage, ServerResponse } from "node:http";
import type { RetryBudget } from "../core/retry/retry-budget";
import type { AttemptHealth, AttemptOutcome } from "../core/retry/classify";
import type { TrustProxy } from "../core/net/client-address";
import type { AttemptRecord } from "../db/schema/request-logs";
import type { ResponseCapture } from "../stats/body-capture";
import type { Logger } from "../observability/logger";
import type { StateStore } from "../store/types";
import type { LogWriter } from "./log-writer";
import type { SnapshotHolder } from "./snapshot/snapshot-holder";
import type { SnapshotGroup, SnapshotKey, SnapshotProvider } from "./snapshot/snapshot-types";
import type { UpstreamPools } from "./upstream/upstream-pools";
import type { UsageInfo } from "./usage/extract-usage";

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
}

/** Everything the request path needs, built once by createGateway. */
export interface GatewayRuntime {
  readonly snapshots: SnapshotHolder;
  readonly pools: UpstreamPools;
  readonly store: StateStore;
  readonly logger: Logger;
  readonly logWriter: LogWriter;
  readonly health: HealthHooks;
  readonly retryBudget: RetryBudget | null;
  /** Requests in flight per provider id on this instance (least_connections, health report). */
  readonly inFlight: Map<string, number>;
  readonly options: GatewayOptions;
  readonly random: () => number;
}

/** The state of one client request as it moves through the stages. */
export interface ProxyContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly createdAt: Date;
  /** performance.now() at arrival; every offset is relative to it. */
  readonly t0: number;
  readonly method: string;
  /** Path after `/api/proxy/{slug}` (starts with "/"), no query. */
  path: string;
  /** Query string including "?", or "". */
  query: string;
  groupSlug: string | null;
  group: SnapshotGroup | null;
  key: SnapshotKey | null;
  /** True when the client speaks Anthropic's API (error events in its format). */
  anthropic: boolean;
  body: Buffer;
  bytesIn: number;
  bytesOut: number;
  attempts: AttemptRecord[];
  provider: SnapshotProvider | null;
  /** Status sent to the client (499 when it left). */
  status: number;
  errorCode: string | null;
  ttfbMs: number | null;
  streamed: boolean;
  usage: UsageInfo | null;
  clientIp: string | null;
  /** Set once the client went away before the response completed. */
  clientClosed: boolean;
  /** Why the current upstream attempt was aborted by us. */
  abortReason: "client" | "first_byte" | "total" | null;
  /** Aborts the current upstream attempt (null between attempts). */
  attemptController: { abort(): void } | null;
  /** Wakes a backoff sleep early (client left or deadline reached). */
  wake: (() => void) | null;
  /** Absolute performance.now() deadline of the whole request. */
  deadline: number;
  totalTimer: NodeJS.Timeout | null;
  /** Extra headers for a gateway-produced error (Retry-After...). */
  errorHeaders: Record<string, string> | null;
  /** X-RateLimit-* headers for keys with a rate limit. */
  rateHeaders: Record<string, string> | null;
  concurrencySlot: string | null;
  /** The provider concurrency slot held for the current attempt (providers with a cap only). */
  providerSlot: { readonly key: string; readonly slot: string } | null;
  /** The first bytes of the response, for groups that capture bodies. */
  responseCapture?: ResponseCapture;
}
