import { createAlertService, type AlertService, type AlertServiceDeps } from "@/alerts/alert-service";
import type { HealthControl } from "@/health/health-control";
import type { HealthStream } from "@/observability/health-stream";
import { createApiKeyService, type ApiKeyService } from "./api-key-service";
import { createAuditService, type AuditService } from "./audit-service";
import { createConfigService, type ConfigService } from "./config-service";
import { createGroupService, type GroupService } from "./group-service";
import { createKeyUsageService, type KeyUsageService } from "./key-usage-service";
import { createLogDebugService, type LogDebugService, type ReplayPort } from "./log-debug-service";
import { createLogsService, type LogsService } from "./logs-service";
import { createModelPriceService, type ModelPriceService } from "./model-price-service";
import { createOverviewService, type OverviewService } from "./overview-service";
import { createProviderHealthService, type ProviderHealthService } from "./provider-health-service";
import { createProviderService, type ProviderService } from "./provider-service";
import { createServiceContext, type ServiceDeps } from "./service-context";
import { createStatsService, type StatsService } from "./stats-service";
import { createTenantService, type TenantService } from "./tenant-service";
import { DEFAULT_TENANT_ID } from "@/core/vocabulary/tenants";
import { createUsersService, type PasswordHasher, type UsersService } from "./users-service";

export type { CredentialSealer, ServiceDeps, WriteContext } from "./service-context";
export type {
  AlertService,
  ApiKeyService,
  AuditService,
  ConfigService,
  GroupService,
  KeyUsageService,
  LogDebugService,
  LogsService,
  ReplayPort,
  OverviewService,
  ProviderHealthService,
  ProviderService,
  StatsService,
  TenantService,
  UsersService,
};

/**
 * The control plane: every service the admin API calls, in one registry. The route table
 * (`src/admin-api/routes/index.ts`) reaches each of them through `ctx.services`; the runtime builds the
 * registry once and hands it to the admin API.
 */
export interface AdminServices {
  readonly providers: ProviderService;
  readonly groups: GroupService;
  readonly apiKeys: ApiKeyService;
  /** A key's usage this quota day and month (the per-key usage page). */
  readonly keyUsage: KeyUsageService;
  readonly config: ConfigService;
  readonly audit: AuditService;
  readonly overview: OverviewService;
  readonly modelPrices: ModelPriceService;
  readonly stats: StatsService;
  readonly logs: LogsService;
  /** Replay, diff and copy-as-curl of captured requests. */
  readonly logDebug: LogDebugService;
  /** Console users and the caller's own password. */
  readonly users: UsersService;
  /** Alert rules, channels (with "send test") and incident history. */
  readonly alerts: AlertService;
  /** The health report and manual eject/restore of this instance's data plane. */
  readonly health: ProviderHealthService;
  /** Live health and traffic events (server-sent) of this instance. */
  readonly liveStream: HealthStream;
  /** Tenants, members and tenant tokens (system level: the same whatever the acting tenant). */
  readonly tenants: TenantService;
  /** The tenant these services act in: every query they run filters by it. */
  readonly tenantId: string;
  /** The same services acting in another tenant (the admin API picks it per request). */
  forTenant(tenantId: string): AdminServices;
}

export interface AdminServicesDeps extends ServiceDeps {
  /** Password hashing as sign-in verifies it (better-auth's scrypt). */
  readonly passwords: PasswordHasher;
  /** The health layer of the data plane this process runs. */
  readonly health: HealthControl;
  /** The live event stream of this process. */
  readonly liveStream: HealthStream;
  /** Alert channel senders and delivery options; the real senders and defaults when absent. */
  readonly alerting?: Pick<AlertServiceDeps, "senders" | "delivery">;
  /** This process's data plane, for replays (absent: a replay answers INTERNAL_ERROR). */
  readonly replay?: ReplayPort;
}

/**
 * Creates the admin services over one database, state store and credential sealer, acting in the
 * default tenant; `forTenant` gives the same registry acting in another one (built once per tenant).
 */
export function createAdminServices(deps: AdminServicesDeps): AdminServices {
  const byTenant = new Map<string, AdminServices>();
  const tenants = createTenantService(createServiceContext(deps, DEFAULT_TENANT_ID));
  const forTenant = (tenantId: string): AdminServices => {
    let services = byTenant.get(tenantId);
    if (services === undefined) {
      services = createTenantServices(deps, tenantId, tenants, forTenant);
      byTenant.set(tenantId, services);
    }
    return services;
  };
  return forTenant(DEFAULT_TENANT_ID);
}

/** One tenant's registry: the isolation lives in its service context (`ctx.owned`, `ctx.tenantId`). */
function createTenantServices(
  deps: AdminServicesDeps,
  tenantId: string,
  tenants: TenantService,
  forTenant: (tenantId: string) => AdminServices,
): AdminServices {
  const ctx = createServiceContext(deps, tenantId);
  const apiKeys = createApiKeyService(ctx);
  const logs = createLogsService(ctx);
  return {
    providers: createProviderService(ctx),
    groups: createGroupService(ctx),
    apiKeys,
    keyUsage: createKeyUsageService(ctx, apiKeys),
    config: createConfigService(ctx),
    audit: createAuditService(ctx),
    overview: createOverviewService(ctx),
    modelPrices: createModelPriceService(ctx),
    stats: createStatsService(ctx),
    logs,
    logDebug: createLogDebugService(ctx, logs, deps.replay),
    users: createUsersService({ db: deps.db, passwords: deps.passwords, store: deps.store, now: deps.now }),
    alerts: createAlertService({ ...deps, ...deps.alerting }, tenantId),
    health: createProviderHealthService(ctx, deps.health),
    liveStream: deps.liveStream,
    tenants,
    tenantId,
    forTenant,
  };
}
