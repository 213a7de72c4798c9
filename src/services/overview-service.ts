import { and, count, eq, gte, sql } from "drizzle-orm";
import type { Overview } from "@/contracts/overview";
import { apiKeys, groups, providers, statsRollups } from "@/db/schema";
import { microsToUsd } from "@/core/cost/money";
import { quotaWindowsAt } from "@/core/quota/calendar-window";
import { ALL_KEYS } from "@/stats/rollup-aggregate";
import { sumCostMicros } from "@/stats/spend-query";
import type { ServiceContext } from "./service-context";

export interface OverviewService {
  /** Counts of providers, groups and API keys, of the last 24 h of requests, and today's/this month's spend. */
  get(): Promise<Overview>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The dashboard's counts. */
export function createOverviewService(ctx: ServiceContext): OverviewService {
  const countEnabled = async (table: typeof providers | typeof groups | typeof apiKeys) => {
    const [row] = await ctx.db
      .select({
        total: count(),
        enabled: sql<number>`count(*) filter (where ${table.enabled})`.mapWith(Number),
      })
      .from(table)
      .where(ctx.owned(table));
    const total = Number(row?.total ?? 0);
    const enabled = Number(row?.enabled ?? 0);
    return { total, enabled, disabled: total - enabled };
  };
  // From the per-minute rollups (never the raw log): at most 1,440 bins × groups × providers rows.
  const countRecentRequests = async () => {
    const since = new Date(ctx.now().getTime() - DAY_MS);
    const [row] = await ctx.db
      .select({
        total: sql<number>`coalesce(sum(${statsRollups.requests}), 0)`.mapWith(Number),
        failed:
          sql<number>`coalesce(sum(${statsRollups.requests}) filter (where ${statsRollups.statusClass} not in ('2xx', '3xx')), 0)`.mapWith(
            Number,
          ),
      })
      .from(statsRollups)
      .where(
        and(
          ctx.owned(statsRollups),
          eq(statsRollups.grain, 1),
          eq(statsRollups.keyId, ALL_KEYS),
          gte(statsRollups.bucket, since),
        ),
      );
    return { last24h: Number(row?.total ?? 0), failedLast24h: Number(row?.failed ?? 0) };
  };
  // The current minute is included: the bound is the end of this minute.
  const spend = async () => {
    const now = ctx.now().getTime();
    const windows = quotaWindowsAt(now, ctx.timeZone);
    const end = Math.floor(now / 60_000) * 60_000 + 60_000;
    const [today, month] = await Promise.all([
      // The acting tenant's spend only (the all-keys rows exist once per tenant).
      sumCostMicros(ctx.db, windows.day.startMs, end, ALL_KEYS, ctx.tenantId),
      sumCostMicros(ctx.db, windows.month.startMs, end, ALL_KEYS, ctx.tenantId),
    ]);
    return { todayUsd: microsToUsd(today), monthUsd: microsToUsd(month), timeZone: ctx.timeZone };
  };
  return {
    async get() {
      const [p, g, k, requests, spent] = await Promise.all([
        countEnabled(providers),
        countEnabled(groups),
        countEnabled(apiKeys),
        countRecentRequests(),
        spend(),
      ]);
      return { providers: p, groups: g, apiKeys: k, requests, spend: spent };
    },
  };
}
