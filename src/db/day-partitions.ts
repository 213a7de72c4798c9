import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { executeRows } from "./execute-rows";

/**
 * Day partitions of the append-only tables (request logs, minute rollups). Request captures replaced
 * the partitioned `request_bodies` (migration `*_debug_capture.sql`): they are opt-in and sampled, so a
 * plain table with batched deletes by `created_at` serves them, looked up by request id alone. The
 * partitioning itself is in the hand-written migration `*_partition_by_day.sql`, and so are the two
 * SQL functions this module calls (one algorithm, in the database): `rb_ensure_day_partition`
 * creates a UTC day's partition (moving that day's rows out of the default partition first) and
 * `rb_drop_day_partitions_before` drops whole days past a cutoff.
 */

/** Tables partitioned by UTC day, each with a `<table>_default` partition that takes any other row. */
export const DAY_PARTITIONED_TABLES = ["request_logs", "stats_rollups_minute"] as const;
export type DayPartitionedTable = (typeof DAY_PARTITIONED_TABLES)[number];

/** Days created ahead of today (the retention job re-runs this hourly, the server at start). */
export const DEFAULT_DAYS_AHEAD = 3;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the UTC day containing `ms`. */
function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Creates the partitions of `daysBehind` days before today (default 1) through `daysAhead` days
 * after it (UTC) for every day-partitioned table, when missing; returns how many were created. Safe
 * to run from several instances at once (the SQL function takes an advisory lock).
 */
export async function ensureDayPartitions(
  db: Db,
  options: { readonly now?: number; readonly daysAhead?: number; readonly daysBehind?: number } = {},
): Promise<number> {
  const now = options.now ?? Date.now();
  const daysAhead = options.daysAhead ?? DEFAULT_DAYS_AHEAD;
  const daysBehind = options.daysBehind ?? 1;
  let created = 0;
  for (const table of DAY_PARTITIONED_TABLES) {
    for (let d = -daysBehind; d <= daysAhead; d++) {
      const rows = await executeRows<{ created: boolean }>(
        db,
        sql`select rb_ensure_day_partition(${table}::regclass, ${utcDay(now + d * DAY_MS)}::date) as created`,
      );
      if (rows[0]?.created === true) created++;
    }
  }
  return created;
}

/** Drops `table`'s day partitions that end at or before `cutoff`; returns how many. */
export async function dropDayPartitionsBefore(
  db: Db,
  table: DayPartitionedTable,
  cutoff: Date,
): Promise<number> {
  const rows = await executeRows<{ dropped: number | string }>(
    db,
    sql`select rb_drop_day_partitions_before(${table}::regclass, ${cutoff.toISOString()}::timestamptz) as dropped`,
  );
  return Number(rows[0]?.dropped ?? 0);
}

/** The leaf tables holding `table`'s rows: its partitions (recursively), or the table itself. */
export async function leafTables(db: Db, table: string): Promise<string[]> {
  const rows = await executeRows<{ name: string }>(
    db,
    sql`select relid::regclass::text as name from pg_partition_tree(${table}::regclass)
        where isleaf order by level, relid::regclass::text`,
  );
  // A plain table has no partition tree on PostgreSQL 15 (no rows), unlike newer servers.
  return rows.length === 0 ? [table] : rows.map((r) => r.name);
}

/** Partition names of `table` (direct children), sorted; for reports and tests. */
export async function partitionsOf(db: Db, table: string): Promise<string[]> {
  const rows = await executeRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = ${table}::regclass order by c.relname`,
  );
  return rows.map((r) => r.name);
}
