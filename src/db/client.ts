import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/** The Drizzle handle both drivers share; services take this, never a driver-specific type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: "pglite" | "postgres";
  /** Applies pending migrations from the committed `drizzle/` folder. */
  migrate(): Promise<void>;
  /** Embedded only: a dump of the data folder (tests clone a migrated template from it). */
  dump?: () => Promise<Blob>;
  /** Round-trips a trivial query; throws when the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; when absent an embedded PGlite database is used. */
  url?: string;
  /** Folder of the embedded database (created if missing). Ignored when `url` is set. */
  dataDir?: string;
  /** Load the embedded database from a dump (tests clone a migrated template this way). */
  loadDataDir?: Blob;
  /** Max pool size for PostgreSQL. */
  poolSize?: number;
  migrationsFolder?: string;
}

/** Arbitrary constant naming Roundabout's migration advisory lock. */
const MIGRATION_LOCK_ID = 727_001;

/** WAL kept by embedded PGlite, also as recycled segments (its minimum is 2 × wal_segment_size, 32 MB). */
const PGLITE_MAX_WAL_SIZE = "32MB";
/** WAL written since the last checkpoint that makes embedded PGlite checkpoint, and how often to look. */
const PGLITE_CHECKPOINT_BYTES = 16 * 1024 * 1024;
const PGLITE_WAL_CHECK_MS = 5_000;

const defaultMigrationsFolder = () => path.resolve(process.cwd(), "drizzle");

/** Opens PostgreSQL (postgres.js) when a URL is given, else PGlite in `dataDir` (or in memory). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10, migrationsFolder);
  return openPglite(options.dataDir, options.loadDataDir, migrationsFolder);
}

async function openPostgres(url: string, max: number, migrationsFolder: string): Promise<Database> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  // One connection is reserved for the migration lock, so the pool needs at least two.
  const sql = postgres(url, {
    max: Math.max(2, max),
    onnotice: () => {},
    connection: { application_name: "roundabout" },
  });
  const db = drizzle(sql, { schema });
  return {
    db: db as unknown as Db,
    kind: "postgres",
    // Several instances may start together: an advisory lock makes them migrate one after another.
    migrate: async () => {
      const reserved = await sql.reserve();
      try {
        await reserved`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migrate(db, { migrationsFolder });
      } finally {
        await reserved`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => undefined);
        reserved.release();
      }
    },
    ping: async () => {
      await sql`select 1`;
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

async function openPglite(
  dataDir: string | undefined,
  loadDataDir: Blob | undefined,
  migrationsFolder: string,
): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  // PGlite does not create missing parent folders and then fails with a confusing SQL error.
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // PGlite has no checkpointer process: without a small max_wal_size its WAL grows to the 1 GB
  // default before a checkpoint recycles it (most of a small data folder's size).
  const client = await PGlite.create({
    dataDir,
    loadDataDir,
    startParams: [
      ...PGlite.defaultStartParams,
      ...["-c", `max_wal_size=${PGLITE_MAX_WAL_SIZE}`, "-c", `min_wal_size=${PGLITE_MAX_WAL_SIZE}`],
    ],
  });
  const db = drizzle(client, { schema });
  const walTimer = setInterval(() => void checkpointWhenWalGrew(client), PGLITE_WAL_CHECK_MS);
  walTimer.unref();
  return {
    db: db as unknown as Db,
    kind: "pglite",
    migrate: () => migrate(db, { migrationsFolder }),
    dump: async () => client.dumpDataDir("gzip"),
    ping: async () => {
      await client.query("select 1");
    },
    close: () => {
      clearInterval(walTimer);
      return client.close();
    },
  };
}

/**
 * PGlite runs PostgreSQL in single-user mode: no checkpointer process, so nothing checkpoints and the
 * WAL keeps every segment since the last checkpoint (it grew to 208 MB over 100k logged requests).
 * Checkpoint once PGLITE_CHECKPOINT_BYTES were written since the last one; its errors are ignored
 * (the next tick tries again).
 */
async function checkpointWhenWalGrew(client: {
  query<T>(q: string): Promise<{ rows: T[] }>;
  exec(q: string): Promise<unknown>;
}): Promise<void> {
  try {
    const { rows } = await client.query<{ bytes: number }>(
      "select pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::float8 as bytes from pg_control_checkpoint()",
    );
    if ((rows[0]?.bytes ?? 0) >= PGLITE_CHECKPOINT_BYTES) await client.exec("checkpoint");
  } catch {
    // Closed meanwhile, or busy: the next tick tries again.
  }
}
