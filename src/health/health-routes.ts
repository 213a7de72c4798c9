import { eq } from "drizzle-orm";
import { jsonResponse } from "../http/web-response";
import type { RouteDefinition } from "../admin-api/route-types";
import {
  providerEjectSchema,
  providerRestoreSchema,
  type HealthReport,
  type ProviderHealth,
} from "../contracts/health";
import { AppError } from "../core/errors/catalogue";
import type { Db } from "../db/client";
import { providers } from "../db/schema";
import { isUuid, parseInput, type AuditRecord, type WriteContext } from "../services/service-context";
import type { GatewayHealth } from "./gateway-health";
import { toProviderHealth } from "./health-report";

/**
 * Admin routes of the health layer: `GET /health` (viewers), and the manual `POST
 * /providers/{id}/eject` and `/restore` (admins; audited; in shared mode written to the shared state
 * and announced to every instance before answering).
 */

export interface HealthRoutesDeps {
  readonly db: Db;
  readonly health: GatewayHealth;
  readonly report: () => Promise<HealthReport>;
  /** Requests in flight per provider on this instance. */
  readonly inFlight: ReadonlyMap<string, number>;
  readonly recordAudit: (by: WriteContext, audit: AuditRecord) => Promise<void>;
  /** Clock in ms (tests). */
  readonly now?: () => number;
}

/** Builds the health routes (mounted through createAdminApi's extraRoutes). */
export function createHealthRoutes(deps: HealthRoutesDeps): readonly RouteDefinition[] {
  const now = deps.now ?? Date.now;

  async function findProvider(id: string): Promise<{ id: string; name: string; enabled: boolean }> {
    const [row] = isUuid(id)
      ? await deps.db
          .select({ id: providers.id, name: providers.name, enabled: providers.enabled })
          .from(providers)
          .where(eq(providers.id, id))
      : [];
    if (!row) throw new AppError("PROVIDER_NOT_FOUND");
    return row;
  }

  const healthOf = (provider: { id: string; name: string; enabled: boolean }): ProviderHealth =>
    toProviderHealth(deps.health.snapshot([provider.id])[0]!, provider, deps.inFlight.get(provider.id) ?? 0);

  return [
    {
      method: "GET",
      pattern: "/health",
      role: "viewer",
      handler: async () => jsonResponse(await deps.report()),
    },
    {
      method: "POST",
      pattern: "/providers/:id/eject",
      role: "admin",
      handler: async (ctx) => {
        const input = parseInput(providerEjectSchema, await ctx.readJson());
        const provider = await findProvider(ctx.params.id!);
        const until = input.durationMs === undefined ? null : now() + input.durationMs;
        await deps.health.eject(provider.id, until);
        const span = until === null ? "until restored" : `until ${new Date(until).toISOString()}`;
        await deps.recordAudit(ctx.by, {
          action: "provider.eject",
          entityType: "provider",
          entityId: provider.id,
          summary: `Ejected provider "${provider.name}" ${span}: ${input.reason}`,
          changes: {
            reason: input.reason,
            durationMs: input.durationMs ?? null,
            until: until && new Date(until).toISOString(),
          },
        });
        return jsonResponse(healthOf(provider));
      },
    },
    {
      method: "POST",
      pattern: "/providers/:id/restore",
      role: "admin",
      handler: async (ctx) => {
        const input = parseInput(providerRestoreSchema, (await ctx.readOptionalJson()) ?? {});
        const provider = await findProvider(ctx.params.id!);
        await deps.health.restore(provider.id);
        await deps.recordAudit(ctx.by, {
          action: "provider.restore",
          entityType: "provider",
          entityId: provider.id,
          summary: `Restored provider "${provider.name}"${input.reason ? `: ${input.reason}` : ""}`,
          changes: { reason: input.reason ?? null },
        });
        return jsonResponse(healthOf(provider));
      },
    },
  ];
}
