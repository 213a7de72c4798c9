/**
 * In-process state store for a single instance. Same behaviour as the Redis store (one contract suite
 * runs against both); keys go through the same keyspace so they look identical in both.
 */
import { AppError } from "../core/errors/catalogue";
import { assertSlidingLogParams, hitSlidingLog, slidingLogExpiresAt } from "../core/rate-limit/sliding-log";
import type { Logger } from "../observability/logger";
import { createKeyspace } from "./keyspace";
import {
  assertPositiveCount,
  assertPositiveMs,
  assertSafeInteger,
  createClosedError,
  generateToken,
} from "./store-arguments";
import type {
  Lease,
  QuotaCheckResult,
  SetOptions,
  StateStore,
  SlidingWindowResult,
  Unsubscribe,
} from "./types";

export interface MemoryStoreOptions {
  /** Clock in ms; injected so tests can move time by hand. */
  now?: () => number;
  /** Key prefix (env `REDIS_PREFIX`), so keys look the same as in Redis. */
  prefix?: string;
  /** How often expired entries nobody reads again are dropped (default 30 s). */
  sweepIntervalMs?: number;
  /** Receives errors thrown by subscribers' handlers. */
  logger?: Logger;
}

/** The memory store, plus an introspection hook tests use to check memory stays bounded. */
export interface MemoryStateStore extends StateStore {
  readonly kind: "memory";
  /** Number of entries held (values, windows, slot sets, channels). */
  entryCount(): number;
}

interface ValueEntry {
  value: string;
  /** Epoch ms; Infinity when the value never expires. */
  expiresAt: number;
}

interface WindowEntry {
  log: number[];
  windowMs: number;
}

interface Subscription {
  handler: (message: string) => void;
  active: boolean;
}

const DEFAULT_SWEEP_INTERVAL_MS = 30_000;
const INTEGER = /^-?\d+$/;

/** Creates an in-process store; its sweep timer is unref'd and stopped by close(). */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStateStore {
  const now = options.now ?? Date.now;
  const ks = createKeyspace(options.prefix);
  const logger = options.logger;
  const values = new Map<string, ValueEntry>();
  const windows = new Map<string, WindowEntry>();
  const slots = new Map<string, Map<string, number>>();
  const channels = new Map<string, Set<Subscription>>();
  let closed = false;

  const sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  assertPositiveMs("sweepIntervalMs", sweepIntervalMs);
  const sweepTimer = setInterval(() => sweep(), sweepIntervalMs);
  sweepTimer.unref();

  function sweep(): void {
    const t = now();
    for (const [k, e] of values) if (e.expiresAt <= t) values.delete(k);
    for (const [k, w] of windows) if (slidingLogExpiresAt(w.log, w.windowMs) <= t) windows.delete(k);
    for (const [k, held] of slots) {
      for (const [id, exp] of held) if (exp <= t) held.delete(id);
      if (held.size === 0) slots.delete(k);
    }
  }

  function ensureOpen(): void {
    if (closed) throw createClosedError();
  }

  /** Lazy expiry: an expired value is removed the moment someone looks at it. */
  function readValue(fullKey: string): ValueEntry | undefined {
    const e = values.get(fullKey);
    if (e && e.expiresAt <= now()) {
      values.delete(fullKey);
      return undefined;
    }
    return e;
  }

  function expiryFrom(ttlMs: number | undefined): number {
    return ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs;
  }

  /** A counter's value (0 when missing, expired or not an integer, as Redis' tonumber would). */
  function counterValue(fullKey: string): number {
    const entry = readValue(fullKey);
    return entry && INTEGER.test(entry.value) ? Number(entry.value) : 0;
  }

  /** Adds to a counter, creating it with `ttlMs`; returns the new value. */
  function addToCounter(fullKey: string, by: number, ttlMs: number): number {
    const entry = readValue(fullKey);
    if (!entry) {
      values.set(fullKey, { value: String(by), expiresAt: expiryFrom(ttlMs) });
      return by;
    }
    const next = (INTEGER.test(entry.value) ? Number(entry.value) : 0) + by;
    entry.value = String(next);
    return next;
  }

  function liveSlots(fullKey: string): Map<string, number> | undefined {
    const held = slots.get(fullKey);
    if (!held) return undefined;
    const t = now();
    for (const [id, exp] of held) if (exp <= t) held.delete(id);
    if (held.size === 0) {
      slots.delete(fullKey);
      return undefined;
    }
    return held;
  }

  function createLease(name: string, fullKey: string, token: string): Lease {
    const heldByMe = () => readValue(fullKey)?.value === token;
    return {
      name,
      token,
      async renew(ttlMs) {
        ensureOpen();
        assertPositiveMs("ttlMs", ttlMs);
        const entry = readValue(fullKey);
        if (!entry || entry.value !== token) return false;
        entry.expiresAt = now() + ttlMs;
        return true;
      },
      async release() {
        ensureOpen();
        if (heldByMe()) values.delete(fullKey);
      },
    };
  }

  function deliver(sub: Subscription, message: string): void {
    // Checked at delivery time: a message queued before unsubscribe must not arrive after it.
    if (!sub.active) return;
    try {
      sub.handler(message);
    } catch (err) {
      logger?.error({ err }, "state store subscriber handler threw");
    }
  }

  return {
    kind: "memory",

    async usage() {
      ensureOpen();
      sweep();
      const keys = values.size + windows.size + slots.size;
      return { usedMemoryBytes: null, maxMemoryBytes: null, keys, prefixKeys: keys };
    },

    async get(key) {
      ensureOpen();
      return readValue(ks.key("kv", key))?.value ?? null;
    },

    async getAndTouch(key, ttlMs) {
      ensureOpen();
      assertPositiveMs("ttlMs", ttlMs);
      const entry = readValue(ks.key("kv", key));
      if (entry === undefined) return null;
      entry.expiresAt = now() + ttlMs;
      return entry.value;
    },

    async set(key, value, opts: SetOptions = {}) {
      ensureOpen();
      if (opts.ttlMs !== undefined) assertPositiveMs("ttlMs", opts.ttlMs);
      const fullKey = ks.key("kv", key);
      if (opts.onlyIfAbsent && readValue(fullKey)) return false;
      values.set(fullKey, { value, expiresAt: expiryFrom(opts.ttlMs) });
      return true;
    },

    async del(...keys) {
      ensureOpen();
      for (const key of keys) values.delete(ks.key("kv", key));
    },

    async compareAndSet(key, expected, value, opts = {}) {
      ensureOpen();
      if (opts.ttlMs !== undefined) assertPositiveMs("ttlMs", opts.ttlMs);
      const fullKey = ks.key("kv", key);
      if ((readValue(fullKey)?.value ?? null) !== expected) return false;
      values.set(fullKey, { value, expiresAt: expiryFrom(opts.ttlMs) });
      return true;
    },

    async incr(key, by = 1, ttlMs) {
      ensureOpen();
      assertSafeInteger("by", by);
      if (ttlMs !== undefined) assertPositiveMs("ttlMs", ttlMs);
      const fullKey = ks.key("kv", key);
      const entry = readValue(fullKey);
      if (!entry) {
        values.set(fullKey, { value: String(by), expiresAt: expiryFrom(ttlMs) });
        return by;
      }
      const next = INTEGER.test(entry.value) ? Number(entry.value) + by : Number.NaN;
      if (!Number.isSafeInteger(next)) {
        throw new AppError(
          "INTERNAL_ERROR",
          "The stored value is not an integer or the result is out of range.",
        );
      }
      entry.value = String(next);
      return next;
    },

    async checkQuota(counters): Promise<QuotaCheckResult> {
      ensureOpen();
      for (const c of counters) {
        assertSafeInteger("limit", c.limit);
        assertSafeInteger("admit", c.admit);
        assertPositiveMs("ttlMs", c.ttlMs);
      }
      // Synchronous from the first read to the last write: atomic like the Redis script.
      const fullKeys = counters.map((c) => ks.key("kv", c.key));
      const used = fullKeys.map(counterValue);
      const allowed = counters.every((c, i) => used[i]! < c.limit);
      if (allowed) {
        for (let i = 0; i < counters.length; i++) {
          const c = counters[i]!;
          if (c.admit > 0) used[i] = addToCounter(fullKeys[i]!, c.admit, c.ttlMs);
        }
      }
      return { allowed, used };
    },

    async chargeCounters(amounts) {
      ensureOpen();
      for (const a of amounts) {
        assertSafeInteger("amount", a.amount);
        assertPositiveMs("ttlMs", a.ttlMs);
      }
      for (const a of amounts) addToCounter(ks.key("kv", a.key), a.amount, a.ttlMs);
    },

    async raiseCounters(amounts) {
      ensureOpen();
      for (const a of amounts) {
        assertSafeInteger("amount", a.amount);
        assertPositiveMs("ttlMs", a.ttlMs);
      }
      for (const a of amounts) {
        const fullKey = ks.key("kv", a.key);
        if (a.amount > counterValue(fullKey)) {
          values.set(fullKey, { value: String(a.amount), expiresAt: expiryFrom(a.ttlMs) });
        }
      }
    },

    async hitSlidingWindow(key, limit, windowMs): Promise<SlidingWindowResult> {
      ensureOpen();
      assertSlidingLogParams(limit, windowMs);
      const fullKey = ks.key("sw", key);
      const t = now();
      let w = windows.get(fullKey);
      if (!w) {
        w = { log: [], windowMs };
        windows.set(fullKey, w);
      }
      w.windowMs = windowMs;
      const result = hitSlidingLog(w.log, t, limit, windowMs);
      if (w.log.length === 0) windows.delete(fullKey);
      return result;
    },

    async acquireSlot(key, limit, leaseMs) {
      ensureOpen();
      assertPositiveCount("limit", limit);
      assertPositiveMs("leaseMs", leaseMs);
      const fullKey = ks.key("slots", key);
      const held = liveSlots(fullKey) ?? new Map<string, number>();
      if (held.size >= limit) return null;
      const slotId = generateToken();
      held.set(slotId, now() + leaseMs);
      slots.set(fullKey, held);
      return slotId;
    },

    async releaseSlot(key, slotId) {
      ensureOpen();
      const fullKey = ks.key("slots", key);
      const held = slots.get(fullKey);
      if (!held) return;
      held.delete(slotId);
      if (held.size === 0) slots.delete(fullKey);
    },

    async countSlots(key) {
      ensureOpen();
      return liveSlots(ks.key("slots", key))?.size ?? 0;
    },

    async acquireLock(name, ttlMs) {
      ensureOpen();
      assertPositiveMs("ttlMs", ttlMs);
      const fullKey = ks.key("lock", name);
      if (readValue(fullKey)) return null;
      const token = generateToken();
      values.set(fullKey, { value: token, expiresAt: now() + ttlMs });
      return createLease(name, fullKey, token);
    },

    async publish(channel, message) {
      ensureOpen();
      const subs = channels.get(ks.key("ch", channel));
      if (!subs) return;
      // Async delivery: a publisher never runs (or is broken by) a subscriber's handler.
      for (const sub of [...subs]) queueMicrotask(() => deliver(sub, message));
    },

    async subscribe(channel, handler): Promise<Unsubscribe> {
      ensureOpen();
      const fullChannel = ks.key("ch", channel);
      const sub: Subscription = { handler, active: true };
      let subs = channels.get(fullChannel);
      if (!subs) {
        subs = new Set();
        channels.set(fullChannel, subs);
      }
      subs.add(sub);
      // In-process: the subscription can never be lost, so onResubscribed is never called.
      return async () => {
        sub.active = false;
        const current = channels.get(fullChannel);
        if (!current) return;
        current.delete(sub);
        if (current.size === 0) channels.delete(fullChannel);
      };
    },

    async ping() {
      ensureOpen();
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweepTimer);
      for (const subs of channels.values()) for (const sub of subs) sub.active = false;
      channels.clear();
      values.clear();
      windows.clear();
      slots.clear();
    },

    entryCount() {
      return values.size + windows.size + slots.size + channels.size;
    },
  };
}
