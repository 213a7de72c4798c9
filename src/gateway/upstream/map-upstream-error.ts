import type { AttemptErrorCode } from "../../core/retry/classify";
import type { RequestSignals } from "../context/request-facts";

/** System and undici error codes that mean the connection (TCP, DNS or TLS) could not be set up. */
export const CONNECT_FAILED_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_INVALID_ARG",
  "ERR_INVALID_CHAR",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
]);

/** The error's code (undici and Node put it on `code`, sometimes on the cause). */
export function errorCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  const causeCode = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof causeCode === "string" ? causeCode : undefined;
}

/**
 * Maps a failed upstream exchange to a stable attempt code. Our own aborts are recognised from the
 * request's signals (client gone, first-byte or total deadline), not from the error undici throws for them.
 */
export function mapUpstreamError(
  signals: Pick<RequestSignals, "clientClosed" | "abortReason">,
  err: unknown,
): AttemptErrorCode {
  if (signals.clientClosed) return "CLIENT_CLOSED";
  if (signals.abortReason === "first_byte") return "UPSTREAM_FIRST_BYTE_TIMEOUT";
  if (signals.abortReason === "total") return "UPSTREAM_TIMEOUT";
  const code = errorCodeOf(err);
  // The guarded connector refused the provider's address (OUTBOUND_ALLOW): no socket was opened.
  if (code === "OUTBOUND_BLOCKED") return "OUTBOUND_BLOCKED";
  if (code === "UND_ERR_HEADERS_TIMEOUT") return "UPSTREAM_FIRST_BYTE_TIMEOUT";
  if (code === "UND_ERR_BODY_TIMEOUT") return "UPSTREAM_IDLE_TIMEOUT";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return "UPSTREAM_TIMEOUT";
  if (code !== undefined && CONNECT_FAILED_CODES.has(code)) return "UPSTREAM_CONNECT_FAILED";
  return "UPSTREAM_RESET";
}
