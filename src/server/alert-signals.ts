import { providers } from "@/db/schema";
import type { AlertSignals, ProviderSignal } from "@/core/alerts/types";
import { readQuotaUsage } from "@/alerts/quota-usage-signal";
import type { StateStore } from "@/store/types";
import type { Db } from "@/db/client";
import type { Gateway } from "@/gateway/create-gateway";
import type { GatewayHealth } from "@/health/gateway-health";
import type { StatsService } from "@/services/stats-service";

export interface AlertSignalsDeps {
  readonly db: Db;
  readonly health: GatewayHealth;
  readonly gateway: Pick<Gateway, "snapshots" | "logWriter">;
  readonly stats: StatsService;
  /** Quota counters (the gateway's fast path; the recount raises them to the database's figures). */
  readonly store: StateStore;
  /** QUOTA_TIME_ZONE: where quota days and months start. */
  readonly timeZone: string;
  readonly now?: () => number;
}

/**
 * What the alert scheduler reads each tick, from the health layer (states, group availability), the
 * statistics rollups (success rate, p95 — never raw logs), the log writer's drop counter and the
 * quota counters in the store (limits read from the database).
 */
export function createAlertSignals(deps: AlertSignalsDeps): AlertSignals {
  const now = deps.now ?? Date.now;
  // The log writer counts drops since start; keep (time, total) samples to answer "since t".
  const dropSamples: { at: number; dropped: number }[] = [];

  const membersOf = (groupId: string): string[] | null => {
    for (const group of deps.gateway.snapshots.current()?.groupsBySlug.values() ?? []) {
      if (group.id === groupId) return group.members.map((m) => m.provider.id);
    }
    return null;
  };

  return {
    async providerStates(): Promise<ProviderSignal[]> {
      const rows = await deps.db.select({ id: providers.id, name: providers.name }).from(providers);
      const entries = deps.health.snapshot(rows.map((r) => r.id));
      return rows.map((row, i) => ({
        providerId: row.id,
        name: row.name,
        state: entries[i]!.state,
        reason: entries[i]!.reason,
      }));
    },
    async groupWindow(groupId, windowMs) {
      const to = now();
      const { totals } = await deps.stats.overview({ groupId, from: String(to - windowMs), to: String(to) });
      return { requests: totals.requests, successes: totals.successes, p95LatencyMs: totals.latencyMs.p95 };
    },
    groupProvidersDown(groupId) {
      const members = membersOf(groupId);
      if (members === null || members.length === 0) return members !== null;
      return deps.health.evaluate(members).members.every((m) => !m.available);
    },
    quotaUsage: (subject) =>
      readQuotaUsage({ db: deps.db, store: deps.store, timeZone: deps.timeZone, now }, subject),
    droppedLogRows(sinceMs) {
      const total = deps.gateway.logWriter.stats().dropped;
      const at = now();
      dropSamples.push({ at, dropped: total });
      while (dropSamples.length > 1 && dropSamples[1]!.at <= sinceMs) dropSamples.shift();
      const base = dropSamples[0]!.at <= sinceMs ? dropSamples[0]!.dropped : 0;
      return Math.max(0, total - base);
    },
  };
}
