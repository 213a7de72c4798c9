import { createServiceContext, type ServiceDeps } from "@/services/service-context";
import { createAlertChannelService, type AlertChannelService } from "./alert-channel-service";
import { createAlertHistoryService, type AlertHistoryService } from "./alert-history";
import { createAlertRuleService, type AlertRuleService } from "./alert-rule-service";
import { DEFAULT_SENDERS, type AlertChannelSenders } from "./channels";
import { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions } from "./deliveries";

export type { AlertChannelService, AlertHistoryService, AlertRuleService };

/** The admin side of alerting: rules, channels (with "send test") and incident history. */
export interface AlertService {
  readonly rules: AlertRuleService;
  readonly channels: AlertChannelService;
  readonly history: AlertHistoryService;
}

export interface AlertServiceDeps extends ServiceDeps {
  /** Senders by channel type (tests may wrap them); the real ones by default. */
  readonly senders?: AlertChannelSenders;
  /** "Send test" uses `timeoutMs` from here. */
  readonly delivery?: Partial<DeliveryOptions>;
}

/** Creates the alert services over the same database, store and sealer as the other admin services. */
export function createAlertService(deps: AlertServiceDeps, tenantId?: string): AlertService {
  const ctx = createServiceContext(deps, tenantId);
  const delivery = {
    db: deps.db,
    sealer: deps.sealer,
    senders: deps.senders ?? DEFAULT_SENDERS,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    options: { ...DEFAULT_DELIVERY_OPTIONS, ...deps.delivery },
    outbound: ctx.outbound,
  };
  return {
    rules: createAlertRuleService(ctx),
    channels: createAlertChannelService(ctx, delivery),
    history: createAlertHistoryService(deps.db, ctx.tenantId),
  };
}
