import { AppError } from "../../core/errors/catalogue";
import type { GatewayRuntime, ProxyContext } from "../gateway-types";

/**
 * Per-key rate limit (sliding 60 s window) and concurrency cap, both in the state store so they hold
 * across instances. Keys without limits never touch the store. If the store is unreachable the
 * request is let through (and a warning logged): a Redis outage must not take the gateway down.
 */

const WINDOW_MS = 60_000;
const STORE_WARN_INTERVAL_MS = 10_000;
let lastStoreWarn = 0;

function warnStoreDown(rt: GatewayRuntime, err: unknown): void {
  const t = Date.now();
  if (t - lastStoreWarn < STORE_WARN_INTERVAL_MS) return;
  lastStoreWarn = t;
  rt.logger.warn(
    { err: err instanceof Error ? err.message : String(err) },
    "state store unavailable; key limits not enforced",
  );
}

/** Applies the key's limits; throws RATE_LIMITED / CONCURRENCY_LIMITED (429) when over. */
export async function enforceKeyLimits(ctx: ProxyContext, rt: GatewayRuntime): Promise<void> {
  const key = ctx.key;
  if (key === null) return;
  const limit = key.rateLimitPerMinute;
  if (limit !== null) {
    let result;
    try {
      result = await rt.store.hitSlidingWindow(`rl:key:${key.id}`, limit, WINDOW_MS);
    } catch (err) {
      warnStoreDown(rt, err);
    }
    if (result !== undefined) {
      ctx.rateHeaders = {
        "x-ratelimit-limit": String(result.limit),
        "x-ratelimit-remaining": String(result.remaining),
        // Seconds until the window has room again (delta, like Retry-After).
        "x-ratelimit-reset": String(Math.ceil(result.resetMs / 1000)),
      };
      if (!result.allowed) {
        ctx.errorHeaders = {
          ...ctx.rateHeaders,
          "retry-after": String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))),
        };
        throw new AppError("RATE_LIMITED");
      }
    }
  }
  const max = key.maxConcurrency;
  if (max !== null && ctx.group !== null) {
    let slot: string | null | undefined;
    try {
      // The lease outlives the longest possible request, so a crashed instance frees its slots.
      slot = await rt.store.acquireSlot(`cc:key:${key.id}`, max, ctx.group.totalTimeoutMs + WINDOW_MS);
    } catch (err) {
      warnStoreDown(rt, err);
    }
    if (slot === null) {
      if (ctx.rateHeaders !== null) ctx.errorHeaders = { ...ctx.rateHeaders };
      throw new AppError("CONCURRENCY_LIMITED");
    }
    if (slot !== undefined) ctx.concurrencySlot = slot;
  }
}

/** Releases the concurrency slot taken for this request, if any (fire and forget). */
export function releaseKeyLimits(ctx: ProxyContext, rt: GatewayRuntime): void {
  const slot = ctx.concurrencySlot;
  if (slot === null || ctx.key === null) return;
  ctx.concurrencySlot = null;
  rt.store.releaseSlot(`cc:key:${ctx.key.id}`, slot).catch((err: unknown) => warnStoreDown(rt, err));
}
