import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { executeRows } from "../db/execute-rows";
import { NOT_ADMITTED } from "./quota-usage-sync";

/** A key's usage over a time range, in the units its quota counts. */
export interface UsageTotals {
  /** Requests admitted (refusals before the quota check left out, like the quota counts them). */
  readonly requests: number;
  /** Input (cached included) + output tokens. */
  readonly tokens: number;
  readonly costMicros: number;
}

const HOUR = 3_600_000;

interface TotalsRow {
  requests: number | string | null;
  refused: number | string | null;
  tokens: number | string | null;
  micros: number | string | null;
}

/**
 * One key's usage over [from, to) in one tenant, from the rollups (never the raw log): whole hours
 * from the hour rollups, the ragged ends (a half-hour zone's midnight, the current hour) from the
 * minute rollups — the same split as the dashboard's spend (`spend-query.ts`). Replays are not in the
 * rollups, so they count nothing here, as in the quota.
 */
export async function sumKeyUsage(
  db: Db,
  tenantId: string,
  keyId: string,
  fromMs: number,
  toMs: number,
): Promise<UsageTotals> {
  const firstHour = Math.ceil(fromMs / HOUR) * HOUR;
  const lastHour = Math.max(firstHour, Math.floor(toMs / HOUR) * HOUR);
  const iso = (ms: number) => new Date(ms).toISOString();
  const refused = sql.join(
    NOT_ADMITTED.map((code) => sql`coalesce((error_codes->>${code})::bigint, 0)`),
    sql` + `,
  );
  const rows = await executeRows<TotalsRow>(
    db,
    sql`select coalesce(sum(requests), 0)::float8 as requests,
          coalesce(sum(${refused}), 0)::float8 as refused,
          coalesce(sum(input_tokens + output_tokens), 0)::float8 as tokens,
          coalesce(sum(cost_micros), 0)::float8 as micros
        from stats_rollups
        where tenant_id = ${tenantId}::uuid and key_id = ${keyId}::uuid and (
          (grain = 60 and bucket >= ${iso(firstHour)}::timestamptz and bucket < ${iso(lastHour)}::timestamptz)
          or (grain = 1 and bucket >= ${iso(fromMs)}::timestamptz and bucket < ${iso(Math.min(firstHour, toMs))}::timestamptz)
          or (grain = 1 and bucket >= ${iso(lastHour)}::timestamptz and bucket < ${iso(toMs)}::timestamptz))`,
  );
  const row = rows[0];
  return {
    requests: Math.max(0, Number(row?.requests ?? 0) - Number(row?.refused ?? 0)),
    tokens: Number(row?.tokens ?? 0),
    costMicros: Number(row?.micros ?? 0),
  };
}
