/**
 * The messages between the main thread and the embedded database's thread (`pglite-worker.mjs`).
 * Every request carries an `id`; the worker answers each with one `WorkerReply` of the same id.
 * Statements inside a transaction carry its `txId` (from `begin`) and run on the parked transaction.
 */

/**
 * Server settings the embedded database starts with (`-c name=value`, not written to its folder).
 * - shared_buffers: PostgreSQL's default 128 MB cache is most of an idle PGlite's memory (RSS 300 ->
 *   174 MB for PGlite alone at 16 MB); the operating system's page cache still holds the data files.
 * - max_wal_size: PGlite has no checkpointer process; without a small max_wal_size its WAL grows to
 *   the 1 GB default before a checkpoint recycles it (its minimum is 2 × wal_segment_size, 32 MB).
 *   Checkpoints themselves are requested by client.ts (withWalCheckpoints): nothing else makes them.
 */
export const PGLITE_SETTINGS: readonly string[] = [
  "shared_buffers=16MB",
  "max_wal_size=32MB",
  // Recycled WAL segments are kept up to min_wal_size (default 80 MB): keep no more than max_wal_size.
  "min_wal_size=32MB",
];

export type WorkerRequest =
  | { id: number; op: "open"; dataDir?: string; loadDataDir?: ArrayBuffer; settings: string[] }
  | {
      id: number;
      op: "query";
      sql: string;
      /**
       * The statement's parameters. One exception: `copy <table> (…) from '/dev/blob' -- rows: $1` with
       * one string parameter reads that string as its rows (COPY text format); PGlite takes it as a blob.
       */
      params: unknown[];
      rowMode: "array" | "object";
      /** Type ids whose text is returned unparsed (drizzle keeps timestamps, dates, intervals as text). */
      rawTypes: number[];
      txId?: number;
    }
  | { id: number; op: "exec"; sql: string; txId?: number }
  | { id: number; op: "begin" }
  | { id: number; op: "end"; txId: number; commit: boolean }
  | { id: number; op: "dump" }
  | { id: number; op: "close" };

/** What a request without its id looks like (the client numbers them). */
export type WorkerCall = WorkerRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, "id">
    : never
  : never;

/** A database error's primitive fields (SQLSTATE `code`, `constraint`, `detail`...); never parameters. */
export interface WorkerErrorFields {
  message: string;
  name: string;
  [field: string]: string | number | boolean;
}

export type WorkerReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerErrorFields };

/** One statement's result as PGlite shapes it (what drizzle's PGlite session reads). */
export interface ThreadResults {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}
