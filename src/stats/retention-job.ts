import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import {
  dropDayPartitionsBefore,
  ensureDayPartitions,
  leafTables,
  type DayPartitionedTable,
} from "../db/day-partitions";
import { executeRows } from "../db/execute-rows";
import type { Logger } from "../observability/logger";
import type { Lease, StateStore } from "../store/types";

/**
 * Deletes what is past retention: raw request logs after LOG_RETENTION_DAYS, request captures after
 * CAPTURE_RETENTION_DAYS (never later than their logs),
 * minute rollups after the same period (or ROLLUP_RETENTION_DAYS when that is shorter), hour and day
 * rollups and health events after ROLLUP_RETENTION_DAYS, and alert history (incidents resolved more than
 * ALERT_HISTORY_RETENTION_DAYS ago with their deliveries, and older "send test" deliveries) — an incident
 * still firing is never deleted, however old. One instance runs it at a time (store lock); deletes go
 * in small batches so no long lock is held on the tables the log writer appends to.
 *
 * Request logs, captured bodies and minute rollups are partitioned by UTC day (db/day-partitions):
 * each pass first creates the coming days' partitions, then drops whole days past retention, and
 * only the rows of the boundary day (and of the default partition) are deleted row by row.
 */

export interface RetentionJobOptions {
  readonly db: Db;
  readonly store: StateStore;
  readonly logger: Logger;
  readonly logRetentionDays: number;
  readonly rollupRetentionDays: number;
  /** Days a resolved alert incident (and its deliveries) is kept after its resolution. */
  readonly alertHistoryRetentionDays: number;
  /** Days a request capture is kept (default: as long as its log). */
  readonly captureRetentionDays?: number;
  /** Gap between runs (default 1 h); the first run comes after `initialDelayMs` (default 60 s). */
  readonly intervalMs?: number;
  readonly initialDelayMs?: number;
  /** Rows per DELETE statement (default 5000). */
  readonly batchSize?: number;
  readonly now?: () => number;
}

export interface RetentionResult {
  readonly requestLogs: number;
  readonly requestCaptures: number;
  readonly minuteRollups: number;
  readonly rollups: number;
  /** Rows of `stats_model_rollups` (minute rows with the minute rollups, the others with hour/day ones). */
  readonly modelRollups: number;
  readonly healthEvents: number;
  readonly alertDeliveries: number;
  readonly alertIncidents: number;
  /** Whole day partitions dropped (their rows are not counted above). */
  readonly droppedPartitions: number;
}

export interface RetentionJob {
  /** One pass now; null when another instance holds the lock. */
  runOnce(): Promise<RetentionResult | null>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

export const RETENTION_LOCK = "stats:retention";
const LOCK_TTL_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

/** Starts the periodic retention job (timers unref'd); `stop()` on shutdown. */
export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  const job = createRetentionJob(options);
  const intervalMs = options.intervalMs ?? 3_600_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = job
        .runOnce()
        .catch((err: unknown) => {
          options.logger.warn(
            { errName: err instanceof Error ? err.name : typeof err },
            "retention pass failed",
          );
        })
        .finally(() => {
          running = null;
          schedule(intervalMs);
        });
    }, delay);
    timer.unref();
  };
  schedule(options.initialDelayMs ?? 60_000);
  return {
    runOnce: () => job.runOnce(),
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

/** The job without a timer (tests and `startRetentionJob` call `runOnce`). */
export function createRetentionJob(options: RetentionJobOptions): Pick<RetentionJob, "runOnce"> {
  const { db, store, logger } = options;
  const batchSize = options.batchSize ?? 5_000;
  const now = options.now ?? Date.now;

  /**
   * Deletes matching rows batch by batch, renewing the lease between batches. A partitioned table is
   * done leaf by leaf: a ctid is unique only within one leaf table.
   */
  const deleteAll = async (lease: Lease, table: string, where: SQL): Promise<number> => {
    let total = 0;
    const leaves = await leafTables(db, table);
    if (leaves.length !== 1 || leaves[0] !== table) {
      for (const leaf of leaves) total += await deleteAll(lease, leaf, where);
      return total;
    }
    for (;;) {
      const rows = await executeRows<{ n: number | string }>(
        db,
        sql`with gone as (
              delete from ${sql.raw(`"${table}"`)} where ctid in (
                select ctid from ${sql.raw(`"${table}"`)} where ${where} limit ${batchSize}
              ) returning 1
            ) select count(*)::int as n from gone`,
      );
      const n = Number(rows[0]?.n ?? 0);
      total += n;
      if (n < batchSize) return total;
      if (!(await lease.renew(LOCK_TTL_MS))) throw new Error("retention lock lost");
    }
  };

  return {
    async runOnce() {
      const lease = await store.acquireLock(RETENTION_LOCK, LOCK_TTL_MS);
      if (lease === null) return null;
      try {
        const t = now();
        await ensureDayPartitions(db, { now: t });
        const logCutoff = new Date(t - options.logRetentionDays * DAY_MS).toISOString();
        const captureDays = Math.min(options.captureRetentionDays ?? Infinity, options.logRetentionDays);
        const captureCutoff = new Date(t - captureDays * DAY_MS).toISOString();
        const minuteDays = Math.min(options.logRetentionDays, options.rollupRetentionDays);
        const minuteCutoff = new Date(t - minuteDays * DAY_MS).toISOString();
        const rollupCutoff = new Date(t - options.rollupRetentionDays * DAY_MS).toISOString();
        const alertCutoff = new Date(t - options.alertHistoryRetentionDays * DAY_MS).toISOString();
        // Only resolved incidents qualify: a firing one is still the evaluator's open incident.
        const expiredIncidents = sql`status = 'resolved' and resolved_at < ${alertCutoff}::timestamptz`;
        const dropDays = async (table: DayPartitionedTable, cutoff: string) =>
          dropDayPartitionsBefore(db, table, new Date(cutoff));
        const droppedPartitions =
          (await dropDays("request_logs", logCutoff)) +
          (await dropDays("stats_rollups_minute", minuteCutoff));
        const result: RetentionResult = {
          requestLogs: await deleteAll(lease, "request_logs", sql`created_at < ${logCutoff}::timestamptz`),
          requestCaptures: await deleteAll(
            lease,
            "request_captures",
            sql`created_at < ${captureCutoff}::timestamptz`,
          ),
          minuteRollups: await deleteAll(
            lease,
            "stats_rollups_minute",
            sql`grain = 1 and bucket < ${minuteCutoff}::timestamptz`,
          ),
          rollups: await deleteAll(
            lease,
            "stats_rollups_coarse",
            sql`grain > 1 and bucket < ${rollupCutoff}::timestamptz`,
          ),
          modelRollups: await deleteAll(
            lease,
            "stats_model_rollups",
            sql`(grain = 1 and bucket < ${minuteCutoff}::timestamptz) or (grain > 1 and bucket < ${rollupCutoff}::timestamptz)`,
          ),
          healthEvents: await deleteAll(lease, "health_events", sql`at < ${rollupCutoff}::timestamptz`),
          // Deliveries first, in batches: deleting an incident would otherwise cascade to all of its
          // deliveries in one statement.
          alertDeliveries: await deleteAll(
            lease,
            "alert_deliveries",
            sql`(incident_id in (select id from alert_incidents where ${expiredIncidents})
                or (incident_id is null and created_at < ${alertCutoff}::timestamptz))`,
          ),
          alertIncidents: await deleteAll(lease, "alert_incidents", expiredIncidents),
          droppedPartitions,
        };
        logger.info({ deleted: result }, "retention pass done");
        return result;
      } finally {
        await lease.release().catch(() => undefined);
      }
    },
  };
}
