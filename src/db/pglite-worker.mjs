// The embedded database's thread (node:worker_threads): it owns the PGlite instance so that PGlite's
// synchronous WebAssembly never runs on the request loop. The main thread talks to it through
// `pglite-thread-client.ts`; the messages are described in `pglite-thread-protocol.ts`.
//
// Plain JavaScript on purpose: the same file runs under tsx/vitest (next to client.ts) and from
// dist/ after `npm run build` (copied there by scripts/build-server.mjs), with no TypeScript loader.
import { mkdirSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

if (!parentPort) throw new Error("pglite-worker.mjs runs only as a worker thread");
const port = parentPort;

/** @type {PGlite | null} */
let pg = null;
/** Open transactions by id: PGlite's transaction object and the switch that ends it. */
const transactions = new Map();
let nextTxId = 1;
/** Parser tables by the list of type ids whose text is kept as is (drizzle's timestamp/date handling). */
const parserCache = new Map();

/** Marks a rollback the main thread asked for, so it is not reported as a failure. */
const ROLLBACK = Symbol("rollback");

/** The identity parsers for `rawTypes` (drizzle keeps timestamps, dates and intervals as text). */
function parsersFor(rawTypes) {
  if (!rawTypes || rawTypes.length === 0) return undefined;
  const key = rawTypes.join(",");
  let parsers = parserCache.get(key);
  if (!parsers) {
    parsers = {};
    for (const oid of rawTypes) parsers[oid] = (value) => value;
    parserCache.set(key, parsers);
  }
  return parsers;
}

/** The fields of an error worth sending back (SQLSTATE, constraint...); never the parameters. */
function describeError(err) {
  const fields = { message: String(err?.message ?? err), name: String(err?.name ?? "Error") };
  if (err && typeof err === "object") {
    for (const [key, value] of Object.entries(err)) {
      if (key === "params" || key === "queryOptions") continue;
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        fields[key] = value;
      }
    }
  }
  return fields;
}

function database() {
  if (!pg) throw new Error("the embedded database is not open");
  return pg;
}

/** The executor of a message: an open transaction, or the database itself. */
function executorOf(txId) {
  if (txId === undefined || txId === null) return database();
  const entry = transactions.get(txId);
  if (!entry) throw new Error(`transaction ${txId} is not open`);
  return entry.tx;
}

async function open(message) {
  if (message.dataDir) mkdirSync(message.dataDir, { recursive: true });
  const loadDataDir = message.loadDataDir ? new Blob([message.loadDataDir]) : undefined;
  const startParams = [...PGlite.defaultStartParams, ...message.settings.flatMap((s) => ["-c", s])];
  pg = await PGlite.create({ dataDir: message.dataDir, loadDataDir, startParams });
  return null;
}

/**
 * `copy <table> (…) from '/dev/blob' -- rows: $1`: the protocol's one statement that takes its rows
 * (its only parameter) as a blob. The placeholder sits in a comment because drizzle writes it there.
 */
const COPY_FROM_BLOB = /^copy\s[^;]*\sfrom\s+'\/dev\/blob'\s*--\s*rows:\s*\$1$/i;

/** The query's parameters and options: a blob COPY's single string parameter becomes PGlite's `blob`. */
function queryArguments(message) {
  const params = message.params ?? [];
  const options = { rowMode: message.rowMode, parsers: parsersFor(message.rawTypes) };
  if (params.length === 1 && typeof params[0] === "string" && COPY_FROM_BLOB.test(message.sql)) {
    return { params: [], options: { ...options, blob: new Blob([params[0]]) } };
  }
  return { params, options };
}

async function query(message) {
  const { params, options } = queryArguments(message);
  const result = await executorOf(message.txId).query(message.sql, params, options);
  return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
}

async function exec(message) {
  const results = await executorOf(message.txId).exec(message.sql);
  return results.map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows }));
}

/**
 * Opens a transaction and parks it: PGlite's own transaction() runs BEGIN, then waits until an `end`
 * message commits (the callback returns) or rolls back (it throws). Other queries wait meanwhile, as
 * they would in-process.
 */
function begin() {
  return new Promise((resolveBegin, rejectBegin) => {
    const txId = nextTxId++;
    const finished = database()
      .transaction(
        (tx) =>
          new Promise((commit, rollback) => {
            transactions.set(txId, { tx, commit, rollback, finished });
            resolveBegin(txId);
          }),
      )
      .finally(() => transactions.delete(txId));
    // BEGIN itself failed (the callback never ran); later outcomes are the `end` message's business.
    finished.catch(rejectBegin);
  });
}

async function end(message) {
  const entry = transactions.get(message.txId);
  if (!entry || !entry.commit) throw new Error(`transaction ${message.txId} is not open`);
  if (message.commit) {
    entry.commit(null);
    await entry.finished;
    return null;
  }
  entry.rollback(ROLLBACK);
  try {
    await entry.finished;
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  return null;
}

async function dump() {
  const file = await database().dumpDataDir("gzip");
  return await file.arrayBuffer();
}

async function close() {
  if (pg) await pg.close();
  pg = null;
  return null;
}

const OPERATIONS = { open, query, exec, begin, end, dump, close };

port.on("message", (message) => {
  const operation = OPERATIONS[message.op];
  const run = operation
    ? Promise.resolve().then(() => operation(message))
    : Promise.reject(new Error(`unknown database operation ${message.op}`));
  run.then(
    (value) => {
      if (value instanceof ArrayBuffer) port.postMessage({ id: message.id, ok: true, value }, [value]);
      else port.postMessage({ id: message.id, ok: true, value });
    },
    (err) => port.postMessage({ id: message.id, ok: false, error: describeError(err) }),
  );
});
