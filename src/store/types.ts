/**
 * Runtime state shared by the data plane and the control plane: health, counters, rate-limit windows,
 * locks and config-change announcements. Two implementations keep the same behaviour — in-process
 * memory (single instance) and Redis (many instances) — and one contract suite runs against both.
 */
import type { BreakerSnapshot } from "../core/circuit-breaker/circuit-breaker";

export interface SetOptions {
  /** Expire the value after this many ms. */
  ttlMs?: number;
  /** Only write when no value exists (SET NX); the result says whether it was written. */
  onlyIfAbsent?: boolean;
}

export interface SlidingWindowResult {
  /** Whether this hit was admitted (and recorded). */
  allowed: boolean;
  /** The configured limit. */
  limit: number;
  /** Hits still admissible in the current window after this one. */
  remaining: number;
  /** Ms until the oldest recorded hit leaves the window (0 when the window is empty). */
  resetMs: number;
  /** When refused: ms until one hit would be admitted again; 0 when allowed. */
  retryAfterMs: number;
}

/** One counter of a quota check: admitted while its value is below `limit`. */
export interface QuotaCheckCounter {
  readonly key: string;
  readonly limit: number;
  /** Added to the counter when the check admits (1 for a requests counter, 0 for tokens or cost). */
  readonly admit: number;
  /** Expiry set when the counter is created (the rest of its window plus a margin). */
  readonly ttlMs: number;
}

export interface QuotaCheckResult {
  /** True when every counter was below its limit (the `admit` amounts were then added). */
  readonly allowed: boolean;
  /** Each counter's value after the check, index-aligned with the counters. */
  readonly used: readonly number[];
}

/** An amount added to (charge) or a floor raised on (recompute) one counter. */
export interface CounterAmount {
  readonly key: string;
  readonly amount: number;
  readonly ttlMs: number;
}

export interface Lease {
  readonly name: string;
  readonly token: string;
  /** Extends the lease; false when it was lost (expired and taken by someone else). */
  renew(ttlMs: number): Promise<boolean>;
  /** Releases the lease if still held by this token. */
  release(): Promise<void>;
}

export interface SubscribeOptions {
  /**
   * Called after the subscription was re-established following a connection loss: messages may have
   * been missed, so the subscriber should reload whatever it derives from them.
   */
  onResubscribed?: () => void;
}

export type Unsubscribe = () => Promise<void>;

/** What a store behind a circuit breaker reports (metrics read it at scrape time). */
export interface StoreBreakerView {
  /** State ("closed" while calls pass; "open"/"half-open" while they fail at once) and open/close counts. */
  snapshot(): BreakerSnapshot;
}

/** What the state store holds and costs, for the health page and `/metrics`. */
export interface StoreUsage {
  /** Bytes the backend uses (Redis `used_memory`); null for the in-process store. */
  readonly usedMemoryBytes: number | null;
  /** Redis `maxmemory`; null when unlimited (0) or not applicable. */
  readonly maxMemoryBytes: number | null;
  /** Keys in the backend's database (Redis `DBSIZE`; shared with anything else using that database). */
  readonly keys: number;
  /** Keys under this deployment's prefix; null when too many keys to count cheaply. */
  readonly prefixKeys: number | null;
}

export interface StateStore {
  readonly kind: "memory" | "redis";
  /** The circuit breaker in front of a store that can stall (Redis); absent for the memory store. */
  readonly breaker?: StoreBreakerView;

  /** Reads a value; null when missing or expired. */
  get(key: string): Promise<string | null>;
  /**
   * Reads a value and, when it exists, restarts its expiry at `ttlMs` from now (a sliding TTL, e.g.
   * session affinity); null when missing or expired. One round trip (Redis GETEX).
   */
  getAndTouch(key: string, ttlMs: number): Promise<string | null>;
  /** Writes a value; returns false only when `onlyIfAbsent` prevented the write. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Deletes keys (missing keys are ignored). */
  del(...keys: string[]): Promise<void>;
  /**
   * Writes `value` only if the current value is exactly `expected` (null: only if there is none);
   * returns whether it wrote. Atomic: the building block of read-modify-write on shared JSON state.
   */
  compareAndSet(
    key: string,
    expected: string | null,
    value: string,
    options?: { ttlMs?: number },
  ): Promise<boolean>;

  /** Atomically adds `by` (default 1) and returns the new value; `ttlMs` is set when the counter is created. */
  incr(key: string, by?: number, ttlMs?: number): Promise<number>;

  /**
   * Sliding-log rate limit: admits a hit when fewer than `limit` hits were admitted in the last
   * `windowMs`. Exact under concurrency (atomic per key; Redis uses server time in one Lua script).
   */
  hitSlidingWindow(key: string, limit: number, windowMs: number): Promise<SlidingWindowResult>;

  /**
   * Quota check: admits when EVERY counter's value is below its limit, and then adds each counter's
   * `admit` amount — all in one atomic step (one Lua script on Redis), so two instances can never
   * both spend the last unit. Missing counters count as 0.
   */
  checkQuota(counters: readonly QuotaCheckCounter[]): Promise<QuotaCheckResult>;
  /** Adds each amount to its counter (created with its TTL when missing); one round trip. */
  chargeCounters(amounts: readonly CounterAmount[]): Promise<void>;
  /** Raises each counter to at least its amount (a recomputed floor; a higher value is kept). */
  raiseCounters(amounts: readonly CounterAmount[]): Promise<void>;

  /**
   * Counting semaphore with leases: takes one of `limit` slots, or returns null when all are held.
   * A slot not released within `leaseMs` frees itself (a crashed instance cannot leak slots).
   */
  acquireSlot(key: string, limit: number, leaseMs: number): Promise<string | null>;
  /** Releases a slot taken by acquireSlot. */
  releaseSlot(key: string, slotId: string): Promise<void>;
  /** Slots currently held (unexpired). */
  countSlots(key: string): Promise<number>;

  /** Takes a named lock for cluster-wide singleton jobs; null when another holder has it. */
  acquireLock(name: string, ttlMs: number): Promise<Lease | null>;

  /** Publishes a message to every subscriber of `channel`, on every instance. */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes to a channel; the returned function unsubscribes. */
  subscribe(
    channel: string,
    handler: (message: string) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe>;

  /** Round-trips to the backend; throws when it is unreachable. */
  ping(): Promise<void>;
  /** Memory use and key counts (a few cheap commands; callers cache it). */
  usage(): Promise<StoreUsage>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Channel on which every config write is announced; the data plane reloads its snapshot from it. */
export const CONFIG_CHANNEL = "config";
