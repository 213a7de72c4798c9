import { AppError } from "../../core/errors/catalogue";
import type { SlidingWindowResult } from "../../store/types";
import type { GatewayRuntime, ProxyContext } from "../gateway-types";
import { handleStoreFailure, warnStoreFailure } from "../limits/store-failure";

/**
 * Per-key rate limit (sliding 60 s window) and concurrency cap, and the group's rate limit, all in the
 * state store so they hold across instances. Keys and groups without limits never touch the store.
 * Order: key window, group window (before the body is read, so a limited client is refused cheaply),
 * then — once the body has arrived — key concurrency, so a refused request never holds a slot.
 * X-RateLimit-* headers describe the key's limit when it has one, else the group's. When the store is
 * unreachable the gateway fails open or closed (GatewayOptions.stateStoreFailure).
 */

const WINDOW_MS = 60_000;

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
  ctx: ProxyContext,
  rt: GatewayRuntime,
  key: string,
  limit: number,
  what: string,
): Promise<SlidingWindowResult | undefined> {
  try {
    return await rt.store.hitSlidingWindow(key, limit, WINDOW_MS);
  } catch (err) {
    handleStoreFailure(rt, err, what, ctx.requestId);
    return undefined;
  }
}

/** Applies the key's and the group's rate limits; throws RATE_LIMITED / GROUP_RATE_LIMITED. */
export async function enforceKeyLimits(ctx: ProxyContext, rt: GatewayRuntime): Promise<void> {
  const key = ctx.key;
  if (key === null) return;
  const limit = key.rateLimitPerMinute;
  if (limit !== null) {
    const result = await hit(ctx, rt, `rl:key:${key.id}`, limit, "key rate limit");
    if (result !== undefined) {
      ctx.rateHeaders = rateHeadersOf(result);
      if (!result.allowed) {
        ctx.errorHeaders = { ...ctx.rateHeaders, "retry-after": retryAfterOf(result) };
        throw new AppError("RATE_LIMITED");
      }
    }
  }
  const group = ctx.group;
  if (group !== null && group.rateLimitPerMinute !== null) {
    const result = await hit(ctx, rt, `rl:group:${group.id}`, group.rateLimitPerMinute, "group rate limit");
    if (result !== undefined) {
      ctx.rateHeaders ??= rateHeadersOf(result);
      if (!result.allowed) {
        ctx.errorHeaders = { ...ctx.rateHeaders, "retry-after": retryAfterOf(result) };
        throw new AppError("GROUP_RATE_LIMITED");
      }
    }
  }
}

/**
 * Takes one of the key's concurrency slots; throws CONCURRENCY_LIMITED when all are taken. Called
 * after the body has arrived, so a client trickling its body holds no slot (BODY_TIMEOUT_MS bounds that).
 */
export async function acquireKeySlot(ctx: ProxyContext, rt: GatewayRuntime): Promise<void> {
  const key = ctx.key;
  const group = ctx.group;
  if (key === null) return;
  const max = key.maxConcurrency;
  if (max !== null && group !== null) {
    let slot: string | null | undefined;
    try {
      // The lease outlives the longest possible request, so a crashed instance frees its slots.
      slot = await rt.store.acquireSlot(`cc:key:${key.id}`, max, group.totalTimeoutMs + WINDOW_MS);
    } catch (err) {
      handleStoreFailure(rt, err, "key concurrency", ctx.requestId);
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
  rt.store
    .releaseSlot(`cc:key:${ctx.key.id}`, slot)
    .catch((err: unknown) => warnStoreFailure(rt, err, "key concurrency", ctx.requestId));
}
