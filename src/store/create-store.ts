/**
 * Picks the state store for this process: Redis when a URL is configured (state shared by every
 * instance), in-process memory otherwise (a single instance).
 */
import type { Logger } from "../observability/logger";
import { createMemoryStore } from "./memory-store";
import type { StateStore } from "./types";

export interface CreateStoreOptions {
  /** env `REDIS_URL`; absent or empty means the memory store. */
  redisUrl?: string;
  /** env `REDIS_PREFIX` (default "rb:"). */
  prefix?: string;
  logger?: Logger;
}

/** Creates the Redis store when `redisUrl` is set, else the memory store. */
export async function createStore(options: CreateStoreOptions): Promise<StateStore> {
  if (options.redisUrl) {
    // Loaded on demand so single-instance deployments never load the Redis client.
    const { createRedisStore } = await import("./redis-store");
    options.logger?.info({ store: "redis" }, "state store: redis");
    return createRedisStore({ url: options.redisUrl, prefix: options.prefix, logger: options.logger });
  }
  options.logger?.info({ store: "memory" }, "state store: in-process memory (single instance)");
  return createMemoryStore({ prefix: options.prefix, logger: options.logger });
}
