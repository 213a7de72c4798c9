import { sql } from "drizzle-orm";
import { createQuotaCalendar } from "../core/quota/calendar-window";
import {
  counterTtlMs,
  keyQuotaSubject,
  quotaCounters,
  tenantQuotaSubject,
  type QuotaCounter,
  type QuotaLimits,
} from "../core/quota/quota";
import type { Db } from "../db/client";
import { executeRows } from "../db/execute-rows";
import type { Logger } from "../observability/logger";
import type { CounterAmount, StateStore } from "../store/types";
import { ALL_KEYS } from "./rollup-aggregate";
import { rollupSegments, rollupSegmentsWhere } from "./rollup-ranges";

/**
 * The database is the truth of quota usage; the store counters are the fast path. At start and every
 * few minutes the usage of every key and tenant with a quota is recomputed and each counter is raised
 * to at least that figure (never lowered: rows still in the log writer's queue are counted by the
 * store alone). A Redis flush or a crash therefore loses at most the charging of the last few minutes,
 * never the month. Today comes from the request logs; the month's earlier days from the hour/day
 * rollups (written in the same transaction as the logs, kept far longer: LOG_RETENTION_DAYS may be
 * shorter than a month). Replayed requests (source = replay) count for neither, as in statistics.
 * One instance runs it at a time (store lock).
 */

/** Refusals answered before the quota check admitted the request: not counted as requests. */
export const NOT_ADMITTED = [
  "GATEWAY_KEY_MISSING",
  "GATEWAY_KEY_INVALID",
  "GATEWAY_KEY_SCOPE",
  "GROUP_UNKNOWN",
  "PATH_NOT_ALLOWED",
  "RATE_LIMITED",
  "GROUP_RATE_LIMITED",
  "QUOTA_EXCEEDED",
  "STORE_UNAVAILABLE",
  "TENANT_DISABLED",
];

export interface QuotaUsageSyncDeps {
  readonly db: Db;
  readonly store: StateStore;
  readonly logger: Logger;
  /** The enabled keys as the gateway sees them (its routing snapshot); null before it loaded. */
  readonly keys: () => Iterable<{ readonly id: string; readonly quota: QuotaLimits | null }> | null;
  /** The tenants with a quota, by id (the routing snapshot's); null or absent = none. */
  readonly tenants?: () => ReadonlyMap<string, QuotaLimits> | null;
  readonly timeZone: string;
  readonly now?: () => number;
}

/** Usage of one key or tenant: today's requests and tokens, the month's tokens and cost. */
interface Usage {
  requestsDay: number;
  tokensDay: number;
  tokensMonth: number;
  costMonth: number;
}

interface TodayRow {
  id: string;
  requests: number | string;
  tokens: number | string;
  cost: number | string;
}

interface EarlierRow {
  id: string;
  tokens: number | string;
  cost: number | string;
}

const LOCK = "quota-usage-sync";

/** Whose usage a query sums: keys by `key_id`, tenants by `tenant_id` (rollups: the all-keys rows). */
type Subject = "key" | "tenant";

/** Recomputes usage of every key and tenant with a quota and raises the store counters; returns how many. */
export async function syncQuotaUsage(deps: QuotaUsageSyncDeps): Promise<number> {
  const keys = deps.keys();
  if (keys === null) return 0;
  const now = (deps.now ?? Date.now)();
  const windows = createQuotaCalendar(deps.timeZone).windowsAt(now);
  const counters = new Map<string, { subject: Subject; id: string; counters: QuotaCounter[] }>();
  for (const key of keys) {
    if (key.quota === null) continue;
    const list = quotaCounters(keyQuotaSubject(key.id), key.quota, windows);
    counters.set(`key:${key.id}`, { subject: "key", id: key.id, counters: list });
  }
  for (const [id, quota] of deps.tenants?.() ?? []) {
    const list = quotaCounters(tenantQuotaSubject(id), quota, windows, "tenant");
    counters.set(`tenant:${id}`, { subject: "tenant", id, counters: list });
  }
  if (counters.size === 0) return 0;
  const amounts: CounterAmount[] = [];
  for (const subject of ["key", "tenant"] as const) {
    const ids = [...counters.values()].filter((c) => c.subject === subject).map((c) => c.id);
    if (ids.length === 0) continue;
    const usage = await readUsage(deps.db, subject, ids, windows.month.startMs, windows.day.startMs);
    for (const [id, used] of usage) {
      for (const c of counters.get(`${subject}:${id}`)?.counters ?? []) {
        const value = Math.round(
          c.metric === "requestsPerDay"
            ? used.requestsDay
            : c.metric === "tokensPerDay"
              ? used.tokensDay
              : c.metric === "tokensPerMonth"
                ? used.tokensMonth
                : used.costMonth,
        );
        if (value > 0) amounts.push({ key: c.key, amount: value, ttlMs: counterTtlMs(c, now) });
      }
    }
  }
  await deps.store.raiseCounters(amounts);
  return counters.size;
}

/** Usage by id: today from the request logs, the month's earlier days from the rollups. */
async function readUsage(
  db: Db,
  subject: Subject,
  ids: readonly string[],
  monthStartMs: number,
  dayStartMs: number,
): Promise<Map<string, Usage>> {
  const column = subject === "key" ? sql.raw("key_id") : sql.raw("tenant_id");
  const idList = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const today = await executeRows<TodayRow>(
    db,
    sql`select ${column}::text as id,
          count(*) filter (where error_code is null or error_code not in (${sql.join(
            NOT_ADMITTED.map((c) => sql`${c}`),
            sql`, `,
          )}))::float8 as requests,
          coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0)::float8 as tokens,
          coalesce(sum(cost_micros), 0)::float8 as cost
        from request_logs
        where ${column} in (${idList}) and created_at >= ${iso(dayStartMs)}::timestamptz
          and source <> 'replay'
        group by ${column}`,
  );
  // Rollups leave replays out already; the all-keys rows sum a tenant's keys.
  const earlier = await executeRows<EarlierRow>(
    db,
    sql`select ${column}::text as id,
          coalesce(sum(input_tokens + output_tokens), 0)::float8 as tokens,
          coalesce(sum(cost_micros), 0)::float8 as cost
        from stats_rollups
        where ${column} in (${idList})
          ${subject === "tenant" ? sql`and key_id = ${ALL_KEYS}::uuid` : sql``}
          and ${rollupSegmentsWhere(rollupSegments(monthStartMs, dayStartMs))}
        group by ${column}`,
  );
  const usage = new Map<string, Usage>();
  const of = (id: string) => {
    let u = usage.get(id);
    if (u === undefined) usage.set(id, (u = { requestsDay: 0, tokensDay: 0, tokensMonth: 0, costMonth: 0 }));
    return u;
  };
  for (const row of today) {
    const u = of(row.id);
    u.requestsDay = Number(row.requests);
    u.tokensDay = Number(row.tokens);
    u.tokensMonth += Number(row.tokens);
    u.costMonth += Number(row.cost);
  }
  for (const row of earlier) {
    const u = of(row.id);
    u.tokensMonth += Number(row.tokens);
    u.costMonth += Number(row.cost);
  }
  return usage;
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface QuotaUsageSync {
  /** One round under the cluster-wide lock (skipped when another instance holds it). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/** Runs syncQuotaUsage now and every `intervalMs` (default 5 minutes), timers unref'd. */
export function startQuotaUsageSync(deps: QuotaUsageSyncDeps, intervalMs = 300_000): QuotaUsageSync {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const runOnce = async () => {
    const lease = await deps.store.acquireLock(LOCK, 60_000).catch(() => null);
    if (lease === null) return;
    try {
      await syncQuotaUsage(deps);
    } catch (err) {
      deps.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        "quota usage recompute failed",
      );
    } finally {
      await lease.release().catch(() => undefined);
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      running = runOnce().finally(() => {
        running = null;
        schedule(intervalMs);
      });
    }, delay);
    timer.unref();
  };
  schedule(0);
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running;
    },
  };
}
