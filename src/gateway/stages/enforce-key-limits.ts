import { isAppError } from "../../core/errors/catalogue";
import type { QuotaCounter } from "../../core/quota/quota";
import type { SlidingWindowResult } from "../../store/types";
import { GatewayRefusal } from "../gateway-errors";
import type { GatewayRuntime } from "../gateway-types";
import { handleStoreFailure, warnStoreFailure } from "../limits/store-failure";
import type { SnapshotGroup, SnapshotKey } from "../snapshot/snapshot-types";

/**
 * Per-key rate limit (sliding 60 s window) and concurrency cap, and the group's rate limit, all in the
 * state store so they hold across instances. Keys and groups without limits never touch the store.
 * Order: key window, group window (before the body is read, so a limited client is refused cheaply),
 * then — once the body has arrived — key concurrency, so a refused or trickling request holds no slot.
 * X-RateLimit-* headers describe the key's limit when it has one, else the group's. When the store is
 * unreachable the gateway fails open or closed (GatewayOptions.stateStoreFailure).
 */

const WINDOW_MS = 60_000;

/** What the limits leave on a request they let through. */
export interface KeyLimits {
  /** X-RateLimit-* headers for every answer (keys or groups with a rate limit only). */
  readonly rateHeaders: Readonly<Record<string, string>> | null;
  /** The key's concurrency slot, held until the request ends (keys with a cap only). */
  readonly slot: string | null;
  /** The key's and its tenant's quota counters to charge after the response (when either has a quota). */
  readonly quota?: readonly QuotaCounter[] | null;
}

const NO_LIMITS: KeyLimits = { rateHeaders: null, slot: null };

function rateHeadersOf(result: SlidingWindowResult): Record<string, string> {
  return {
    "x-ratelimit-limit": String(result.limit),
    "x-ratelimit-remaining": String(result.remaining),
    // Seconds until the window has room again (delta, like Retry-After).
    "x-ratelimit-reset": String(Math.ceil(result.resetMs / 1000)),
  };
}

function retryAfterOf(result: SlidingWindowResult): string {
  return String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
}

/** One sliding-window hit; undefined when the store failed and the gateway fails open. */
async function hit(
  rt: GatewayRuntime,
  requestId: string,
  key: string,
  limit: number,
  what: string,
): Promise<SlidingWindowResult | undefined> {
  try {
    return await rt.store.hitSlidingWindow(key, limit, WINDOW_MS);
  } catch (err) {
    handleStoreFailure(rt, err, what, requestId);
    return undefined;
  }
}

/**
 * Applies the key's and the group's rate limits; throws RATE_LIMITED / GROUP_RATE_LIMITED (or
 * STORE_UNAVAILABLE when failing closed), every refusal carrying the X-RateLimit-* headers known so far.
 */
export async function enforceKeyLimits(
  rt: GatewayRuntime,
  requestId: string,
  key: SnapshotKey,
  group: SnapshotGroup,
): Promise<KeyLimits> {
  let rateHeaders: Record<string, string> | null = null;
  try {
    const limit = key.rateLimitPerMinute;
    if (limit !== null) {
      const result = await hit(rt, requestId, `rl:key:${key.id}`, limit, "key rate limit");
      if (result !== undefined) {
        rateHeaders = rateHeadersOf(result);
        if (!result.allowed) {
          throw new GatewayRefusal("RATE_LIMITED", { ...rateHeaders, "retry-after": retryAfterOf(result) });
        }
      }
    }
    if (group.rateLimitPerMinute !== null) {
      const result = await hit(
        rt,
        requestId,
        `rl:group:${group.id}`,
        group.rateLimitPerMinute,
        "group rate limit",
      );
      if (result !== undefined) {
        rateHeaders ??= rateHeadersOf(result);
        if (!result.allowed) {
          throw new GatewayRefusal("GROUP_RATE_LIMITED", {
            ...rateHeaders,
            "retry-after": retryAfterOf(result),
          });
        }
      }
    }
    return rateHeaders === null ? NO_LIMITS : { rateHeaders, slot: null };
  } catch (err) {
    throw withRateHeaders(err, rateHeaders);
  }
}

/**
 * Takes one of the key's concurrency slots once the body has arrived (a client trickling its body
 * holds none; BODY_TIMEOUT_MS bounds that); throws CONCURRENCY_LIMITED when all are taken.
 */
export async function takeKeySlot(
  rt: GatewayRuntime,
  requestId: string,
  key: SnapshotKey,
  group: SnapshotGroup,
  limits: KeyLimits,
): Promise<KeyLimits> {
  try {
    const slot = await acquireKeySlot(rt, requestId, key, group);
    if (slot === null) throw new GatewayRefusal("CONCURRENCY_LIMITED", limits.rateHeaders ?? {});
    return slot === undefined ? limits : { ...limits, slot };
  } catch (err) {
    throw withRateHeaders(err, limits.rateHeaders);
  }
}

/**
 * The key's concurrency slot: the slot, null when the key is at its cap, undefined when the key has
 * no cap or the store failed and the gateway fails open.
 */
async function acquireKeySlot(
  rt: GatewayRuntime,
  requestId: string,
  key: SnapshotKey,
  group: SnapshotGroup,
): Promise<string | null | undefined> {
  const max = key.maxConcurrency;
  if (max === null) return undefined;
  try {
    // The lease outlives the longest possible request, so a crashed instance frees its slots.
    return await rt.store.acquireSlot(`cc:key:${key.id}`, max, group.totalTimeoutMs + WINDOW_MS);
  } catch (err) {
    handleStoreFailure(rt, err, "key concurrency", requestId);
    return undefined;
  }
}

/** A refusal met after a window answered (store failing closed) still carries its X-RateLimit-*. */
function withRateHeaders(err: unknown, rateHeaders: Readonly<Record<string, string>> | null): unknown {
  if (rateHeaders === null || err instanceof GatewayRefusal || !isAppError(err)) return err;
  return new GatewayRefusal(err.code, { ...rateHeaders }, err.message);
}

/** Releases the concurrency slot taken for this request, if any (fire and forget). */
export function releaseKeyLimits(
  rt: GatewayRuntime,
  requestId: string,
  key: SnapshotKey,
  limits: KeyLimits,
): void {
  const slot = limits.slot;
  if (slot === null) return;
  rt.store
    .releaseSlot(`cc:key:${key.id}`, slot)
    .catch((err: unknown) => warnStoreFailure(rt, err, "key concurrency", requestId));
}
