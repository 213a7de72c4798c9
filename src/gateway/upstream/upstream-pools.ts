import { Pool } from "undici";

/**
 * One keep-alive undici Pool per upstream origin (and connect timeout, which undici sets per pool),
 * reused by every request. Pools of origins no longer in the config are closed gracefully on swap.
 */

export interface UpstreamPools {
  /** The pool for `origin` with this connect timeout, created on first use. */
  get(origin: string, connectTimeoutMs: number): Pool;
  /** Closes pools whose origin is not in `origins` (in-flight requests finish first). */
  retain(origins: ReadonlySet<string>): void;
  close(): Promise<void>;
}

export interface UpstreamPoolOptions {
  /** Idle keep-alive socket lifetime (default 30 s; server hints may shorten it). */
  readonly keepAliveTimeoutMs?: number;
}

/** Creates the pool registry. */
export function createUpstreamPools(options: UpstreamPoolOptions = {}): UpstreamPools {
  const pools = new Map<string, { origin: string; pool: Pool }>();
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 30_000;
  return {
    get(origin, connectTimeoutMs) {
      const key = `${connectTimeoutMs}|${origin}`;
      const hit = pools.get(key);
      if (hit !== undefined) return hit.pool;
      const pool = new Pool(origin, {
        connect: { timeout: connectTimeoutMs },
        keepAliveTimeout,
        pipelining: 1,
      });
      pools.set(key, { origin, pool });
      return pool;
    },
    retain(origins) {
      for (const [key, entry] of pools) {
        if (origins.has(entry.origin)) continue;
        pools.delete(key);
        void entry.pool.close().catch(() => undefined);
      }
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((e) => e.pool.destroy().catch(() => undefined)));
    },
  };
}
