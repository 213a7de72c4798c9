/**
 * Picks the state store for this process: Redis when a URL is configured (state shared by every
 * instance), in-process memory otherwise (a single instance).
 *
 * Redis sits behind a circuit breaker (breaker-store.ts), so a stalled Redis costs each request
 * nothing once a few commands timed out; each open and close is logged here and counted by the
 * metrics (`roundabout_state_store_breaker_*`, read from `store.breaker`). The memory store has no
 * breaker: it runs in-process and cannot stall or become unreachable.
 */
import type { Logger } from "../observability/logger";
import type { BreakerStoreOptions } from "./breaker-store";
import { createMemoryStore } from "./memory-store";
import type { StateStore } from "./types";

/**
 * Redis answers in well under a millisecond on a healthy network; a command still unanswered after
 * 250 ms means Redis (or the path to it) stalled. With the breaker opening after 3 such timeouts, a
 * frozen Redis costs concurrent requests at most ~250 ms each, and is cut off within a second even
 * for one request at a time (3 × 250 ms). A reply that was only late because this process was busy
 * (a long synchronous task) is not counted as a timeout (command-deadline.ts), so our own pauses do
 * not open the breaker. (The Redis store's own default, 1 s, is for direct users.)
 */
export const REDIS_COMMAND_TIMEOUT_MS = 250;

/** How long createStore waits for Redis to answer a first time (connect timeout of the Redis store). */
const CONNECT_WAIT_MS = 2_000;

export interface CreateStoreOptions {
  /** env `REDIS_URL`; absent or empty means the memory store. */
  redisUrl?: string;
  /** env `REDIS_PREFIX` (default "rb:"). */
  prefix?: string;
  logger?: Logger;
  /** Redis command timeout in ms (default 250, see REDIS_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs?: number;
  /** Breaker settings for Redis (defaults: 3 failures within 10 s open it, a probe every 1 s). */
  breaker?: Omit<BreakerStoreOptions, "onOpen" | "onClose">;
}

/** Creates the Redis store (behind its circuit breaker) when `redisUrl` is set, else the memory store. */
export async function createStore(options: CreateStoreOptions): Promise<StateStore> {
  const logger = options.logger;
  if (options.redisUrl) {
    // Loaded on demand so single-instance deployments never load the Redis client.
    const { createRedisStore } = await import("./redis-store");
    const { withCircuitBreaker } = await import("./breaker-store");
    logger?.info({ store: "redis" }, "state store: redis");
    const redis = await createRedisStore({
      url: options.redisUrl,
      prefix: options.prefix,
      logger,
      commandTimeoutMs: options.commandTimeoutMs ?? REDIS_COMMAND_TIMEOUT_MS,
    });
    await awaitFirstAnswer(redis, CONNECT_WAIT_MS);
    return withCircuitBreaker(redis, {
      ...options.breaker,
      onOpen: ({ failures }) =>
        logger?.warn(
          { store: "redis", failures },
          "state store circuit breaker opened: Redis calls fail at once until a probe answers",
        ),
      onClose: ({ openForMs }) =>
        logger?.info(
          { store: "redis", openForMs },
          "state store circuit breaker closed: Redis answers again",
        ),
    });
  }
  logger?.info({ store: "memory" }, "state store: in-process memory (single instance)");
  return createMemoryStore({ prefix: options.prefix, logger });
}

/**
 * Pings until the store answers or `waitMs` passed, without throwing. A command's timeout also runs
 * while the connection is still being set up, so the first commands of a process (the start-up
 * check among them) could be cut at 250 ms on a slow start; after this they meet a ready connection.
 * When Redis is down the caller's own ping then fails, as before.
 */
async function awaitFirstAnswer(store: StateStore, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await store.ping();
      return;
    } catch {
      if (Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
