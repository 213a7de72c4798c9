import {
  statsCacheSchema,
  statsCostsSchema,
  statsOverviewSchema,
  type StatsCache,
  type StatsCosts,
  type StatsOverview,
} from "@/contracts/stats";
import { readOne } from "../api-client";

/** Reads GET /stats/overview (the Statistics page and the dashboard's traffic panel). */
export function selectStatsOverview(body: unknown): StatsOverview {
  return readOne(body, statsOverviewSchema);
}

/** Reads GET /stats/costs and /stats/tenants (the Statistics page's cost table). */
export function selectStatsCosts(body: unknown): StatsCosts {
  return readOne(body, statsCostsSchema);
}

/** Reads GET /stats/cache (the Statistics page's cache and affinity tables). */
export function selectStatsCache(body: unknown): StatsCache {
  return readOne(body, statsCacheSchema);
}

/** The range and group the cost and cache tables share with the rest of the page. */
export interface StatsScope {
  from: number;
  to: number;
  groupId?: string | undefined;
}
