import type { Db } from "../db/client";
import type { NewRequestLogRow } from "../db/schema/request-logs";
import { createRequestLogInsert } from "./insert-request-logs";
import type { LogSpill, LogSpillStats } from "./log-spill/log-spill";
import { createSpillFeeder } from "./log-spill/spill-feeder";
import { touchKeyUsage } from "./touch-key-usage";
import type { Logger } from "../observability/logger";
import { aggregateRollups } from "../stats/rollup-aggregate";
import { upsertRollups } from "../stats/rollup-write";
import { aggregateModelRollups, upsertModelRollups } from "../stats/model-rollups";

/**
 * Writes request-log rows off the hot path: `write()` only appends to a bounded in-memory queue;
 * batches go to the database as multi-row inserts, by time or by size. A failed batch goes back to the
 * front of the queue and is retried with backoff, so nothing is lost while the database comes back.
 * If it stays down, the queue holds `maxQueue` rows and then drops the OLDEST (counted, warned about
 * at most once per `warnIntervalMs`) — requests never wait for logging.
 *
 * Each batch is one transaction: the raw rows and the batch's statistics rollups (minute, hour and
 * day buckets upserted additively) commit together, so a retried batch is never counted twice and a rejected row is not counted at all.
 *
 * With a `spill` (log-spill/), rows are dropped only when the spill is full too: a batch whose insert
 * failed for an outage goes to the spill instead of back into the queue, and so do rows the full
 * queue would drop; the spill is replayed through the same insert once the database answers.
 * Request captures have their own writer (capture/capture-writer.ts).
 */

export interface LogWriterOptions {
  readonly db: Db;
  readonly logger: Logger;
  /** Rows per insert (default 500). */
  readonly batchSize?: number;
  /** Max delay before queued rows are written (default 250 ms). */
  readonly flushIntervalMs?: number;
  /** Rows held while the database is unavailable (default 50,000). */
  readonly maxQueue?: number;
  /** First retry delay after a failed insert (default 200 ms), doubling up to `retryMaxMs` (5 s). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Minimum gap between two warnings of the same kind (default 10 s). */
  readonly warnIntervalMs?: number;
  /** Maintain the statistics rollups with every batch (default true). */
  readonly rollups?: boolean;
  /** The database takes a batch as COPY text (`Database.blobCopy`: the embedded thread; default false). */
  readonly blobCopy?: boolean;
  readonly now?: () => number;
  /** Sees every row as it is queued (metrics, live stream); must be cheap. Its errors are swallowed. */
  readonly onWrite?: (row: NewRequestLogRow) => void;
  /** Where batches go while the database is away; opened by the caller and closed after close(). */
  readonly spill?: LogSpill;
}

export interface LogWriterStats {
  /** Rows waiting in the queue (not counting a batch being inserted). */
  readonly queued: number;
  /** Rows of the batch being inserted right now. */
  readonly inFlight: number;
  readonly written: number;
  /** Oldest rows dropped because the queue was full (and the spill, if any, refused them). */
  readonly dropped: number;
  /** Rows the database rejected individually (bad data, not an outage). */
  readonly rejected: number;
  readonly failedInserts: number;
  /** Batches written (one transaction each). */
  readonly batches: number;
  /** The spill's figures (rows waiting, bytes, fill ratio, appended and replayed rows), if there is one. */
  readonly spill?: LogSpillStats;
}

export interface LogWriter {
  /** Queues one row; never blocks, never throws. */
  write(row: NewRequestLogRow): void;
  /** Writes everything queued, retrying for up to `timeoutMs` (default 10 s); resolves with rows left. */
  flush(timeoutMs?: number): Promise<number>;
  /** Stops timers after a final flush; rows written later are dropped and counted. */
  close(timeoutMs?: number): Promise<void>;
  stats(): LogWriterStats;
}

/** Creates a log writer (its timers are unref'd; call close() on shutdown). */
export function createLogWriter(options: LogWriterOptions): LogWriter {
  const batchSize = options.batchSize ?? 500;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const maxQueue = options.maxQueue ?? 50_000;
  const maxSpillPending = Math.max(maxQueue, 50_000);
  const retryBaseMs = options.retryBaseMs ?? 200;
  const retryMaxMs = options.retryMaxMs ?? 5_000;
  const warnIntervalMs = options.warnIntervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  const writeRollups = options.rollups ?? true;
  const { db, logger, onWrite, spill } = options;

  let buf: NewRequestLogRow[] = [];
  let head = 0;
  let inFlight = 0;
  let written = 0;
  let dropped = 0;
  let rejected = 0;
  let failedInserts = 0;
  let batches = 0;
  let consecutiveFailures = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let closed = false;
  const lastWarn = { drop: 0, fail: 0 };

  const size = () => buf.length - head;

  const warn = (kind: "drop" | "fail", message: string, fields: Record<string, unknown>) => {
    const t = now();
    if (t - lastWarn[kind] < warnIntervalMs) return;
    lastWarn[kind] = t;
    logger.warn(fields, message);
  };

  const dropOldest = (count: number) => {
    head += count;
    dropped += count;
    warn("drop", "request-log queue full: dropping the oldest rows", { dropped, maxQueue });
  };

  /**
   * The queue holds `count` rows too many: the oldest go to the spill (a batch's worth at once, so the
   * queue has room for a while), or are dropped without a spill or while the disk lags so far behind
   * that `maxSpillPending` rows wait for it (memory stays bounded when the disk hangs).
   */
  const overflow = (count: number) => {
    if (feeder === null || feeder.pendingRows() >= maxSpillPending) {
      dropOldest(count);
      return;
    }
    const rows = shift(Math.min(size(), Math.max(count, batchSize)));
    feeder.hand(rows);
  };

  /** Takes the `n` oldest rows off the queue. */
  const shift = (n: number): NewRequestLogRow[] => {
    const rows = buf.slice(head, head + n);
    head += n;
    if (head > 4096 && head * 2 > buf.length) {
      buf = buf.slice(head);
      head = 0;
    }
    return rows;
  };

  const take = (): NewRequestLogRow[] => shift(Math.min(batchSize, size()));

  const putBack = (batch: NewRequestLogRow[]) => {
    buf = batch.concat(buf.slice(head));
    head = 0;
    const over = size() - maxQueue;
    if (over > 0) overflow(over);
  };

  const insertLogs = createRequestLogInsert(options.blobCopy === true ? "copy" : "json");
  // Raw rows and their rollups commit together, so a retried batch never counts twice and a
  // rollup never describes rows that are not there.
  const insert = async (rows: NewRequestLogRow[]) => {
    await db.transaction(async (tx) => {
      await insertLogs(tx, rows);
      await touchKeyUsage(tx, rows);
      if (writeRollups) {
        await upsertRollups(tx, aggregateRollups(rows));
        await upsertModelRollups(tx, aggregateModelRollups(rows));
      }
    });
  };

  /**
   * When a batch fails on bad data, insert its rows one by one: a row the database rejects as
   * bad data (SQLSTATE class 22/23) is dropped and counted; any other error means an outage, and the
   * rows not yet written are returned to be retried.
   */
  const isolateBadRows = async (batch: NewRequestLogRow[]): Promise<NewRequestLogRow[]> => {
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      try {
        await insert([row]);
        written++;
      } catch (err) {
        if (!isDataError(err)) return batch.slice(i);
        rejected++;
        logger.error({ requestId: row.id, err: describeDbError(err) }, "request-log row rejected");
      }
    }
    return [];
  };

  /** A replayed batch goes in like a queued one: bad rows are rejected alone; an outage rejects. */
  const insertReplayed = async (rows: NewRequestLogRow[]) => {
    try {
      await insert(rows);
      written += rows.length;
    } catch (err) {
      if (!isDataError(err) || (await isolateBadRows(rows)).length > 0) throw err;
    }
  };

  const feeder =
    spill === undefined
      ? null
      : createSpillFeeder({
          spill,
          insert: insertReplayed,
          onRefused: (rows) => {
            dropped += rows;
            warn("drop", "request-log spill refused rows: dropping them", { dropped });
          },
          logger,
          retryBaseMs,
          retryMaxMs,
          warnIntervalMs,
        });

  const schedule = (delayMs: number) => {
    if (timer !== null || closed) return;
    timer = setTimeout(() => {
      timer = null;
      void drain();
    }, delayMs);
    timer.unref();
  };

  /**
   * Writes batches. A timer-started drain writes what is queued, then only full batches: under steady
   * traffic rows arrive while a batch is being written, and writing those few at once would turn
   * one 500-row transaction every 250 ms into dozens of tiny ones a second (each with its fixed cost:
   * begin, the rollup upserts, commit — 15 ms on embedded PGlite at 30 rows, 15× more CPU per row).
   * A partial remainder waits for the next interval. `flush` drains everything.
   */
  const runDrain = async (all: boolean) => {
    let first = true;
    while (size() > 0) {
      if (!all && !first && size() < batchSize) {
        schedule(flushIntervalMs);
        return;
      }
      first = false;
      const batch = take();
      inFlight = batch.length;
      try {
        await insert(batch);
        written += batch.length;
        batches++;
        consecutiveFailures = 0;
        feeder?.databaseAnswered();
      } catch (err) {
        failedInserts++;
        consecutiveFailures++;
        const retry = isDataError(err) ? await isolateBadRows(batch) : batch;
        if (retry.length === 0) {
          consecutiveFailures = 0;
          continue;
        }
        if (feeder !== null && !closed) {
          feeder.hand(retry);
        } else putBack(retry);
        warn("fail", "request-log insert failed; rows kept for retry", {
          queued: size(),
          err: describeDbError(err),
        });
        const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(consecutiveFailures - 1, 20));
        schedule(delay);
        return;
      } finally {
        inFlight = 0;
      }
    }
  };

  const drain = (all = false): Promise<void> => {
    if (running === null) {
      running = runDrain(all).finally(() => {
        running = null;
        // A row written after the loop's last look (from a promise continuation) has no timer yet.
        if (size() > 0 && consecutiveFailures === 0) schedule(flushIntervalMs);
      });
    }
    return running;
  };

  const flush = async (timeoutMs = 10_000): Promise<number> => {
    const deadline = now() + timeoutMs;
    while (size() > 0 || running !== null) {
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
      await drain(true);
      if (size() === 0) break;
      if (now() >= deadline) break;
      // No failure: what is left came in meanwhile (or a timer-started drain left it); write it now.
      if (consecutiveFailures === 0) continue;
      await new Promise((r) =>
        setTimeout(r, Math.min(retryMaxMs, 100 * 2 ** Math.min(consecutiveFailures, 5))),
      );
    }
    // Rows handed to the spill are safe once their append finished.
    await feeder?.settle();
    return size();
  };

  return {
    write(row) {
      if (onWrite !== undefined) observe(onWrite, row);
      if (closed) {
        dropped++;
        return;
      }
      buf.push(row);
      if (size() > maxQueue) overflow(size() - maxQueue);
      if (running !== null) return; // the drain loop picks the row up
      if (consecutiveFailures > 0) {
        schedule(retryBaseMs); // no-op while the backoff timer is pending
        return;
      }
      if (size() >= batchSize) {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        void drain();
      } else schedule(flushIntervalMs);
    },
    flush,
    async close(timeoutMs = 10_000) {
      // With a spill, waiting for a database that is failing right now gains nothing.
      await flush(feeder !== null && consecutiveFailures > 0 ? 0 : timeoutMs);
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      // A retry the backoff timer started meanwhile puts its batch back when it fails.
      await running;
      const left = size();
      if (feeder !== null) {
        while (size() > 0) feeder.hand(take());
        await feeder.settle();
        await feeder.stop();
        if (left > 0)
          logger.warn({ spilled: left }, "request-log rows not written before shutdown were spilled");
      } else if (left > 0)
        logger.error({ lost: left }, "request-log rows could not be written before shutdown");
    },
    stats: () => ({
      queued: size(),
      inFlight,
      written,
      dropped,
      rejected,
      failedInserts,
      batches,
      ...(spill === undefined ? {} : { spill: spill.stats() }),
    }),
  };
}

/** Runs the row observer; a throwing observer must never cost the request its log row. */
function observe(onWrite: (row: NewRequestLogRow) => void, row: NewRequestLogRow): void {
  try {
    onWrite(row);
  } catch {
    // observability is best effort
  }
}

/** True for SQLSTATE classes 22 (data exception) and 23 (constraint violation): the row, not the DB. */
function isDataError(err: unknown): boolean {
  const cause = (err as { cause?: unknown } | null)?.cause ?? err;
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"));
}

/** A short, parameter-free description of a database error (drizzle's message embeds the params). */
function describeDbError(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  const source = cause instanceof Error ? cause : err;
  const message = source instanceof Error ? source.message : String(source);
  return message.split("\n")[0]!.slice(0, 200);
}
