import type { HealthTransition, ProviderHealthSnapshot } from "../core/health/health-registry";
import type { ErrorCode } from "../core/errors/catalogue";
import type { LogWriterStats } from "../gateway/log-writer";

/** What metrics and the live stream read from the health layer (the health registry fits). */
export interface HealthSource {
  snapshot(): readonly ProviderHealthSnapshot[];
  /** Subscribes to state changes; returns the unsubscribe function. */
  onTransition(listener: (event: HealthTransition) => void): () => void;
}

/** What metrics read from the request-log writer at scrape time. */
export interface LogStatsSource {
  stats(): LogWriterStats;
}

/** Error codes of requests refused by a key or group limit. */
export const LIMIT_REJECTION_CODES: readonly string[] = [
  "RATE_LIMITED",
  "CONCURRENCY_LIMITED",
  "GROUP_RATE_LIMITED",
] satisfies readonly ErrorCode[];

export const RETRY_BUDGET_CODE: ErrorCode = "RETRY_BUDGET_EXHAUSTED";

/**
 * The metrics' `status_class` label: "2xx".."5xx" for an HTTP status, "other" outside 100..599. Not
 * stats/status-class's `statusClassOf`, which also classes a 2xx that failed afterwards as `err`.
 */
export function statusLabelOf(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}
