import { and, count, eq, gte, sql } from "drizzle-orm";
import type { Overview } from "@/contracts/overview";
import { apiKeys, groups, providers, statsRollups } from "@/db/schema";
import { ALL_KEYS } from "@/stats/rollup-aggregate";
import type { ServiceContext } from "./service-context";

export interface OverviewService {
  /** Counts of providers, groups and API keys (enabled and disabled) and of the last 24 h of requests. */
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
  return {
    async get() {
      const [p, g, k, requests] = await Promise.all([
        countEnabled(providers),
        countEnabled(groups),
        countEnabled(apiKeys),
        countRecentRequests(),
      ]);
      return { providers: p, groups: g, apiKeys: k, requests };
    },
  };
}
