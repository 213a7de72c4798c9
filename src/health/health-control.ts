import type { HealthReport, ProviderHealth } from "../contracts/health";
import { buildHealthReport, toProviderHealth, type HealthReportDeps } from "./health-report";

/**
 * What the control plane may do with the health of this instance's data plane: read the admin report,
 * eject or restore a provider by hand (in shared mode written to the shared state and announced to every
 * instance before the promise resolves), and show one provider's health. The admin services validate
 * and audit around it; this module knows nothing about callers or HTTP.
 */
export interface HealthControl {
  /** Every provider and group membership with its health (`GET /api/admin/health`). */
  report(): Promise<HealthReport>;
  /** Takes a provider out of service until `until` (epoch ms) or, with null, until restored. */
  eject(providerId: string, until: number | null): Promise<void>;
  /** Puts a provider back into service (slow start applies). */
  restore(providerId: string): Promise<void>;
  /** One provider's health as the admin API shows it, with this instance's in-flight count. */
  providerHealth(provider: {
    readonly id: string;
    readonly name: string;
    readonly enabled: boolean;
  }): ProviderHealth;
}

/** Builds the control over the health layer and the gateway it guards. */
export function createHealthControl(deps: HealthReportDeps): HealthControl {
  return {
    report: () => buildHealthReport(deps),
    eject: (providerId, until) => deps.health.eject(providerId, until),
    restore: (providerId) => deps.health.restore(providerId),
    providerHealth: (provider) =>
      toProviderHealth(
        deps.health.snapshot([provider.id])[0]!,
        provider,
        deps.gateway.inFlight.get(provider.id) ?? 0,
      ),
  };
}
