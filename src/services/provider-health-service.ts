import { and, eq } from "drizzle-orm";
import {
  providerEjectSchema,
  providerRestoreSchema,
  type HealthReport,
  type ProviderHealth,
} from "@/contracts/health";
import { AppError } from "@/core/errors/catalogue";
import { groups, providers } from "@/db/schema";
import type { HealthControl } from "@/health/health-control";
import { isUuid, parseInput, type ServiceContext, type WriteContext } from "./service-context";

export interface ProviderHealthService {
  /** Every provider and group membership with its health on this instance. */
  report(): Promise<HealthReport>;
  /** Ejects a provider by hand (`{ reason, durationMs? }`; no duration = until restored); audited. */
  eject(by: WriteContext, id: string, input: unknown): Promise<ProviderHealth>;
  /** Restores a provider by hand (`{ reason? }`); audited. */
  restore(by: WriteContext, id: string, input: unknown): Promise<ProviderHealth>;
}

interface ProviderRef {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
}

/** Manual health operations: validation, the provider lookup and the audit row around the health layer. */
export function createProviderHealthService(
  ctx: ServiceContext,
  control: HealthControl,
): ProviderHealthService {
  async function findProvider(id: string): Promise<ProviderRef> {
    const [row] = isUuid(id)
      ? await ctx.db
          .select({ id: providers.id, name: providers.name, enabled: providers.enabled })
          .from(providers)
          .where(and(eq(providers.id, id), ctx.owned(providers)))
      : [];
    if (!row) throw new AppError("PROVIDER_NOT_FOUND");
    return row;
  }

  return {
    // The health layer sees every tenant's providers: the report keeps the acting tenant's only.
    async report() {
      const [report, own, ownGroups] = await Promise.all([
        control.report(),
        ctx.db.select({ id: providers.id }).from(providers).where(ctx.owned(providers)),
        ctx.db.select({ id: groups.id }).from(groups).where(ctx.owned(groups)),
      ]);
      const providerIds = new Set(own.map((row) => row.id));
      const groupIds = new Set(ownGroups.map((row) => row.id));
      return {
        ...report,
        providers: report.providers.filter((p) => providerIds.has(p.providerId)),
        groups: report.groups.filter((g) => groupIds.has(g.groupId)),
      };
    },

    async eject(by, id, input) {
      const data = parseInput(providerEjectSchema, input);
      const provider = await findProvider(id);
      const until = data.durationMs === undefined ? null : ctx.now().getTime() + data.durationMs;
      await control.eject(provider.id, until);
      const span = until === null ? "until restored" : `until ${new Date(until).toISOString()}`;
      await ctx.record(by, {
        action: "provider.eject",
        entityType: "provider",
        entityId: provider.id,
        summary: `Ejected provider "${provider.name}" ${span}: ${data.reason}`,
        changes: {
          reason: data.reason,
          durationMs: data.durationMs ?? null,
          until: until && new Date(until).toISOString(),
        },
      });
      return control.providerHealth(provider);
    },

    async restore(by, id, input) {
      const data = parseInput(providerRestoreSchema, input ?? {});
      const provider = await findProvider(id);
      await control.restore(provider.id);
      await ctx.record(by, {
        action: "provider.restore",
        entityType: "provider",
        entityId: provider.id,
        summary: `Restored provider "${provider.name}"${data.reason ? `: ${data.reason}` : ""}`,
        changes: { reason: data.reason ?? null },
      });
      return control.providerHealth(provider);
    },
  };
}
