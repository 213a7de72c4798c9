/**
 * Redis state store for several instances sharing state. Multi-step operations are Lua scripts (atomic
 * on the server, timed by the server clock). Commands fail fast while Redis is unreachable — one
 * retry, a per-command timeout — so the data plane can degrade instead of hanging; the client keeps
 * reconnecting in the background.
 */
import { Redis, type RedisOptions } from "ioredis";
import { AppError } from "../core/errors/catalogue";
import { assertSlidingLogParams } from "../core/rate-limit/sliding-log";
import type { Logger } from "../observability/logger";
import { withDeadline } from "./command-deadline";
import { createKeyspace } from "./keyspace";
import { closeConnection, toStoreError, watchConnection } from "./redis-errors";
import {
  ACQUIRE_SLOT,
  CHARGE_COUNTERS,
  CHECK_QUOTA,
  RAISE_COUNTERS,
  COMPARE_AND_SET,
  COUNT_SLOTS,
  INCR_WITH_TTL,
  RELEASE_LOCK,
  RENEW_LOCK,
  SLIDING_WINDOW,
  runScript,
} from "./redis-scripts";
import { createRedisSubscriber } from "./redis-subscriber";
import {
  assertPositiveCount,
  assertPositiveMs,
  assertSafeInteger,
  createClosedError,
  generateToken,
} from "./store-arguments";
import type {
  CounterAmount,
  Lease,
  QuotaCheckResult,
  SetOptions,
  SlidingWindowResult,
  StateStore,
} from "./types";

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL (may carry a password; it is never logged). */
  url: string;
  /** Key and channel prefix (env `REDIS_PREFIX`, default "rb:"). */
  prefix?: string;
  logger?: Logger;
  /**
   * An operation without a reply within this many ms rejects (default 1000) — unless the delay was
   * this process being busy and the reply is already there (command-deadline.ts).
   */
  commandTimeoutMs?: number;
  /** Connect attempt timeout in ms (default 2000). */
  connectTimeoutMs?: number;
}

const MAX_RECONNECT_DELAY_MS = 2000;
/**
 * ioredis's own command timeout only cleans up commands our deadline gave up on (a frozen server):
 * it fires without giving pending I/O a turn, so it must come well after the deadline.
 */
const CLIENT_TIMEOUT_MARGIN_MS = 1000;

/**
 * Creates the Redis store. Resolves without waiting for the connection (it is established in the
 * background); call `ping()` to check that Redis is reachable.
 */
export async function createRedisStore(options: RedisStoreOptions): Promise<StateStore> {
  const ks = createKeyspace(options.prefix);
  const logger = options.logger;
  const commandTimeoutMs = options.commandTimeoutMs ?? 1000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  assertPositiveMs("commandTimeoutMs", commandTimeoutMs);
  assertPositiveMs("connectTimeoutMs", connectTimeoutMs);

  const redisOptions: RedisOptions = {
    // Fail fast: one retry, then the offline queue is flushed with an error instead of waiting.
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), MAX_RECONNECT_DELAY_MS),
    // A command in flight when the connection dropped may have run: resending a hit or an INCR
    // would count it twice, so it rejects instead.
    autoResendUnfulfilledCommands: false,
    // Named so operators (and the tests) can tell our connections apart in CLIENT LIST.
    connectionName: `${ks.prefix}commands`,
  };
  const client = new Redis(options.url, redisOptions);
  watchConnection(client, "commands", options.url, logger);

  const subscriber = createRedisSubscriber(() => {
    const sub = client.duplicate({ connectionName: `${ks.prefix}subscriber`, autoResubscribe: false });
    watchConnection(sub, "subscriber", options.url, logger);
    return sub;
  }, logger);

  // Unique per hit: two hits in the same server microsecond must stay two zset members.
  const instanceId = generateToken();
  let hitSeq = 0;
  let closed = false;

  /** Runs one store operation within the command deadline; `live()` is false once it was given up. */
  async function run<T>(op: (live: () => boolean) => Promise<T>): Promise<T> {
    if (closed) throw createClosedError();
    try {
      return await withDeadline(op, commandTimeoutMs);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Adds (CHARGE_COUNTERS) or raises to a floor (RAISE_COUNTERS) a batch of counters in one script call. */
  async function runCounterScript(
    script: typeof CHARGE_COUNTERS,
    amounts: readonly CounterAmount[],
    live: () => boolean,
  ): Promise<void> {
    if (amounts.length === 0) return;
    const args: number[] = [];
    for (const a of amounts) {
      assertSafeInteger("amount", a.amount);
      assertPositiveMs("ttlMs", a.ttlMs);
      args.push(a.amount, Math.ceil(a.ttlMs));
    }
    const keys = amounts.map((a) => ks.key("kv", a.key));
    await runScript(client, script, keys, args, live);
  }

  function createLease(name: string, fullKey: string, token: string): Lease {
    return {
      name,
      token,
      renew: (ttlMs) =>
        run(async (live) => {
          assertPositiveMs("ttlMs", ttlMs);
          return Number(await runScript(client, RENEW_LOCK, [fullKey], [token, ttlMs], live)) === 1;
        }),
      release: () =>
        run(async (live) => {
          await runScript(client, RELEASE_LOCK, [fullKey], [token], live);
        }),
    };
  }

  return {
    kind: "redis",

    get: (key) => run(() => client.get(ks.key("kv", key))),

    getAndTouch: (key, ttlMs) =>
      run(async () => {
        assertPositiveMs("ttlMs", ttlMs);
        return client.getex(ks.key("kv", key), "PX", ttlMs);
      }),

    set: (key, value, opts: SetOptions = {}) =>
      run(async () => {
        const k = ks.key("kv", key);
        const { ttlMs, onlyIfAbsent } = opts;
        if (ttlMs !== undefined) assertPositiveMs("ttlMs", ttlMs);
        let reply: string | null;
        if (ttlMs !== undefined && onlyIfAbsent) reply = await client.set(k, value, "PX", ttlMs, "NX");
        else if (ttlMs !== undefined) reply = await client.set(k, value, "PX", ttlMs);
        else if (onlyIfAbsent) reply = await client.set(k, value, "NX");
        else reply = await client.set(k, value);
        return reply === "OK";
      }),

    del: (...keys) =>
      run(async () => {
        const full = keys.map((k) => ks.key("kv", k));
        if (full.length > 0) await client.del(...full);
      }),

    compareAndSet: (key, expected, value, opts = {}) =>
      run(async (live) => {
        const ttlMs = opts.ttlMs ?? 0;
        if (opts.ttlMs !== undefined) assertPositiveMs("ttlMs", opts.ttlMs);
        const args = [expected === null ? "1" : "0", expected ?? "", value, ttlMs];
        return Number(await runScript(client, COMPARE_AND_SET, [ks.key("kv", key)], args, live)) === 1;
      }),

    incr: (key, by = 1, ttlMs) =>
      run(async (live) => {
        assertSafeInteger("by", by);
        const k = ks.key("kv", key);
        if (ttlMs === undefined) return client.incrby(k, by);
        assertPositiveMs("ttlMs", ttlMs);
        return Number(await runScript(client, INCR_WITH_TTL, [k], [by, ttlMs], live));
      }),

    hitSlidingWindow: (key, limit, windowMs) =>
      run(async (live): Promise<SlidingWindowResult> => {
        assertSlidingLogParams(limit, windowMs);
        const hitId = `${instanceId}:${(hitSeq = (hitSeq + 1) % Number.MAX_SAFE_INTEGER)}`;
        const raw = await runScript(
          client,
          SLIDING_WINDOW,
          [ks.key("sw", key)],
          [limit, windowMs, hitId],
          live,
        );
        const [allowed, remaining, resetMs, retryAfterMs] = readFourIntegers(raw);
        return { allowed: allowed === 1, limit, remaining, resetMs, retryAfterMs };
      }),

    checkQuota: (counters) =>
      run(async (live): Promise<QuotaCheckResult> => {
        if (counters.length === 0) return { allowed: true, used: [] };
        const args: number[] = [];
        for (const c of counters) {
          assertSafeInteger("limit", c.limit);
          assertSafeInteger("admit", c.admit);
          assertPositiveMs("ttlMs", c.ttlMs);
          args.push(c.limit, c.admit, Math.ceil(c.ttlMs));
        }
        const keys = counters.map((c) => ks.key("kv", c.key));
        const raw = (await runScript(client, CHECK_QUOTA, keys, args, live)) as unknown[];
        return { allowed: Number(raw[0]) === 1, used: raw.slice(1).map(Number) };
      }),

    chargeCounters: (amounts) => run((live) => runCounterScript(CHARGE_COUNTERS, amounts, live)),

    raiseCounters: (amounts) => run((live) => runCounterScript(RAISE_COUNTERS, amounts, live)),

    acquireSlot: (key, limit, leaseMs) =>
      run(async (live) => {
        assertPositiveCount("limit", limit);
        assertPositiveMs("leaseMs", leaseMs);
        const slotId = generateToken();
        const taken = await runScript(
          client,
          ACQUIRE_SLOT,
          [ks.key("slots", key)],
          [limit, leaseMs, slotId],
          live,
        );
        return Number(taken) === 1 ? slotId : null;
      }),

    releaseSlot: (key, slotId) =>
      run(async () => {
        await client.zrem(ks.key("slots", key), slotId);
      }),

    countSlots: (key) =>
      run(async (live) => Number(await runScript(client, COUNT_SLOTS, [ks.key("slots", key)], [], live))),

    acquireLock: (name, ttlMs) =>
      run(async () => {
        assertPositiveMs("ttlMs", ttlMs);
        const fullKey = ks.key("lock", name);
        const token = generateToken();
        const reply = await client.set(fullKey, token, "PX", ttlMs, "NX");
        return reply === "OK" ? createLease(name, fullKey, token) : null;
      }),

    publish: (channel, message) =>
      run(async () => {
        await client.publish(ks.key("ch", channel), message);
      }),

    subscribe: (channel, handler, opts) =>
      run(() => subscriber.subscribe(ks.key("ch", channel), handler, opts?.onResubscribed)),

    ping: () =>
      run(async () => {
        await client.ping();
      }),

    usage: () =>
      run(async (live) => {
        const [info, keys] = await Promise.all([client.info("memory"), client.dbsize()]);
        const memory = parseRedisInfo(info);
        return {
          usedMemoryBytes: numberOrNull(memory.used_memory),
          // maxmemory 0 means no limit.
          maxMemoryBytes: numberOrNull(memory.maxmemory) || null,
          keys,
          prefixKeys: keys > MAX_KEYS_TO_COUNT ? null : await countPrefixKeys(client, ks.prefix, live),
        };
      }),

    async close() {
      if (closed) return;
      closed = true;
      await subscriber.close();
      await closeConnection(client);
    },
  };
}

/** Reads a script's 4-integer reply, failing loudly if the script and this code disagree. */
function readFourIntegers(raw: unknown): [number, number, number, number] {
  if (!Array.isArray(raw) || raw.length !== 4 || !raw.every((v) => Number.isSafeInteger(Number(v)))) {
    throw new AppError("INTERNAL_ERROR", "Unexpected sliding window script reply.");
  }
  return [Number(raw[0]), Number(raw[1]), Number(raw[2]), Number(raw[3])];
}

/** Above this many keys in the database, the prefix's own count is not taken (SCAN walks every key). */
const MAX_KEYS_TO_COUNT = 20_000;

/** `field:value` lines of an INFO section as a record. */
export function parseRedisInfo(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) out[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return out;
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Keys under `prefix`, counted with SCAN (never KEYS, which blocks Redis). */
async function countPrefixKeys(client: Redis, prefix: string, live: () => boolean): Promise<number> {
  let cursor = "0";
  let count = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`;
  do {
    const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    count += batch.length;
    cursor = next;
  } while (cursor !== "0" && live());
  return count;
}
