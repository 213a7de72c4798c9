import { Pool } from "undici";
import { EMPTY_OUTBOUND_POLICY, type OutboundPolicy } from "../../core/outbound/allow-list";
import { createGuardedConnector } from "../../security/outbound-connect";

/**
 * One keep-alive undici Pool per upstream origin (and connect timeout, which undici sets per pool),
 * reused by every request. Pools of origins no longer in the config are closed gracefully on swap.
 *
 * Every pool connects through the outbound guard: a NEW connection resolves the host, checks every
 * address against the outbound policy (OUTBOUND_ALLOW) and connects to a checked address itself
 * (no DNS rebinding). Pooled keep-alive connections are reused without any further check, so the
 * hot path pays for the guard once per connection, not per request. undici's Pool never follows
 * redirects: a 3xx goes back to the client as the upstream's answer.
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
  /** Where connections may go (default: the empty policy, which refuses internal addresses). */
  readonly outbound?: OutboundPolicy;
}

/** Creates the pool registry. */
export function createUpstreamPools(options: UpstreamPoolOptions = {}): UpstreamPools {
  const pools = new Map<string, { origin: string; pool: Pool }>();
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 30_000;
  const policy = options.outbound ?? EMPTY_OUTBOUND_POLICY;
  return {
    get(origin, connectTimeoutMs) {
      const key = `${connectTimeoutMs}|${origin}`;
      const hit = pools.get(key);
      if (hit !== undefined) return hit.pool;
      const pool = new Pool(origin, {
        connect: createGuardedConnector(policy, { connect: { timeout: connectTimeoutMs } }),
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
