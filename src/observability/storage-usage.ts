import { sql } from "drizzle-orm";
import type { StorageUsage } from "../contracts/health";
import type { Db } from "../db/client";
import { executeRows } from "../db/execute-rows";
import type { StateStore } from "../store/types";
import type { Logger } from "./logger";

/**
 * The database size and the state store's memory and key counts, for the health page and `/metrics`.
 * Read at most once per `ttlMs` (a scrape every few seconds from several scrapers costs one read),
 * each part on its own: a store that does not answer leaves the database figure standing.
 */

export interface StorageUsageSource {
  /** The latest figures (cached for `ttlMs`); never throws — an unreadable part is null. */
  read(): Promise<StorageUsage>;
}

export interface StorageUsageOptions {
  readonly db: Db;
  readonly databaseKind: "pglite" | "postgres";
  readonly store: Pick<StateStore, "kind" | "usage">;
  readonly logger?: Logger;
  /** How long a reading is reused (default 15 s). */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

const DEFAULT_TTL_MS = 15_000;

/** Creates the cached storage-usage reader of one runtime. */
export function createStorageUsage(options: StorageUsageOptions): StorageUsageSource {
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const now = options.now ?? Date.now;
  let cached: { at: number; value: Promise<StorageUsage> } | null = null;

  async function readDatabaseBytes(): Promise<number | null> {
    try {
      const [row] = await executeRows<{ bytes: string | number }>(
        options.db,
        sql`select pg_database_size(current_database()) as bytes`,
      );
      return row === undefined ? null : Number(row.bytes);
    } catch (err) {
      options.logger?.warn({ err: String(err) }, "database size could not be read");
      return null;
    }
  }

  async function readStore(): Promise<StorageUsage["stateStore"]> {
    try {
      const usage = await options.store.usage();
      return { kind: options.store.kind, ...usage };
    } catch (err) {
      options.logger?.warn({ err: String(err) }, "state store usage could not be read");
      return {
        kind: options.store.kind,
        usedMemoryBytes: null,
        maxMemoryBytes: null,
        keys: null,
        prefixKeys: null,
      };
    }
  }

  async function measure(): Promise<StorageUsage> {
    const [databaseBytes, stateStore] = await Promise.all([readDatabaseBytes(), readStore()]);
    return {
      measuredAt: new Date(now()).toISOString(),
      database: { kind: options.databaseKind, sizeBytes: databaseBytes },
      stateStore,
    };
  }

  return {
    read() {
      const t = now();
      if (cached === null || t - cached.at >= ttlMs) cached = { at: t, value: measure() };
      return cached.value;
    },
  };
}
