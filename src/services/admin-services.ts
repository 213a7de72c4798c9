import { createAlertService, type AlertService, type AlertServiceDeps } from "@/alerts/alert-service";
import type { HealthControl } from "@/health/health-control";
import type { HealthStream } from "@/observability/health-stream";
import { createApiKeyService, type ApiKeyService } from "./api-key-service";
import { createAuditService, type AuditService } from "./audit-service";
import { createConfigService, type ConfigService } from "./config-service";
import { createGroupService, type GroupService } from "./group-service";
import { createLogsService, type LogsService } from "./logs-service";
import { createModelPriceService, type ModelPriceService } from "./model-price-service";
import { createOverviewService, type OverviewService } from "./overview-service";
import { createProviderHealthService, type ProviderHealthService } from "./provider-health-service";
import { createProviderService, type ProviderService } from "./provider-service";
import { createServiceContext, type ServiceDeps } from "./service-context";
import { createStatsService, type StatsService } from "./stats-service";
import { createUsersService, type PasswordHasher, type UsersService } from "./users-service";

export type { CredentialSealer, ServiceDeps, WriteContext } from "./service-context";
export type {
  AlertService,
  ApiKeyService,
  AuditService,
  ConfigService,
  GroupService,
  LogsService,
  OverviewService,
  ProviderHealthService,
  ProviderService,
  StatsService,
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
  readonly config: ConfigService;
  readonly audit: AuditService;
  readonly overview: OverviewService;
  readonly modelPrices: ModelPriceService;
  readonly stats: StatsService;
  readonly logs: LogsService;
  /** Console users and the caller's own password. */
  readonly users: UsersService;
  /** Alert rules, channels (with "send test") and incident history. */
  readonly alerts: AlertService;
  /** The health report and manual eject/restore of this instance's data plane. */
  readonly health: ProviderHealthService;
  /** Live health and traffic events (server-sent) of this instance. */
  readonly liveStream: HealthStream;
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
}

/** Creates the admin services over one database, state store and credential sealer. */
export function createAdminServices(deps: AdminServicesDeps): AdminServices {
  const ctx = createServiceContext(deps);
  return {
    providers: createProviderService(ctx),
    groups: createGroupService(ctx),
    apiKeys: createApiKeyService(ctx),
    config: createConfigService(ctx),
    audit: createAuditService(ctx),
    overview: createOverviewService(ctx),
    modelPrices: createModelPriceService(ctx),
    stats: createStatsService(ctx),
    logs: createLogsService(ctx),
    users: createUsersService({ db: deps.db, passwords: deps.passwords, store: deps.store, now: deps.now }),
    alerts: createAlertService({ ...deps, ...deps.alerting }),
    health: createProviderHealthService(ctx, deps.health),
    liveStream: deps.liveStream,
  };
}
