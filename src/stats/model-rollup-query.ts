import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { executeRows } from "../db/execute-rows";
import type { ModelRollupSums } from "./model-rollups";

/**
 * Reads `stats_model_rollups` summed per one dimension (model, group or provider) over a range, in
 * SQL: a cost-by-model table or a cache table costs (dimensions) rows whatever the traffic was.
 */

export interface ModelRollupFilter {
  /** Rollup grain in minutes (1, 60, 1440). */
  readonly grain: number;
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
  /** The acting tenant (the services always set it). */
  readonly tenantId: string;
  readonly groupId?: string;
  readonly split: "model" | "group" | "provider";
}

export interface ModelRollupEntry extends Readonly<ModelRollupSums> {
  /** Model name ('' = none named), or group / provider id (the nil UUID = none). */
  readonly dim: string;
}

const COLUMNS = { model: "model", group: "group_id::text", provider: "provider_id::text" } as const;

const MEASURES = {
  requests: "requests",
  errors: "errors",
  unpricedRequests: "unpriced_requests",
  inputTokens: "input_tokens",
  outputTokens: "output_tokens",
  cacheReadTokens: "cache_read_tokens",
  cacheWriteTokens: "cache_write_tokens",
  costMicros: "cost_micros",
  affinityHits: "affinity_hits",
  affinityMisses: "affinity_misses",
  affinityMoved: "affinity_moved",
} as const satisfies Record<keyof ModelRollupSums, string>;

const MEASURE_KEYS = Object.keys(MEASURES) as (keyof ModelRollupSums)[];

// float8 sums: exact below 2^53 and cheaper than bigint's numeric ones; aliased by their JS names.
const SUMS = sql.raw(MEASURE_KEYS.map((k) => `sum(${MEASURES[k]})::float8 as "${k}"`).join(", "));

function whereOf(f: ModelRollupFilter): SQL {
  const parts: SQL[] = [
    sql`grain = ${f.grain}`,
    sql`tenant_id = ${f.tenantId}::uuid`,
    sql`bucket >= ${f.from.toISOString()}::timestamptz`,
    sql`bucket < ${f.to.toISOString()}::timestamptz`,
  ];
  if (f.groupId !== undefined) parts.push(sql`group_id = ${f.groupId}::uuid`);
  return sql.join(parts, sql` and `);
}

type Row = { dim: string } & Record<keyof ModelRollupSums, number | string | null>;

/** Model rollups in the filter's range summed per dimension, highest cost first. */
export async function queryModelRollupSplit(db: Db, f: ModelRollupFilter): Promise<ModelRollupEntry[]> {
  const rows = await executeRows<Row>(
    db,
    sql`select ${sql.raw(COLUMNS[f.split])} as dim, ${SUMS}
        from stats_model_rollups
        where ${whereOf(f)}
        group by 1
        order by "costMicros" desc, "requests" desc, 1`,
  );
  return rows.map((r) => {
    const entry = { dim: r.dim } as { dim: string } & ModelRollupSums;
    for (const k of MEASURE_KEYS) entry[k] = Number(r[k] ?? 0);
    return entry;
  });
}
