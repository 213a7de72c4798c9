import type { GatewayRuntime, ProxyContext } from "../gateway-types";
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

/** True when the provider has a cap that needs the store before each attempt. */
export function hasProviderCaps(provider: SnapshotProvider): boolean {
  return provider.maxConcurrency !== null || provider.rateLimitPerMinute !== null;
}

/**
 * Takes the provider's caps for one attempt. Returns 0 when the attempt may go (caps taken, or the
 * store failed and the gateway fails open), else the ms after which the provider may have room.
 */
export async function acquireProviderCaps(
  ctx: ProxyContext,
  rt: GatewayRuntime,
  provider: SnapshotProvider,
): Promise<number> {
  const max = provider.maxConcurrency;
  if (max !== null) {
    const key = `cc:provider:${provider.id}`;
    let slot: string | null = null;
    try {
      // The lease outlives the longest request, so a crashed instance cannot leak slots.
      slot = await rt.store.acquireSlot(key, max, ctx.group!.totalTimeoutMs + WINDOW_MS);
      if (slot === null) return CONCURRENCY_RETRY_MS;
      ctx.providerSlot = { key, slot };
    } catch (err) {
      handleStoreFailure(rt, err, "provider concurrency", ctx.requestId);
    }
  }
  const limit = provider.rateLimitPerMinute;
  if (limit !== null) {
    try {
      const result = await rt.store.hitSlidingWindow(`rl:provider:${provider.id}`, limit, WINDOW_MS);
      if (!result.allowed) {
        releaseProviderCaps(ctx, rt);
        return Math.max(1, result.retryAfterMs);
      }
    } catch (err) {
      try {
        handleStoreFailure(rt, err, "provider rate limit", ctx.requestId);
      } catch (refusal) {
        releaseProviderCaps(ctx, rt);
        throw refusal;
      }
    }
  }
  return 0;
}

/** Gives back the provider concurrency slot of the current attempt, if any (fire and forget). */
export function releaseProviderCaps(ctx: ProxyContext, rt: GatewayRuntime): void {
  const held = ctx.providerSlot;
  if (held === null) return;
  ctx.providerSlot = null;
  rt.store
    .releaseSlot(held.key, held.slot)
    .catch((err: unknown) => warnStoreFailure(rt, err, "provider concurrency", ctx.requestId));
}
