import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  PGLITE_SETTINGS,
  type ThreadResults,
  type WorkerCall,
  type WorkerErrorFields,
  type WorkerReply,
  type WorkerRequest,
} from "./pglite-thread-protocol";

/**
 * The embedded database seen from the main thread: PGlite runs in a worker thread
 * (`pglite-worker.mjs`) and this client implements the part of PGlite's interface drizzle's PGlite
 * driver calls — `query(sql, params, options)`, `exec`, `transaction(fn)` — by messages. A statement
 * costs the main thread one structured clone of its parameters and one of its rows; the SQL itself
 * (a 500-row log batch, a month of statistics) runs on the other thread, so the proxy loop stays free.
 */

/** What drizzle passes as the third argument of `query` (its parsers keep some types as text). */
interface QueryOptions {
  rowMode?: "array" | "object";
  parsers?: Record<number, unknown>;
}

/** A transaction as drizzle's PGlite session uses it. */
export interface ThreadTransaction {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<ThreadResults>;
  exec(sql: string): Promise<ThreadResults[]>;
}

export interface PgliteThreadClient extends ThreadTransaction {
  transaction<T>(fn: (tx: ThreadTransaction) => Promise<T>): Promise<T>;
  /** The data folder as a gzipped tarball (tests clone a migrated template from it). */
  dumpDataDir(): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenPgliteThreadOptions {
  dataDir?: string;
  loadDataDir?: Blob;
}

/** The worker entry's file name: beside this module in src/db (tsx, vitest) and in dist/ (build). */
const WORKER_FILE = "pglite-worker.mjs";

/**
 * Where the worker entry is. Built from a variable on purpose: bundlers (esbuild, Next's) would
 * otherwise try to treat a literal `new URL(..., import.meta.url)` as an asset of their own.
 */
export function pgliteWorkerPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, WORKER_FILE), path.resolve(process.cwd(), "src", "db", WORKER_FILE)];
  const found = candidates.find((file) => existsSync(file));
  if (!found)
    throw new Error(`the embedded database's worker entry is missing (looked for ${candidates.join(", ")})`);
  return found;
}

/**
 * Starts the database thread and opens PGlite in it; resolves once the database answers. A data folder
 * that does not exist yet is created in a first thread that is then ended: creating the database
 * (initdb) grows PGlite's WebAssembly heap to ~800 MB and a heap never shrinks, so the server would
 * otherwise carry that from its first start on (a reopened folder idles at ~250 MB in all).
 */
export async function openPgliteThread(options: OpenPgliteThreadOptions): Promise<PgliteThreadClient> {
  const creates =
    options.dataDir !== undefined &&
    options.loadDataDir === undefined &&
    !existsSync(path.join(options.dataDir, "PG_VERSION"));
  if (creates) await (await startPgliteThread(options)).close();
  return startPgliteThread(options);
}

async function startPgliteThread(options: OpenPgliteThreadOptions): Promise<PgliteThreadClient> {
  // No loaders or flags of the main process (tsx, vitest): the worker is plain JavaScript.
  const worker = new Worker(pgliteWorkerPath(), { execArgv: [] });
  const channel = createChannel(worker);
  const loadDataDir = options.loadDataDir ? await options.loadDataDir.arrayBuffer() : undefined;
  try {
    await channel.call(
      { op: "open", dataDir: options.dataDir, loadDataDir, settings: [...PGLITE_SETTINGS] },
      loadDataDir ? [loadDataDir] : [],
    );
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  const executor = (txId?: number): ThreadTransaction => ({
    query: async (sql, params = [], queryOptions = {}) =>
      (await channel.call({
        op: "query",
        sql,
        params,
        rowMode: queryOptions.rowMode ?? "object",
        rawTypes: rawTypesOf(queryOptions),
        txId,
      })) as ThreadResults,
    exec: async (sql) => (await channel.call({ op: "exec", sql, txId })) as ThreadResults[],
  });
  return {
    ...executor(),
    async transaction(fn) {
      const txId = (await channel.call({ op: "begin" })) as number;
      let result;
      try {
        result = await fn(executor(txId));
      } catch (err) {
        // The caller's error is the one that matters; a failed rollback shows up on the next statement.
        await channel.call({ op: "end", txId, commit: false }).catch(() => undefined);
        throw err;
      }
      await channel.call({ op: "end", txId, commit: true });
      return result;
    },
    async dumpDataDir() {
      const bytes = (await channel.call({ op: "dump" })) as ArrayBuffer;
      return new Blob([bytes], { type: "application/x-gzip" });
    },
    async close() {
      try {
        await channel.call({ op: "close" });
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** The type ids drizzle's parsers keep as text; the worker applies the same (identity) parsers. */
function rawTypesOf(options: QueryOptions): number[] {
  return options.parsers ? Object.keys(options.parsers).map(Number) : [];
}

interface Channel {
  call(message: WorkerCall, transfer?: ArrayBuffer[]): Promise<unknown>;
}

/**
 * Numbered request/reply over the worker's port. The worker keeps the process alive only while a
 * call is pending (an idle database must not hold a finished script or test open).
 */
function createChannel(worker: Worker): Channel {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  worker.unref();

  const settleAll = (err: Error) => {
    failure = err;
    for (const entry of pending.values()) entry.reject(err);
    pending.clear();
    worker.unref();
  };
  worker.on("message", (reply: WorkerReply) => {
    const entry = pending.get(reply.id);
    if (!entry) return;
    pending.delete(reply.id);
    if (pending.size === 0) worker.unref();
    if (reply.ok) entry.resolve(reply.value);
    else entry.reject(toError(reply.error));
  });
  worker.on("error", (err) => settleAll(new Error(`the embedded database's thread failed: ${err.message}`)));
  worker.on("exit", (code) => settleAll(new Error(`the embedded database's thread exited (code ${code})`)));

  return {
    call(message, transfer = []) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      if (pending.size === 0) worker.ref();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...message, id } as WorkerRequest, transfer);
      });
    },
  };
}

/** Rebuilds the database error on this thread, with its SQLSTATE fields (callers read `code`, `constraint`). */
function toError(fields: WorkerErrorFields): Error {
  const { message, name, ...rest } = fields;
  const err = new Error(message);
  err.name = name;
  return Object.assign(err, rest);
}
