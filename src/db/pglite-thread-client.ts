import { spawn } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
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
  /** Applied by the creating process when `dataDir` is new (the caller's migrate() then finds it done). */
  migrationsFolder?: string;
}

/** The plain-JavaScript entries: beside this module in src/db (tsx, vitest) and in dist/ (build). */
const WORKER_FILE = "pglite-worker.mjs";
const CREATE_FILE = "pglite-create.mjs";

/** Where the worker thread's entry is. */
export function pgliteWorkerPath(): string {
  return entryPath(WORKER_FILE);
}

/**
 * Where one of the entries is. Built from a variable on purpose: bundlers (esbuild, Next's) would
 * otherwise try to treat a literal `new URL(..., import.meta.url)` as an asset of their own.
 */
function entryPath(file: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, file), path.resolve(process.cwd(), "src", "db", file)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(`the embedded database's ${file} is missing (looked for ${candidates.join(", ")})`);
  return found;
}

/**
 * Starts the database thread and opens PGlite in it; resolves once the database answers. A data folder
 * that does not exist yet is first created and migrated by a short-lived process (`pglite-create.mjs`):
 * creating a cluster peaks at ~750 MB, which glibc keeps in its malloc arenas after it is freed, so a
 * server that created its folder itself rested ~100 MB above a restarted one (ending a thread does not
 * give that back; ending a process does).
 */
export async function openPgliteThread(options: OpenPgliteThreadOptions): Promise<PgliteThreadClient> {
  const { dataDir, loadDataDir } = options;
  if (dataDir !== undefined && loadDataDir === undefined && !existsSync(path.join(dataDir, "PG_VERSION"))) {
    await createPgliteFolder(dataDir, options.migrationsFolder);
  }
  return startPgliteThread(options);
}

/**
 * Runs `pglite-create.mjs` on a staging folder beside `dataDir` and waits for it, then renames the
 * staging folder into place: a first start stopped half-way (Ctrl-C reaches the child too) leaves no
 * half-made database behind, and the next start clears what it left. The child's error message
 * becomes ours.
 */
async function createPgliteFolder(dataDir: string, migrationsFolder: string | undefined): Promise<void> {
  // A file, or a folder with files but no database, is not ours to write over.
  if (existsSync(dataDir) && (!statSync(dataDir).isDirectory() || readdirSync(dataDir).length > 0)) {
    throw new Error(
      `Could not create the embedded database in ${dataDir}: something else is there (a file, or a folder with files but no PG_VERSION); move it away or empty it.`,
    );
  }
  const staging = `${dataDir}.creating`;
  removeFolder(staging);
  // No loaders or flags of this process (tsx, vitest, --inspect): the script is plain JavaScript.
  const child = spawn(
    process.execPath,
    [
      entryPath(CREATE_FILE),
      staging,
      JSON.stringify(PGLITE_SETTINGS),
      ...(migrationsFolder ? [migrationsFolder] : []),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) {
    removeFolder(staging);
    const reason = stderr.trim().split("\n").at(-1) || `exit code ${code}`;
    throw new Error(`Could not create the embedded database in ${dataDir}: ${reason}`);
  }
  try {
    renameSync(staging, dataDir); // replaces the empty folder, if there is one
  } catch (err) {
    removeFolder(staging);
    throw err;
  }
}

/** Removes a folder if it is there; a path through a file (ENOTDIR) is reported by the creation. */
function removeFolder(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOTDIR") throw err;
  }
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
