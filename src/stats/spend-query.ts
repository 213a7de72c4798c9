import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { executeRows } from "../db/execute-rows";
import { ALL_KEYS } from "./rollup-aggregate";

/**
 * Cost summed from the rollups over [from, to): whole hours from the hour rollups, the ragged ends
 * (a half-hour time zone's midnight, the current hour) from the minute rollups. Minute rollups are
 * kept LOG_RETENTION_DAYS, hour rollups far longer, so a month is always covered. With `tenantId`,
 * only that tenant's rows (the all-keys rows of every tenant otherwise).
 */
export async function sumCostMicros(
  db: Db,
  fromMs: number,
  toMs: number,
  keyId: string = ALL_KEYS,
  tenantId?: string,
): Promise<number> {
  const HOUR = 3_600_000;
  const firstHour = Math.ceil(fromMs / HOUR) * HOUR;
  const lastHour = Math.max(firstHour, Math.floor(toMs / HOUR) * HOUR);
  const iso = (ms: number) => new Date(ms).toISOString();
  const rows = await executeRows<{ micros: number | string | null }>(
    db,
    sql`select coalesce(sum(cost_micros), 0)::float8 as micros from stats_rollups
        where key_id = ${keyId}::uuid ${tenantId === undefined ? sql`` : sql`and tenant_id = ${tenantId}::uuid`} and (
          (grain = 60 and bucket >= ${iso(firstHour)}::timestamptz and bucket < ${iso(lastHour)}::timestamptz)
          or (grain = 1 and bucket >= ${iso(fromMs)}::timestamptz and bucket < ${iso(Math.min(firstHour, toMs))}::timestamptz)
          or (grain = 1 and bucket >= ${iso(lastHour)}::timestamptz and bucket < ${iso(toMs)}::timestamptz))`,
  );
  return Number(rows[0]?.micros ?? 0);
}
