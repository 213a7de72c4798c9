import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { NewRequestLogRow } from "../db/schema/request-logs";
import { isSuccessClass } from "../core/vocabulary/status-classes";
import { GRAIN_MINUTES, sharedDimensionsOf } from "./rollup-aggregate";
import { foldByBucket, type BucketFold } from "./fold-by-bucket";
import { statusClassOf } from "./status-class";

/**
 * The write side of `stats_model_rollups`: a batch of request-log rows folded into one row per grain
 * × bucket × tenant × group × provider × model, upserted additively in the log writer's transaction
 * (beside `stats_rollups`), so a retried batch never counts twice. The migration that created the
 * table backfilled it from the request logs with the same rules (keep them in step).
 */

/** The additive measures of a model rollup row. */
export interface ModelRollupSums {
  requests: number;
  errors: number;
  /** Requests that reported tokens but got no cost (their model has no price). */
  unpricedRequests: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costMicros: number;
  affinityHits: number;
  affinityMisses: number;
  affinityMoved: number;
}

export interface ModelRollupDelta extends ModelRollupSums {
  grain: number;
  bucket: Date;
  tenantId: string;
  groupId: string;
  providerId: string;
  /** The client's model name; '' when the request named none. */
  model: string;
}

/** Zero sums. */
export function createModelRollupSums(): ModelRollupSums {
  return {
    requests: 0,
    errors: 0,
    unpricedRequests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    costMicros: 0,
    affinityHits: 0,
    affinityMisses: 0,
    affinityMoved: 0,
  };
}

const positive = (v: number | null | undefined) =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;

function addRow(delta: ModelRollupDelta, row: NewRequestLogRow): void {
  delta.requests += 1;
  if (!isSuccessClass(statusClassOf(row.status, row.errorCode))) delta.errors += 1;
  const input = positive(row.inputTokens);
  const output = positive(row.outputTokens);
  if ((row.costMicros === null || row.costMicros === undefined) && input + output > 0) {
    delta.unpricedRequests += 1;
  }
  delta.inputTokens += input;
  delta.outputTokens += output;
  delta.cacheReadTokens += positive(row.cacheReadTokens);
  delta.cacheWriteTokens += positive(row.cacheWriteTokens);
  delta.costMicros += positive(row.costMicros);
  if (row.affinity === "hit") delta.affinityHits += 1;
  else if (row.affinity === "miss") delta.affinityMisses += 1;
  else if (row.affinity === "moved") delta.affinityMoved += 1;
}

/** stats_model_rollups: per grain, one delta per tenant × group × provider × model. */
const MODEL_FOLD: BucketFold<ModelRollupDelta> = {
  variants: 1,
  dimensionsOf: (row) => {
    const { tenantId, groupId, providerId } = sharedDimensionsOf(row);
    return `${tenantId}|${groupId}|${providerId}|${row.model ?? ""}`;
  },
  identityOf: (row) => `${row.tenantId}|${row.groupId}|${row.providerId}|${row.model}`,
  create: (grain, bucket, row) => ({
    ...createModelRollupSums(),
    ...sharedDimensionsOf(row),
    grain,
    bucket: new Date(bucket),
    model: row.model ?? "",
  }),
  add: addRow,
};

/**
 * Folds `rows` into model rollup deltas, sorted by key so that concurrent writers upsert in the same
 * order (no deadlocks between instances). Replays are left out, as in `aggregateRollups`.
 */
export function aggregateModelRollups(
  rows: readonly NewRequestLogRow[],
  grains: readonly number[] = GRAIN_MINUTES,
): ModelRollupDelta[] {
  return foldByBucket(rows, grains, MODEL_FOLD);
}

const MEASURES = [
  "requests",
  "errors",
  "unpriced_requests",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cost_micros",
  "affinity_hits",
  "affinity_misses",
  "affinity_moved",
] as const;

// One JSON parameter expanded in SQL, as in rollup-write.ts (positional tuples, order as below).
const UPSERT = `insert into stats_model_rollups (grain, bucket, tenant_id, group_id, provider_id, model, ${MEASURES.join(", ")})
  select (r->>0)::smallint, (r->>1)::timestamptz, (r->>2)::uuid, (r->>3)::uuid, (r->>4)::uuid, r->>5,
    ${MEASURES.map((_, i) => `(r->>${i + 6})::bigint`).join(", ")}
  from jsonb_array_elements($1::jsonb) with ordinality as t(r, n)
  order by t.n
  on conflict (grain, bucket, tenant_id, group_id, provider_id, model) do update set
    ${MEASURES.map((m) => `${m} = stats_model_rollups.${m} + excluded.${m}`).join(",\n    ")}`;

const [head, tail] = UPSERT.split("$1") as [string, string];
const UPSERT_HEAD = sql.raw(head);
const UPSERT_TAIL = sql.raw(tail);
const CHUNK = 2_000;

function toTuple(d: ModelRollupDelta): unknown[] {
  return [
    d.grain,
    d.bucket.toISOString(),
    d.tenantId,
    d.groupId,
    d.providerId,
    d.model,
    d.requests,
    d.errors,
    d.unpricedRequests,
    d.inputTokens,
    d.outputTokens,
    d.cacheReadTokens,
    d.cacheWriteTokens,
    d.costMicros,
    d.affinityHits,
    d.affinityMisses,
    d.affinityMoved,
  ];
}

/** Adds `deltas` to the stored model rollups (inside the transaction that inserts the raw rows). */
export async function upsertModelRollups(tx: Db, deltas: readonly ModelRollupDelta[]): Promise<void> {
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const payload = JSON.stringify(deltas.slice(i, i + CHUNK).map(toTuple));
    await tx.execute(sql`${UPSERT_HEAD}${payload}${UPSERT_TAIL}`);
  }
}
