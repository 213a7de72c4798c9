/**
 * The log writer's side of the spill: hands batches to it in the background and feeds them back
 * through the writer's insert once the database answers. The writer calls four things — `hand` (a
 * batch it cannot keep), `databaseAnswered` (after a successful insert), `settle` (flush/close wait
 * for handed rows) and `stop` (close) — and learns of refused rows through `onRefused`.
 *
 * Replays start after a successful insert, and on their own after each append and at start (rows a
 * previous process left), so an idle gateway also notices the database coming back; a replay that
 * fails is retried with the writer's backoff.
 */
import type { NewRequestLogRow } from "../../db/schema/request-logs";
import type { Logger } from "../../observability/logger";
import type { LogSpill } from "./log-spill";

export interface SpillFeederOptions {
  readonly spill: LogSpill;
  /** Writes a replayed batch like a queued one; rejects on an outage (the replay stops there). */
  readonly insert: (rows: NewRequestLogRow[]) => Promise<void>;
  /** Rows the spill refused (full or failing): the writer counts them as dropped. */
  readonly onRefused: (rows: number) => void;
  readonly logger: Logger;
  /** Delay of the first replay retry, doubling up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Minimum gap between two "replay failed" warnings. */
  readonly warnIntervalMs: number;
}

export interface SpillFeeder {
  /** Appends rows to the spill in the background (never blocks, never throws). */
  hand(rows: NewRequestLogRow[]): void;
  /** Rows handed but not yet in the spill. */
  pendingRows(): number;
  /** The database just took an insert: replay the spill if it holds rows. */
  databaseAnswered(): void;
  /** Resolves once every row handed so far is in the spill (or was refused). */
  settle(): Promise<void>;
  /** Stops replaying (after the record in flight) and cancels retries. */
  stop(): Promise<void>;
}

const STOPPED = new Error("spill feeder stopped");

/** Creates the feeder and schedules a first replay (for rows left by an earlier process). */
export function createSpillFeeder(options: SpillFeederOptions): SpillFeeder {
  const { spill, logger } = options;
  let pending = 0;
  const writes = new Set<Promise<void>>();
  let replaying: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;
  let stopped = false;
  let lastWarn = Number.NEGATIVE_INFINITY;

  const retryDelay = () => Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.min(failures, 20));

  const schedule = (delayMs: number) => {
    if (timer !== null || stopped) return;
    timer = setTimeout(() => {
      timer = null;
      startReplay();
    }, delayMs);
    timer.unref();
  };

  const onReplayed = (complete: boolean, error: unknown) => {
    if (complete) failures = 0;
    else if (error !== undefined && error !== STOPPED) {
      const t = Date.now();
      if (t - lastWarn >= options.warnIntervalMs) {
        lastWarn = t;
        logger.warn(
          {
            rows: spill.stats().rows,
            err: error instanceof Error ? error.message.split("\n")[0] : String(error),
          },
          "request-log spill replay stopped (database unavailable); retrying",
        );
      }
      schedule(retryDelay());
      failures++;
    }
  };

  function startReplay(): void {
    if (replaying !== null || stopped || spill.stats().records === 0) return;
    replaying = spill
      .replay(async (rows) => {
        // Stopping (shutdown): leave the rest in the spill for the next start.
        if (stopped) throw STOPPED;
        await options.insert(rows);
      })
      .then((result) => onReplayed(result.complete, result.error))
      .finally(() => {
        replaying = null;
        // Rows appended while it ran, after it had finished reading.
        if (failures === 0 && spill.stats().records > 0) schedule(options.retryBaseMs);
      });
  }

  schedule(0);

  return {
    hand(rows) {
      pending += rows.length;
      const write = spill.append(rows).then((kept) => {
        pending -= rows.length;
        if (kept) schedule(retryDelay());
        else options.onRefused(rows.length);
      });
      writes.add(write);
      void write.finally(() => writes.delete(write));
    },
    pendingRows: () => pending,
    databaseAnswered: startReplay,
    async settle() {
      while (writes.size > 0) await Promise.all(writes);
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await replaying;
    },
  };
}
