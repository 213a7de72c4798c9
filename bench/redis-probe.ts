import { Redis } from "ioredis";

/** A side connection to the Redis the gateway uses: its CPU counters, and cleanup of our keys. */
export interface RedisProbe {
  /** used_cpu_user + used_cpu_sys of the server, in µs. */
  cpuUs(): Promise<number>;
  /** Deletes every key under `prefix` (bounded SCAN + UNLINK). */
  removePrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}

const MAX_SCAN_ROUNDS = 10_000;

/** Connects to Redis (bounded connect, no offline queue surprises). */
export async function openRedisProbe(url: string): Promise<RedisProbe> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 1 });
  await redis.connect();
  return {
    async cpuUs() {
      const info = await redis.info("cpu");
      const read = (field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, "m").exec(info)?.[1] ?? NaN);
      return (read("used_cpu_user") + read("used_cpu_sys")) * 1e6;
    },
    async removePrefix(prefix) {
      let cursor = "0";
      let removed = 0;
      for (let round = 0; round < MAX_SCAN_ROUNDS; round++) {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        if (keys.length > 0) removed += await redis.unlink(...keys);
        cursor = next;
        if (cursor === "0") break;
      }
      return removed;
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
