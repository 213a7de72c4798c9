import { statsOverviewSchema, type StatsOverview } from "@/contracts/stats";
import { readOne } from "../api-client";

/** Reads GET /stats/overview (the Statistics page and the dashboard's traffic panel). */
export function selectStatsOverview(body: unknown): StatsOverview {
  return readOne(body, statsOverviewSchema);
}
