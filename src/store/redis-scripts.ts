/**
 * Lua scripts of the Redis store. Each runs atomically on the server, so concurrent callers on any
 * number of instances see one consistent order. Time comes from `redis.call('TIME')`, never from the
 * callers, so instances with skewed clocks agree on windows and leases.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export interface LuaScript {
  readonly lua: string;
  /** SHA1 of `lua`, computed on first use (nothing runs at import time). */
  sha?: string;
}

function defineScript(lua: string): LuaScript {
  return { lua };
}

function shaOf(script: LuaScript): string {
  script.sha ??= createHash("sha1").update(script.lua).digest("hex");
  return script.sha;
}

// Server time in integer ms.
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS[1] = window zset (member = unique hit id, score = hit time in ms)
 * ARGV = limit, windowMs, hitId. Returns {allowed 0|1, remaining, resetMs, retryAfterMs}.
 * Same semantics as src/core/rate-limit/sliding-log.ts: a hit at t counts until t + windowMs.
 */
export const SLIDING_WINDOW = defineScript(`${NOW}
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  local at = now
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] and tonumber(last[2]) > at then at = tonumber(last[2]) end
  redis.call('ZADD', key, at, ARGV[3])
  redis.call('PEXPIRE', key, at + window - now)
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {1, limit - count - 1, tonumber(oldest[2]) + window - now, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local pivot = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
local retry = tonumber(pivot[2]) + window - now
if retry < 1 then retry = 1 end
return {0, 0, tonumber(oldest[2]) + window - now, retry}
`);

/**
 * KEYS[1] = slot zset (member = slot id, score = lease expiry in ms)
 * ARGV = limit, leaseMs, slotId. Returns 1 when the slot was taken, 0 when all are held.
 */
export const ACQUIRE_SLOT = defineScript(`${NOW}
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) >= limit then return 0 end
redis.call('ZADD', key, now + lease, ARGV[3])
if redis.call('PTTL', key) < lease then redis.call('PEXPIRE', key, lease) end
return 1
`);

/**
 * KEYS = quota counters; ARGV = per counter: limit, admit, ttlMs. Admits when every counter is below
 * its limit, then adds the admit amounts (TTL set on creation). Returns {allowed 0|1, used...}.
 */
export const CHECK_QUOTA = defineScript(`
local used = {}
local allowed = 1
for i, key in ipairs(KEYS) do
  local v = tonumber(redis.call('GET', key) or '0') or 0
  used[i] = v
  if v >= tonumber(ARGV[i * 3 - 2]) then allowed = 0 end
end
if allowed == 1 then
  for i, key in ipairs(KEYS) do
    local admit = tonumber(ARGV[i * 3 - 1])
    if admit > 0 then
      used[i] = redis.call('INCRBY', key, admit)
      if used[i] == admit then redis.call('PEXPIRE', key, ARGV[i * 3]) end
    end
  end
end
local out = {allowed}
for i = 1, #used do out[i + 1] = used[i] end
return out
`);

/** KEYS = counters; ARGV = per counter: amount, ttlMs. INCRBY each, TTL set when it was created. */
export const CHARGE_COUNTERS = defineScript(`
for i, key in ipairs(KEYS) do
  local existed = redis.call('EXISTS', key)
  redis.call('INCRBY', key, ARGV[i * 2 - 1])
  if existed == 0 then redis.call('PEXPIRE', key, ARGV[i * 2]) end
end
return 1
`);

/** KEYS = counters; ARGV = per counter: floor, ttlMs. Raises each counter to at least its floor. */
export const RAISE_COUNTERS = defineScript(`
for i, key in ipairs(KEYS) do
  local v = tonumber(redis.call('GET', key) or '0') or 0
  local floor = tonumber(ARGV[i * 2 - 1])
  if floor > v then redis.call('SET', key, floor, 'PX', ARGV[i * 2]) end
end
return 1
`);

/** KEYS[1] = slot zset. Returns the number of unexpired slots. */
export const COUNT_SLOTS = defineScript(`${NOW}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
`);

/** KEYS[1] = counter; ARGV = by, ttlMs (0 = none). The TTL is set only when the counter is created. */
export const INCR_WITH_TTL = defineScript(`
local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`);

/**
 * KEYS[1] = value; ARGV = expectAbsent (1|0), expected, value, ttlMs (0 = none). Writes only when the
 * current value is the expected one (or absent, when expectAbsent). Returns 1 when written.
 */
export const COMPARE_AND_SET = defineScript(`
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if tonumber(ARGV[4]) > 0 then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
return 1
`);

/** KEYS[1] = lock; ARGV = token, ttlMs. Returns 1 when still held by the token (and extended). */
export const RENEW_LOCK = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`);

/** KEYS[1] = lock; ARGV = token. Deletes the lock only when held by the token. */
export const RELEASE_LOCK = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Runs a script by hash, loading it on the first NOSCRIPT (server restarted or flushed its cache) —
 * unless `live()` says the caller has given up meanwhile (its deadline passed).
 */
export async function runScript(
  client: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
  live: () => boolean = () => true,
): Promise<unknown> {
  try {
    return await client.evalsha(shaOf(script), keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT") || !live()) throw err;
    return client.eval(script.lua, keys.length, ...keys, ...args);
  }
}
