import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { executeRows } from "./execute-rows";
import * as schema from "./schema";

/** The Drizzle handle both drivers share; services take this, never a driver-specific type. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: "pglite" | "postgres";
  /**
   * True when `copy <table> (…) from '/dev/blob' -- rows: $1`, with the rows in COPY text format as
   * its one parameter, works: the embedded database's thread (pglite-thread-protocol.ts). PGlite
   * parses COPY text faster than JSON (the log writer's batch insert).
   */
  readonly blobCopy: boolean;
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
  /**
   * Embedded only: run PGlite on the calling thread instead of its own worker thread. Only for
   * comparisons (bench); the server keeps it off the request loop.
   */
  pgliteOnThisThread?: boolean;
}

/** Arbitrary constant naming Roundabout's migration advisory lock. */
const MIGRATION_LOCK_ID = 727_001;

const defaultMigrationsFolder = () => path.resolve(process.cwd(), "drizzle");

/** Opens PostgreSQL (postgres.js) when a URL is given, else PGlite in `dataDir` (or in memory). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10, migrationsFolder);
  const database = options.pgliteOnThisThread
    ? await openPglite(options.dataDir, options.loadDataDir, migrationsFolder)
    : await openPgliteInThread(options.dataDir, options.loadDataDir, migrationsFolder);
  return withWalCheckpoints(database);
}

/** WAL written since the last checkpoint that makes embedded PGlite checkpoint, and how often to look. */
const PGLITE_CHECKPOINT_BYTES = 16 * 1024 * 1024;
const PGLITE_WAL_CHECK_MS = 5_000;

/**
 * PGlite runs PostgreSQL in single-user mode: no checkpointer process, so nothing checkpoints and the
 * WAL keeps every segment since the last checkpoint, max_wal_size or not (it grew to 208 MB over
 * 100k logged requests). A timer checkpoints once PGLITE_CHECKPOINT_BYTES were written since the last
 * checkpoint; close() stops it.
 */
function withWalCheckpoints(database: Database): Database {
  const timer = setInterval(() => void checkpointWhenWalGrew(database.db), PGLITE_WAL_CHECK_MS);
  timer.unref();
  return {
    ...database,
    close: () => {
      clearInterval(timer);
      return database.close();
    },
  };
}

async function checkpointWhenWalGrew(db: Db): Promise<void> {
  try {
    const rows = await executeRows<{ bytes: number }>(
      db,
      sql`select pg_wal_lsn_diff(pg_current_wal_lsn(), redo_lsn)::float8 as bytes from pg_control_checkpoint()`,
    );
    if (Number(rows[0]?.bytes ?? 0) >= PGLITE_CHECKPOINT_BYTES) await db.execute(sql`checkpoint`);
  } catch {
    // Closed meanwhile, or busy: the next tick tries again.
  }
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
    blobCopy: false,
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

/**
 * Embedded PGlite in a worker thread (`pglite-thread-client.ts`): drizzle's PGlite driver runs here
 * over a client that sends each statement to the thread, so its synchronous WebAssembly never blocks
 * the request loop. Transactions, migrations and dumps go through the same client.
 */
async function openPgliteInThread(
  dataDir: string | undefined,
  loadDataDir: Blob | undefined,
  migrationsFolder: string,
): Promise<Database> {
  const { openPgliteThread } = await import("./pglite-thread-client");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = await openPgliteThread({ dataDir, loadDataDir, migrationsFolder });
  // The client implements what drizzle's PGlite session calls (query, exec, transaction).
  const db = drizzle(client as unknown as PGlite, { schema });
  return {
    db: db as unknown as Db,
    kind: "pglite",
    blobCopy: true,
    migrate: () => migrate(db, { migrationsFolder }),
    dump: () => client.dumpDataDir(),
    ping: async () => {
      await client.query("select 1");
    },
    close: () => client.close(),
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
  const { PGLITE_SETTINGS } = await import("./pglite-thread-protocol");
  const startParams = [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ["-c", s])];
  const client = await PGlite.create({ dataDir, loadDataDir, startParams });
  const db = drizzle(client, { schema });
  return {
    db: db as unknown as Db,
    kind: "pglite",
    blobCopy: false,
    migrate: () => migrate(db, { migrationsFolder }),
    dump: async () => client.dumpDataDir("gzip"),
    ping: async () => {
      await client.query("select 1");
    },
    close: () => client.close(),
  };
}
