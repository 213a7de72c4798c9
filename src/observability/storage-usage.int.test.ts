import { afterAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { createStore } from "../store/create-store";
import { createMemoryStore } from "../store/memory-store";
import type { StateStore } from "../store/types";
import { DATABASE_KINDS, openTestDatabase, testRedis } from "../testing/test-database";
import { createMetrics } from "./metrics";
import { createStorageUsage } from "./storage-usage";

/**
 * Database size and state-store usage as the health page and /metrics show them, on both database
 * drivers and both stores: real figures, the prefix's own key count, caching, and a store that fails.
 */

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
});

async function open(kind: (typeof DATABASE_KINDS)[number]): Promise<Database> {
  const db = await openTestDatabase(kind);
  opened.push(db);
  return db;
}

describe.each(DATABASE_KINDS)("storage usage on %s", (kind) => {
  it("reports the database size and Redis memory and keys (prefix counted), cached for the TTL", async () => {
    const database = await open(kind);
    const redis = testRedis();
    const store: StateStore = await createStore({ redisUrl: redis.url, prefix: redis.prefix });
    opened.push(store);
    for (const key of ["a", "b", "c"]) await store.set(key, "1", { ttlMs: 60_000 });
    let clock = 1_000_000;
    const usage = createStorageUsage({
      db: database.db,
      databaseKind: database.kind,
      store,
      now: () => clock,
    });
    const first = await usage.read();
    expect(first.database.kind).toBe(kind);
    expect(first.database.sizeBytes).toBeGreaterThan(1_000_000);
    expect(first.stateStore).toMatchObject({ kind: "redis", prefixKeys: 3 });
    expect(first.stateStore.usedMemoryBytes).toBeGreaterThan(100_000);
    expect(first.stateStore.keys).toBeGreaterThanOrEqual(3);

    await store.set("d", "1", { ttlMs: 60_000 });
    expect(await usage.read()).toBe(first);
    clock += 15_000;
    expect((await usage.read()).stateStore.prefixKeys).toBe(4);

    const metrics = createMetrics();
    metrics.attach({ storage: usage });
    const text = await metrics.registry.metrics();
    expect(
      Number(/^roundabout_database_size_bytes\{backend="(?:pglite|postgres)"\} (\d+)$/m.exec(text)?.[1]),
    ).toBeGreaterThan(1_000_000);
    expect(text).toMatch(/^roundabout_state_store_prefix_keys\{backend="redis"\} 4$/m);
    expect(text).toMatch(/^roundabout_state_store_memory_bytes\{backend="redis"\} \d+$/m);
  });
});

describe("storage usage with the in-process store", () => {
  it("counts entries, has no memory figure, and a failing store leaves the database figure", async () => {
    const database = await open("pglite");
    const store = createMemoryStore();
    opened.push(store);
    await store.set("k", "v");
    const usage = await createStorageUsage({ db: database.db, databaseKind: "pglite", store }).read();
    expect(usage.stateStore).toEqual({
      kind: "memory",
      usedMemoryBytes: null,
      maxMemoryBytes: null,
      keys: 1,
      prefixKeys: 1,
    });
    const failing = { kind: "redis" as const, usage: () => Promise.reject(new Error("down")) };
    const partial = await createStorageUsage({
      db: database.db,
      databaseKind: "pglite",
      store: failing,
    }).read();
    expect(partial.database.sizeBytes).toBeGreaterThan(0);
    expect(partial.stateStore.keys).toBeNull();
    const metrics = createMetrics();
    metrics.attach({
      storage: createStorageUsage({ db: database.db, databaseKind: "pglite", store: failing }),
    });
    expect(await metrics.registry.metrics()).not.toMatch(/^roundabout_state_store_keys\{/m);
  });
});
