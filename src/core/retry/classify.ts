import type { ErrorCode } from "@/core/errors/catalogue";
import type { HealthOutcome } from "../vocabulary/health";

/**
 * What one upstream attempt means for the request (retry elsewhere?) and for the provider's health.
 * `retry: true` means the attempt may be repeated on another provider *if nothing has been sent to the
 * client yet*; the gateway enforces that (failover happens only before the first byte) and also
 * applies max attempts and the retry budget.
 *
 * Rules, in order:
 *  - transport errors (connect failed or refused by the outbound guard, reset, any timeout, stream error before first content) →
 *    retry + failure; CLIENT_CLOSED → no retry, neutral (the client left; nobody is at fault);
 *  - 1xx–3xx → success;
 *  - 401/403 → retry + auth_failure: the provider's credential is bad, not the client's;
 *  - status in `retryOn` → retry + failure;
 *  - 429 (even when not in `retryOn`) → no retry, failure: it is an overload signal from upstream;
 *  - other 4xx → no retry, neutral: client errors never trip a provider's health;
 *  - other 5xx, and any status outside 100–599 → no retry, failure.
 */

export type AttemptErrorCode = Extract<
  ErrorCode,
  | "UPSTREAM_CONNECT_FAILED"
  | "OUTBOUND_BLOCKED"
  | "UPSTREAM_RESET"
  | "UPSTREAM_TIMEOUT"
  | "UPSTREAM_FIRST_BYTE_TIMEOUT"
  | "UPSTREAM_IDLE_TIMEOUT"
  | "UPSTREAM_STREAM_ERROR"
  | "CLIENT_CLOSED"
>;

export type AttemptOutcome =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "error"; readonly code: AttemptErrorCode };

/** How an attempt counts for health. */
export type AttemptHealth = HealthOutcome;

export interface AttemptClassification {
  readonly retry: boolean;
  readonly health: AttemptHealth;
}

const RETRY_FAILURE: AttemptClassification = Object.freeze({ retry: true, health: "failure" });
const RETRY_AUTH: AttemptClassification = Object.freeze({ retry: true, health: "auth_failure" });
const FINAL_FAILURE: AttemptClassification = Object.freeze({ retry: false, health: "failure" });
const FINAL_NEUTRAL: AttemptClassification = Object.freeze({ retry: false, health: "neutral" });
const SUCCESS: AttemptClassification = Object.freeze({ retry: false, health: "success" });

const ERROR_CLASSES: Readonly<Record<AttemptErrorCode, AttemptClassification>> = {
  UPSTREAM_CONNECT_FAILED: RETRY_FAILURE,
  // The provider's address is refused by OUTBOUND_ALLOW: another member may be allowed.
  OUTBOUND_BLOCKED: RETRY_FAILURE,
  UPSTREAM_RESET: RETRY_FAILURE,
  UPSTREAM_TIMEOUT: RETRY_FAILURE,
  UPSTREAM_FIRST_BYTE_TIMEOUT: RETRY_FAILURE,
  UPSTREAM_IDLE_TIMEOUT: RETRY_FAILURE,
  UPSTREAM_STREAM_ERROR: RETRY_FAILURE,
  CLIENT_CLOSED: FINAL_NEUTRAL,
};

/** Returns true when `status` is listed in `retryOn` (array from the group row, or a set). */
function includesStatus(retryOn: readonly number[] | ReadonlySet<number>, status: number): boolean {
  return Array.isArray(retryOn) ? retryOn.includes(status) : (retryOn as ReadonlySet<number>).has(status);
}

/** Classifies one upstream attempt into "retry on another provider?" and a health signal. */
export function classifyAttempt(
  outcome: AttemptOutcome,
  retryOn: readonly number[] | ReadonlySet<number>,
): AttemptClassification {
  if (outcome.kind === "error") return ERROR_CLASSES[outcome.code] ?? RETRY_FAILURE;
  const status = outcome.status;
  if (!Number.isInteger(status) || status < 100 || status > 599) return FINAL_FAILURE;
  if (status < 400) return SUCCESS;
  if (status === 401 || status === 403) return RETRY_AUTH;
  if (includesStatus(retryOn, status)) return RETRY_FAILURE;
  if (status === 429) return FINAL_FAILURE;
  if (status < 500) return FINAL_NEUTRAL;
  return FINAL_FAILURE;
}
