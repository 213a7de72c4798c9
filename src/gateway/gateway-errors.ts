import type { ProxyResponse } from "./context/request-facts";
import { AppError, ERRORS, type ErrorCode } from "../core/errors/catalogue";

/**
 * The one error body the gateway produces. Both SDK families read it: OpenAI's clients look at
 * `error.message`/`error.type`/`error.code`, Anthropic's at the top-level `type: "error"` and
 * `error.type`/`error.message`.
 */

/** A refusal whose answer carries extra headers (Retry-After, X-RateLimit-*). */
export class GatewayRefusal extends AppError {
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    headers: Readonly<Record<string, string>>,
    message?: string,
    details?: Readonly<Record<string, unknown>>,
  ) {
    super(code, message, details);
    this.headers = headers;
  }
}

/** `error.details`: the failed attempts, or a refusal's facts (QUOTA_EXCEEDED: quota, limit, usage, reset). */
export type GatewayErrorDetails = readonly AttemptSummary[] | Readonly<Record<string, unknown>>;

/** What the gateway tells the client about one failed upstream attempt (never a secret). */
export interface AttemptSummary {
  readonly provider: string;
  readonly status?: number;
  readonly error?: string;
  readonly ms: number;
}

/** Serialises the unified error body. */
export function buildErrorBody(
  code: ErrorCode,
  requestId: string,
  message?: string,
  details?: GatewayErrorDetails,
): string {
  const spec = ERRORS[code];
  const error: Record<string, unknown> = {
    type: spec.type,
    code,
    message: message ?? spec.message,
    request_id: requestId,
  };
  if (details !== undefined && (!Array.isArray(details) || details.length > 0)) error.details = details;
  return JSON.stringify({ type: "error", error });
}

/** Answers a gateway-produced error with its catalogue status and the unified body. */
export function sendGatewayError(
  res: ProxyResponse,
  code: ErrorCode,
  requestId: string,
  extraHeaders?: Record<string, string | number>,
  message?: string,
  details?: GatewayErrorDetails,
): number {
  const status = ERRORS[code].status;
  if (res.headersSent || res.destroyed) return status;
  const body = buildErrorBody(code, requestId, message, details);
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "x-request-id": requestId,
  };
  if (extraHeaders) Object.assign(headers, extraHeaders);
  res.writeHead(status, headers);
  res.end(body);
  return status;
}

/** Lists attempts in one line for the error message: `p1: 503 (12 ms); p2: ECONNREFUSED (3 ms)`. */
export function describeAttempts(attempts: readonly AttemptSummary[]): string {
  return attempts.map((a) => `${a.provider}: ${a.status ?? a.error ?? "failed"} (${a.ms} ms)`).join("; ");
}

/**
 * The error event that ends a stream which already sent bytes, in the client's API format: Anthropic
 * clients expect `event: error`, OpenAI clients a `data:` line carrying an `error` object.
 */
export function buildStreamErrorFrame(
  anthropic: boolean,
  code: ErrorCode,
  requestId: string,
  message?: string,
): string {
  const spec = ERRORS[code];
  const error = { type: spec.type, code, message: message ?? spec.message, request_id: requestId };
  return anthropic
    ? `event: error\ndata: ${JSON.stringify({ type: "error", error })}\n\n`
    : `data: ${JSON.stringify({ error })}\n\n`;
}
