import { count, sql } from "drizzle-orm";
import type { Overview } from "@/contracts/overview";
import { apiKeys, groups, providers } from "@/db/schema";
import type { ServiceContext } from "./service-context";

export interface OverviewService {
  /** Counts of providers, groups and API keys, enabled and disabled. */
  get(): Promise<Overview>;
}

/** The dashboard's configuration counts. */
export function createOverviewService(ctx: ServiceContext): OverviewService {
  const countEnabled = async (table: typeof providers | typeof groups | typeof apiKeys) => {
    const [row] = await ctx.db
      .select({
        total: count(),
        enabled: sql<number>`count(*) filter (where ${table.enabled})`.mapWith(Number),
      })
      .from(table);
    const total = Number(row?.total ?? 0);
    const enabled = Number(row?.enabled ?? 0);
    return { total, enabled, disabled: total - enabled };
  };
  return {
    async get() {
      const [p, g, k] = await Promise.all([
        countEnabled(providers),
        countEnabled(groups),
        countEnabled(apiKeys),
      ]);
      return { providers: p, groups: g, apiKeys: k };
    },
  };
}
