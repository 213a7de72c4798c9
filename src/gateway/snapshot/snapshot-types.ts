import type { Strategy } from "../../core/balancing/types";
import type { PriceBook } from "../../core/cost/price-book";
import type { QuotaLimits } from "../../core/quota/quota";
import type { TierRef } from "../../core/balancing/select";
import type { StrategyName } from "../../core/vocabulary/balancing";
import type { CaptureMode } from "../../core/vocabulary/capture";
import type { ModelMatcher } from "../../core/routing/model-globs";
import type { AuthStyle } from "../../core/vocabulary/providers";

/**
 * The immutable routing snapshot the request path reads: everything needed to route a request, built
 * from the database off the hot path and swapped whole when the config changes.
 */

export interface SnapshotProvider {
  readonly id: string;
  readonly name: string;
  /** The name made safe for a response header value (percent-encoded outside printable ASCII). */
  readonly headerName: string;
  /** `scheme://host:port` — the key of the connection pool. */
  readonly origin: string;
  /** Path prefix of the base URL without a trailing slash ("" when none). */
  readonly basePath: string;
  readonly authStyle: AuthStyle;
  /** Decrypted credential; null when the provider has none. Never logged. */
  readonly credential: string | null;
  /** Extra headers sent upstream (lower-cased names). */
  readonly headers: Readonly<Record<string, string>>;
  /** Path (appended to the base path) of the active health check; null = no active check. */
  readonly healthCheckPath: string | null;
  /** Requests per minute across every instance; null = no cap (the store is never asked). */
  readonly rateLimitPerMinute: number | null;
  /** Requests in flight across every instance; null = no cap (the store is never asked). */
  readonly maxConcurrency: number | null;
}

export interface SnapshotMember {
  readonly provider: SnapshotProvider;
  /** Lower is preferred. */
  readonly priority: number;
  /** Membership override or the provider's weight; 0 = standby (used only when nothing else is). */
  readonly weight: number;
  /** Models served here (membership list, else the provider's); null = every model. */
  readonly models: ModelMatcher | null;
  /** Client model name → this upstream's name; null when the membership maps none. */
  readonly modelMap: Readonly<Record<string, string>> | null;
}

/** A group's session affinity, resolved (present only when enabled). */
export interface SnapshotAffinity {
  /** Lower-cased header carrying a client's session id. */
  readonly header: string;
  /** Sliding stickiness. */
  readonly ttlMs: number;
}

export interface SnapshotGroup {
  readonly id: string;
  readonly tenantId: string;
  readonly slug: string;
  readonly strategyName: StrategyName;
  /** Strategy instance per tier; long-lived: kept across swaps while the group's strategy is unchanged. */
  readonly strategyFor: (tier: TierRef) => Strategy;
  readonly maxAttempts: number;
  readonly retryOn: readonly number[];
  readonly connectTimeoutMs: number;
  readonly firstByteTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly totalTimeoutMs: number;
  /** Requests per minute for the whole group across every instance; null = no limit. */
  readonly rateLimitPerMinute: number | null;
  /** Capture requests and upstream answers (redacted, bodies up to `captureMaxBytes` each). */
  readonly capture: CaptureMode;
  /** Share of requests captured in `all` mode (0-1). */
  readonly captureSampleRate: number;
  readonly captureMaxBytes: number;
  /** Enabled members of enabled providers, sorted by priority (then name). */
  readonly members: readonly SnapshotMember[];
  readonly membersById: ReadonlyMap<string, SnapshotMember>;
  /** True when some member has a model list or alias map (the request's model is then read). */
  readonly routesByModel: boolean;
  /**
   * The models `GET /v1/models` answers with (exact names and alias names, sorted) when every member
   * has a model list; null = forward that request upstream as any other.
   */
  readonly modelCatalog: readonly string[] | null;
  /** Session affinity; null when off. */
  readonly affinity: SnapshotAffinity | null;
  /** ip_hash: the (lower-case) request header hashed instead of the client address; null = address. */
  readonly hashHeader: string | null;
  /** True when the strategy balances on latency (the gateway passes its estimates). */
  readonly usesLatency: boolean;
}

export interface SnapshotKey {
  readonly id: string;
  /** The key's tenant: the proxy slug is resolved inside it. */
  readonly tenantId: string;
  /** False when the tenant is disabled: the key is answered 403 TENANT_DISABLED. */
  readonly tenantEnabled: boolean;
  /** Null = allowed on every group. */
  readonly groupId: string | null;
  /** Epoch ms; null = never expires. */
  readonly expiresAt: number | null;
  readonly rateLimitPerMinute: number | null;
  readonly maxConcurrency: number | null;
  /** Capture mode overriding the group's; null = the group's. */
  readonly capture: CaptureMode | null;
  /** Models this key may call; null = every model. */
  readonly allowedModels: ModelMatcher | null;
  /** Requests/tokens/cost per calendar day or month; null = no quota (the store is never asked). */
  readonly quota: QuotaLimits | null;
  /**
   * The tenant's quota, shared by every key of the tenant (checked in the same store step as the
   * key's); null = the tenant has none.
   */
  readonly tenantQuota: QuotaLimits | null;
}

export interface RoutingSnapshot {
  /** Increments with every swap. */
  readonly version: number;
  readonly loadedAt: number;
  /** Enabled groups by `groupSlugKey(tenantId, slug)`: a slug is unique only inside its tenant. */
  readonly groupsBySlug: ReadonlyMap<string, SnapshotGroup>;
  /** Enabled keys by digest (hex SHA-256 of the full key). */
  readonly keysByDigest: ReadonlyMap<string, SnapshotKey>;
  /** Every origin some member uses (pools for other origins can be closed). */
  readonly origins: ReadonlySet<string>;
  /** Every provider in the config, enabled or not (state kept for any other one belongs to a deleted provider). */
  readonly providerIds: ReadonlySet<string>;
  /** Quotas of the tenants that have one, by tenant id (the usage recount reads them). */
  readonly tenantQuotas: ReadonlyMap<string, QuotaLimits>;
  /** Model prices (the `model_prices` table): the cost of each logged request. */
  readonly priceBook: PriceBook;
}

/** The `groupsBySlug` key of a group: its tenant and slug (a NUL cannot occur in either). */
export function groupSlugKey(tenantId: string, slug: string): string {
  return `${tenantId}\u0000${slug}`;
}
