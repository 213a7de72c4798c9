/**
 * One probe of a provider: a GET of `path` below its base path, sent with its credential and extra
 * headers, classified like a gateway attempt (2xx/3xx success, 401/403 auth_failure, 429/5xx and
 * transport errors failure, other 4xx neutral). It records nothing anywhere, so the active checker
 * (which feeds the result to the health layer) and the admin "test connection" (informational only)
 * share it. Nothing from the request or the upstream's body is returned: no credential can leak.
 */
import { randomUUID } from "node:crypto";
import { EMPTY_OUTBOUND_POLICY, type OutboundPolicy } from "../core/outbound/allow-list";
import { classifyAttempt, type AttemptHealth } from "../core/retry/classify";
import { buildUpstreamHeaders } from "../gateway/forward-headers";
import type { SnapshotProvider } from "../gateway/snapshot/snapshot-types";
import { CONNECT_FAILED_CODES, errorCodeOf } from "../gateway/upstream/map-upstream-error";
import { requestOutbound } from "../security/outbound-connect";

export type ProbeErrorCode =
  "UPSTREAM_CONNECT_FAILED" | "UPSTREAM_TIMEOUT" | "UPSTREAM_RESET" | "OUTBOUND_BLOCKED";

export interface ProbeResult {
  readonly outcome: AttemptHealth;
  /** The upstream's HTTP status; null when it never answered. */
  readonly status: number | null;
  /** Catalogue code of a transport failure; null when the upstream answered. */
  readonly error: ProbeErrorCode | null;
  /** The system or undici code behind a transport failure (e.g. ECONNREFUSED); never a free-text message. */
  readonly cause: string | null;
  /** Time to the response head, ms; null when there was none. */
  readonly headersMs: number | null;
  /** The whole probe (the body is read and discarded), ms, rounded. */
  readonly ms: number;
}

// The body only has to be drained so the connection can be reused; beyond this it is cut off.
const MAX_DRAINED_BYTES = 64 * 1024;
const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "ETIMEDOUT",
]);
const SAFE_CAUSE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** The probed URL: origin + base path + path (a base URL never carries credentials or a query). */
export function probeUrl(target: Pick<SnapshotProvider, "origin" | "basePath">, path: string): string {
  return `${target.origin}${target.basePath}${path}`;
}

/**
 * Probes `path` of one provider within `timeoutMs` and classifies the answer; records nothing. The
 * probe goes through the outbound guard (`outbound`, i.e. OUTBOUND_ALLOW): the host is resolved and
 * checked, the connection pinned to the checked address, and a redirect is an answer, not followed.
 */
export async function probeProvider(
  target: SnapshotProvider,
  path: string,
  timeoutMs: number,
  outbound: OutboundPolicy = EMPTY_OUTBOUND_POLICY,
): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await requestOutbound(
      probeUrl(target, path),
      outbound,
      {
        method: "GET",
        headers: buildUpstreamHeaders({}, target, randomUUID()),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        connect: { timeout: timeoutMs },
      },
      { resolveTimeoutMs: timeoutMs },
    );
    const headersMs = performance.now() - started;
    const status = response.statusCode;
    await response.body.dump({ limit: MAX_DRAINED_BYTES }).catch(() => undefined);
    const outcome = classifyAttempt({ kind: "status", status }, []).health;
    return { outcome, status, error: null, cause: null, headersMs, ms: elapsed() };
  } catch (err) {
    const code = errorCodeOf(err);
    const error: ProbeErrorCode =
      code === "OUTBOUND_BLOCKED"
        ? "OUTBOUND_BLOCKED"
        : code !== undefined && CONNECT_FAILED_CODES.has(code)
          ? "UPSTREAM_CONNECT_FAILED"
          : (code !== undefined && TIMEOUT_CODES.has(code)) || (err as Error | null)?.name === "TimeoutError"
            ? "UPSTREAM_TIMEOUT"
            : "UPSTREAM_RESET";
    const cause = code !== undefined && SAFE_CAUSE.test(code) ? code : null;
    return { outcome: "failure", status: null, error, cause, headersMs: null, ms: elapsed() };
  }
}
