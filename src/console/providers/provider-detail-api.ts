import { logsPageSchema, type LogSummary } from "@/contracts/logs";
import { providerSchema, type Provider } from "@/contracts/providers";
import { providerStatsSchema, type ProviderStats } from "@/contracts/stats";
import { readOne } from "../api-client";

/** Reads GET /providers/{id}. */
export function selectProvider(body: unknown): Provider {
  return readOne(body, providerSchema);
}

/** Reads GET /stats/providers/{id}: the provider's traffic series and stored health transitions. */
export function selectProviderStats(body: unknown): ProviderStats {
  return readOne(body, providerStatsSchema);
}

/** Reads one page of GET /logs (its rows only). */
export function selectLogRows(body: unknown): LogSummary[] {
  return readOne(body, logsPageSchema).items;
}
