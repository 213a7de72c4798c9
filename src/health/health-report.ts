import { asc } from "drizzle-orm";
import type {
  GroupHealth,
  HealthReport,
  MemberHealth,
  ProviderHealth,
  StorageUsage,
} from "../contracts/health";
import type { MemberHealth as MemberView } from "../core/health/group-health";
import type { ProviderHealthSnapshot } from "../core/health/health-registry";
import type { Db } from "../db/client";
import { groupProviders, groups, providers } from "../db/schema";
import type { Gateway } from "../gateway/create-gateway";
import type { GatewayHealth } from "./gateway-health";

/**
 * The admin health view: every provider (enabled or not) with its health, and every group with each
 * membership's health and whether the group routes to it now. Group availability is evaluated over
 * the members the gateway actually routes (its current snapshot), exactly as traffic would see it.
 */

export interface HealthReportDeps {
  readonly db: Db;
  readonly health: GatewayHealth;
  readonly gateway: Pick<Gateway, "snapshots" | "inFlight">;
  /** Database size and state-store usage (src/observability/storage-usage.ts); omitted when absent. */
  readonly storage?: { read(): Promise<StorageUsage> };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Maps the registry's view of one provider to the API shape. */
export function toProviderHealth(
  entry: ProviderHealthSnapshot,
  provider: { readonly name: string; readonly enabled: boolean },
  inFlight: number,
): ProviderHealth {
  return {
    providerId: entry.providerId,
    name: provider.name,
    enabled: provider.enabled,
    state: entry.state,
    reason: entry.reason,
    ejectedUntil: iso(entry.ejectedUntil),
    successRate: entry.successRate,
    volume: entry.volume,
    latencyMs: entry.latencyEwmaMs === null ? null : Math.round(entry.latencyEwmaMs * 10) / 10,
    inFlight,
    lastError:
      entry.lastError === null
        ? null
        : { status: entry.lastError.status, code: entry.lastError.code, at: iso(entry.lastError.at)! },
    consecutiveFailures: entry.consecutiveFailures,
    ejections: entry.ejections,
    weightFactor: Math.round(entry.weightFactor * 1000) / 1000,
    trialInFlight: entry.trialInFlight,
  };
}

/** Builds the report from the database, the health layer and this instance's gateway. */
export async function buildHealthReport(deps: HealthReportDeps): Promise<HealthReport> {
  const [providerRows, groupRows, memberRows] = await Promise.all([
    deps.db
      .select({
        id: providers.id,
        name: providers.name,
        enabled: providers.enabled,
        weight: providers.weight,
      })
      .from(providers)
      .orderBy(asc(providers.name)),
    deps.db.select().from(groups).orderBy(asc(groups.slug)),
    deps.db.select().from(groupProviders).orderBy(asc(groupProviders.priority)),
  ]);
  const storage = deps.storage ? await deps.storage.read() : undefined;
  // Groups first: evaluating them applies the group rules (an ejection may be due) before the read.
  const routed = new Map<string, { panic: boolean; views: Map<string, MemberView> }>();
  for (const group of deps.gateway.snapshots.current()?.groupsBySlug.values() ?? []) {
    const view = deps.health.evaluate(group.members.map((m) => m.provider.id));
    routed.set(group.id, { panic: view.panic, views: new Map(view.members.map((m) => [m.id, m])) });
  }
  const entries = deps.health.snapshot(providerRows.map((p) => p.id));
  const byId = new Map<string, ProviderHealth>();
  providerRows.forEach((row, i) => {
    byId.set(row.id, toProviderHealth(entries[i]!, row, deps.gateway.inFlight.get(row.id) ?? 0));
  });
  const weightOf = new Map(providerRows.map((p) => [p.id, p.weight]));

  const groupList: GroupHealth[] = groupRows.map((g) => {
    const live = routed.get(g.id);
    const members: MemberHealth[] = [];
    for (const m of memberRows) {
      const provider = m.groupId === g.id ? byId.get(m.providerId) : undefined;
      if (provider === undefined) continue;
      const view = live?.views.get(m.providerId);
      members.push({
        ...provider,
        priority: m.priority,
        weight: m.weight ?? weightOf.get(m.providerId) ?? 0,
        memberEnabled: m.enabled,
        available: view?.available ?? false,
        trial: view?.trial ?? false,
        panic: view?.panic ?? false,
      });
    }
    members.sort((x, y) => x.priority - y.priority || x.name.localeCompare(y.name));
    return {
      groupId: g.id,
      slug: g.slug,
      name: g.name,
      enabled: g.enabled,
      panic: live?.panic ?? false,
      members,
    };
  });

  return {
    generatedAt: new Date().toISOString(),
    instanceId: deps.health.instanceId,
    shared: deps.health.shared,
    providers: [...byId.values()],
    groups: groupList,
    ...(storage ? { storage } : {}),
  };
}
