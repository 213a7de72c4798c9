import { eq } from "drizzle-orm";
import type { QuotaSubject, QuotaUsageReading } from "@/core/alerts/types";
import { quotaWindowsAt } from "@/core/quota/calendar-window";
import { keyQuotaSubject, quotaCounters, tenantQuotaSubject, toQuotaLimits } from "@/core/quota/quota";
import type { Db } from "@/db/client";
import { apiKeys, tenants } from "@/db/schema";
import type { StateStore } from "@/store/types";

export interface QuotaUsageSignalDeps {
  readonly db: Db;
  /** The quota counters (the gateway's fast path; the recount raises them to the database's figures). */
  readonly store: StateStore;
  /** QUOTA_TIME_ZONE: where quota days and months start. */
  readonly timeZone: string;
  readonly now: () => number;
}

/**
 * The `quota_used` alert signal: a key's or tenant's limits from the database and its usage in the
 * current windows from the store counters. Null when the key or tenant no longer exists.
 */
export async function readQuotaUsage(
  deps: QuotaUsageSignalDeps,
  subject: QuotaSubject,
): Promise<QuotaUsageReading | null> {
  const [row] =
    subject.kind === "key"
      ? await deps.db
          .select({ name: apiKeys.name, quota: apiKeys.quota })
          .from(apiKeys)
          .where(eq(apiKeys.id, subject.id))
      : await deps.db
          .select({ name: tenants.name, quota: tenants.quota })
          .from(tenants)
          .where(eq(tenants.id, subject.id));
  if (!row) return null;
  const limits = toQuotaLimits(row.quota);
  if (limits === null) return { name: row.name, quotas: [] };
  const storeSubject = subject.kind === "key" ? keyQuotaSubject(subject.id) : tenantQuotaSubject(subject.id);
  const counters = quotaCounters(storeSubject, limits, quotaWindowsAt(deps.now(), deps.timeZone));
  const values = await Promise.all(counters.map((c) => deps.store.get(c.key)));
  return {
    name: row.name,
    quotas: counters.map((c, i) => ({ metric: c.metric, used: Number(values[i] ?? 0) || 0, limit: c.limit })),
  };
}
