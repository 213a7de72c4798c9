import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { HISTOGRAM_BUCKETS } from "./histogram";
import type { RollupDelta } from "./rollup-aggregate";

/**
 * Upserts rollup deltas: counters add up, histograms add element by element, error-code maps merge
 * key by key. The deltas travel as ONE JSON parameter expanded in SQL (building a multi-row insert
 * with the query builder costs far more than the database work). Plain SQL that PGlite and
 * PostgreSQL 15 both accept; runs inside the log writer's batch transaction, so a batch and its
 * rollups commit (or retry) together and nothing is counted twice.
 */

/** Deltas per statement (keeps one JSON parameter to a few MB). */
const CHUNK = 2_000;

/** `array[t[1] + e[1], ...]`: both histograms have HISTOGRAM_BUCKETS elements (no SRF per row). */
function elementWiseSum(column: string): string {
  const items = Array.from(
    { length: HISTOGRAM_BUCKETS },
    (_, i) => `coalesce(stats_rollups.${column}[${i + 1}], 0) + coalesce(excluded.${column}[${i + 1}], 0)`,
  );
  return `array[${items.join(", ")}]::bigint[]`;
}

const UPSERT = `insert into stats_rollups (grain, bucket, group_id, provider_id, key_id, status_class, requests,
    latency_sum_ms, ttfb_sum_ms, ttfb_count, bytes_in, bytes_out, input_tokens, output_tokens, error_codes,
    latency_hist, ttfb_hist, tenant_id, cache_read_tokens, cache_write_tokens, cost_micros)
  select (r->>0)::smallint, (r->>1)::timestamptz, (r->>2)::uuid, (r->>3)::uuid, (r->>4)::uuid, r->>5,
    (r->>6)::bigint, (r->>7)::bigint, (r->>8)::bigint, (r->>9)::bigint, (r->>10)::bigint, (r->>11)::bigint,
    (r->>12)::bigint, (r->>13)::bigint, r->14,
    translate(r->>15, '[]', '{}')::bigint[], translate(r->>16, '[]', '{}')::bigint[], (r->>17)::uuid,
    (r->>18)::bigint, (r->>19)::bigint, (r->>20)::bigint
  from jsonb_array_elements($1::jsonb) with ordinality as t(r, n)
  order by t.n
  on conflict (grain, bucket, tenant_id, group_id, provider_id, key_id, status_class) do update set
    requests = stats_rollups.requests + excluded.requests,
    latency_sum_ms = stats_rollups.latency_sum_ms + excluded.latency_sum_ms,
    ttfb_sum_ms = stats_rollups.ttfb_sum_ms + excluded.ttfb_sum_ms,
    ttfb_count = stats_rollups.ttfb_count + excluded.ttfb_count,
    bytes_in = stats_rollups.bytes_in + excluded.bytes_in,
    bytes_out = stats_rollups.bytes_out + excluded.bytes_out,
    input_tokens = stats_rollups.input_tokens + excluded.input_tokens,
    output_tokens = stats_rollups.output_tokens + excluded.output_tokens,
    cache_read_tokens = stats_rollups.cache_read_tokens + excluded.cache_read_tokens,
    cache_write_tokens = stats_rollups.cache_write_tokens + excluded.cache_write_tokens,
    cost_micros = stats_rollups.cost_micros + excluded.cost_micros,
    error_codes = case
      when excluded.error_codes = '{}'::jsonb then stats_rollups.error_codes
      when stats_rollups.error_codes = '{}'::jsonb then excluded.error_codes
      else (select jsonb_object_agg(m.k, m.c) from (
        select e.k, sum(e.v::bigint) as c from (
          select key as k, value as v from jsonb_each_text(stats_rollups.error_codes)
          union all
          select key, value from jsonb_each_text(excluded.error_codes)
        ) e group by e.k
      ) m)
    end,
    latency_hist = ${elementWiseSum("latency_hist")},
    ttfb_hist = ${elementWiseSum("ttfb_hist")}`;

const [head, tail] = UPSERT.split("$1") as [string, string];
const UPSERT_HEAD = sql.raw(head);
const UPSERT_TAIL = sql.raw(tail);

// Positional tuples keep the parameter small; the order matches the SELECT above.
function toTuple(d: RollupDelta): unknown[] {
  return [
    d.grain,
    d.bucket.toISOString(),
    d.groupId,
    d.providerId,
    d.keyId,
    d.statusClass,
    d.requests,
    d.latencySumMs,
    d.ttfbSumMs,
    d.ttfbCount,
    d.bytesIn,
    d.bytesOut,
    d.inputTokens,
    d.outputTokens,
    d.errorCodes,
    d.latencyHist,
    d.ttfbHist,
    d.tenantId,
    d.cacheReadTokens,
    d.cacheWriteTokens,
    d.costMicros,
  ];
}

/** Adds `deltas` to the stored rollups (call inside the transaction that inserts the raw rows). */
export async function upsertRollups(tx: Db, deltas: readonly RollupDelta[]): Promise<void> {
  for (let i = 0; i < deltas.length; i += CHUNK) {
    const payload = JSON.stringify(deltas.slice(i, i + CHUNK).map(toTuple));
    await tx.execute(sql`${UPSERT_HEAD}${payload}${UPSERT_TAIL}`);
  }
}
