import { createApiKeyService, type ApiKeyService } from "./api-key-service";
import { createAuditService, type AuditService } from "./audit-service";
import { createConfigService, type ConfigService } from "./config-service";
import { createGroupService, type GroupService } from "./group-service";
import { createLogsService, type LogsService } from "./logs-service";
import { createOverviewService, type OverviewService } from "./overview-service";
import { createProviderService, type ProviderService } from "./provider-service";
import { createServiceContext, type AdminServicesDeps } from "./service-context";
import { createStatsService, type StatsService } from "./stats-service";

export type { AdminServicesDeps, CredentialSealer, WriteContext } from "./service-context";
export type {
  ApiKeyService,
  AuditService,
  ConfigService,
  GroupService,
  LogsService,
  OverviewService,
  ProviderService,
  StatsService,
};

/** The control plane's services: the one place that validates, writes, audits and announces. */
export interface AdminServices {
  readonly providers: ProviderService;
  readonly groups: GroupService;
  readonly apiKeys: ApiKeyService;
  readonly config: ConfigService;
  readonly audit: AuditService;
  readonly overview: OverviewService;
  readonly stats: StatsService;
  readonly logs: LogsService;
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
    stats: createStatsService(ctx),
    logs: createLogsService(ctx),
  };
}
