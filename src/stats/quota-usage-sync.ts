import { sql } from "drizzle-orm";
import { createQuotaCalendar } from "../core/quota/calendar-window";
import {
  counterTtlMs,
  keyQuotaSubject,
  quotaCounters,
  type QuotaCounter,
  type QuotaLimits,
} from "../core/quota/quota";
import type { Db } from "../db/client";
import { executeRows } from "../db/execute-rows";
import type { Logger } from "../observability/logger";
import type { CounterAmount, StateStore } from "../store/types";

/**
 * The database is the truth of quota usage; the store counters are the fast path. At start and every
 * few minutes the usage of every key with a quota is recomputed from the request logs of the current
 * day and month, and each counter is raised to at least that figure (never lowered: rows still in the
 * log writer's queue are counted by the store alone). A Redis flush or a crash therefore loses at most
 * the charging of the last few minutes, never the month. One instance runs it at a time (store lock).
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
  readonly timeZone: string;
  readonly now?: () => number;
}

interface UsageRow {
  key_id: string;
  requests_day: number | string;
  tokens_day: number | string;
  tokens_month: number | string;
  cost_month: number | string;
}

const LOCK = "quota-usage-sync";

/** Recomputes usage of every key with a quota and raises the store counters; returns how many keys. */
export async function syncQuotaUsage(deps: QuotaUsageSyncDeps): Promise<number> {
  const keys = deps.keys();
  if (keys === null) return 0;
  const now = (deps.now ?? Date.now)();
  const windows = createQuotaCalendar(deps.timeZone).windowsAt(now);
  const countersByKey = new Map<string, QuotaCounter[]>();
  for (const key of keys) {
    if (key.quota === null) continue;
    countersByKey.set(key.id, quotaCounters(keyQuotaSubject(key.id), key.quota, windows));
  }
  if (countersByKey.size === 0) return 0;
  const ids = [...countersByKey.keys()];
  const rows = await executeRows<UsageRow>(
    deps.db,
    sql`select key_id::text as key_id,
          count(*) filter (where created_at >= ${iso(windows.day.startMs)}::timestamptz
            and (error_code is null or error_code not in (${sql.join(
              NOT_ADMITTED.map((c) => sql`${c}`),
              sql`, `,
            )})))::float8 as requests_day,
          coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0))
            filter (where created_at >= ${iso(windows.day.startMs)}::timestamptz), 0)::float8 as tokens_day,
          coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0)::float8 as tokens_month,
          coalesce(sum(cost_micros), 0)::float8 as cost_month
        from request_logs
        where key_id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) and created_at >= ${iso(Math.min(windows.month.startMs, windows.day.startMs))}::timestamptz
        group by key_id`,
  );
  const amounts: CounterAmount[] = [];
  for (const row of rows) {
    for (const c of countersByKey.get(row.key_id) ?? []) {
      const value = Math.round(
        Number(
          c.metric === "requestsPerDay"
            ? row.requests_day
            : c.metric === "tokensPerDay"
              ? row.tokens_day
              : c.metric === "tokensPerMonth"
                ? row.tokens_month
                : row.cost_month,
        ),
      );
      if (value > 0) amounts.push({ key: c.key, amount: value, ttlMs: counterTtlMs(c, now) });
    }
  }
  await deps.store.raiseCounters(amounts);
  return countersByKey.size;
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
