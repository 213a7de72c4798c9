import type { GatewayRuntime } from "../gateway-types";
import { handleStoreFailure, warnStoreFailure } from "../limits/store-failure";
import type { SnapshotProvider } from "../snapshot/snapshot-types";

/**
 * Per-provider caps (requests per minute and requests in flight, across every instance). A provider
 * at a cap is skipped by selection without spending an attempt and without counting as a failure.
 * The concurrency slot is taken first (it can be given back), the rate window second (a hit cannot),
 * so a refused window never leaves a slot held. Providers without caps never touch the store.
 */

const WINDOW_MS = 60_000;
/** When only the concurrency cap refused, a client is told to come back after this long. */
const CONCURRENCY_RETRY_MS = 1_000;

/** A provider concurrency slot held by one attempt. */
export interface HeldSlot {
  readonly key: string;
  readonly slot: string;
}

/** True when the provider has a cap that needs the store before each attempt. */
export function hasProviderCaps(provider: SnapshotProvider): boolean {
  return provider.maxConcurrency !== null || provider.rateLimitPerMinute !== null;
}

/**
 * Takes the provider's caps for one attempt of a request whose longest life is `totalTimeoutMs`.
 * Returns the attempt's slot (null when the provider has no concurrency cap, or the store failed and
 * the gateway fails open) when it may go, else a number: the ms after which the provider may have room.
 */
export async function acquireProviderCaps(
  rt: GatewayRuntime,
  requestId: string,
  provider: SnapshotProvider,
  totalTimeoutMs: number,
): Promise<HeldSlot | null | number> {
  let held: HeldSlot | null = null;
  const max = provider.maxConcurrency;
  if (max !== null) {
    const key = `cc:provider:${provider.id}`;
    try {
      // The lease outlives the longest request, so a crashed instance cannot leak slots.
      const slot = await rt.store.acquireSlot(key, max, totalTimeoutMs + WINDOW_MS);
      if (slot === null) return CONCURRENCY_RETRY_MS;
      held = { key, slot };
    } catch (err) {
      handleStoreFailure(rt, err, "provider concurrency", requestId);
    }
  }
  const limit = provider.rateLimitPerMinute;
  if (limit !== null) {
    try {
      const result = await rt.store.hitSlidingWindow(`rl:provider:${provider.id}`, limit, WINDOW_MS);
      if (!result.allowed) {
        releaseProviderSlot(rt, requestId, held);
        return Math.max(1, result.retryAfterMs);
      }
    } catch (err) {
      try {
        handleStoreFailure(rt, err, "provider rate limit", requestId);
      } catch (refusal) {
        releaseProviderSlot(rt, requestId, held);
        throw refusal;
      }
    }
  }
  return held;
}

/** Gives back a provider concurrency slot, if one is held (fire and forget). */
export function releaseProviderSlot(rt: GatewayRuntime, requestId: string, held: HeldSlot | null): void {
  if (held === null) return;
  rt.store
    .releaseSlot(held.key, held.slot)
    .catch((err: unknown) => warnStoreFailure(rt, err, "provider concurrency", requestId));
}
