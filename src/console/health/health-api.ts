import {
  healthReportSchema,
  providerHealthSchema,
  type HealthReport,
  type ProviderHealth,
} from "@/contracts/health";
import { apiPost, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads GET /health. */
export function selectHealth(body: unknown): HealthReport {
  return readOne(body, healthReportSchema);
}

/** Takes a provider out of service for `durationMs` (until restored when undefined). */
export async function ejectProvider(
  id: string,
  reason: string,
  durationMs: number | undefined,
): Promise<ProviderHealth> {
  return readOne(
    await apiPost<unknown>(endpoints.providerEject(id), { reason, durationMs }),
    providerHealthSchema,
  );
}

/** Puts an ejected provider back into service. */
export async function restoreProvider(id: string): Promise<ProviderHealth> {
  return readOne(await apiPost<unknown>(endpoints.providerRestore(id), {}), providerHealthSchema);
}
