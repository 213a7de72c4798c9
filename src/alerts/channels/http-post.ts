import type { OutboundPolicy } from "@/core/outbound/allow-list";
import { requestOutbound } from "@/security/outbound-connect";
import type { SendResult } from "./types";

/** Largest answer body read from a receiver; the rest is discarded. */
const MAX_ANSWER_BYTES = 16 * 1024;

export interface PostOutcome {
  readonly statusCode: number;
  /** The answer body (truncated to 16 KiB). */
  readonly text: string;
}

/**
 * POSTs a JSON body with undici through the outbound guard (`outbound`, i.e. OUTBOUND_ALLOW: the
 * host is resolved, checked and the connection pinned to the checked address), bounded by
 * `timeoutMs` overall (connect, headers and body); no redirects are followed. Throws on network
 * errors, timeouts and a refused address (OUTBOUND_BLOCKED).
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  ctx: { readonly timeoutMs: number; readonly outbound: OutboundPolicy },
): Promise<PostOutcome> {
  const { timeoutMs } = ctx;
  const response = await requestOutbound(
    url,
    ctx.outbound,
    {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Roundabout-Alerts/1",
        ...headers,
      },
      body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      connect: { timeout: timeoutMs },
    },
    { resolveTimeoutMs: timeoutMs },
  );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (size + buffer.length > MAX_ANSWER_BYTES) {
      chunks.push(buffer.subarray(0, MAX_ANSWER_BYTES - size));
      response.body.destroy();
      break;
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { statusCode: response.statusCode, text: Buffer.concat(chunks).toString("utf8") };
}

/** Replaces every occurrence of the given secrets (and their URL-encoded forms) with "[redacted]". */
export function scrubSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)]))
      out = out.split(form).join("[redacted]");
  }
  return out;
}

/** A thrown send error as a short, secret-free result (network failures and timeouts are retryable). */
export function failureFromError(err: unknown, secrets: readonly (string | null | undefined)[]): SendResult {
  const fields = (typeof err === "object" && err !== null ? err : {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const label =
    typeof fields.code === "string" ? fields.code : typeof fields.name === "string" ? fields.name : "Error";
  const message = typeof fields.message === "string" ? fields.message.split("\n")[0]! : String(err);
  return {
    ok: false,
    statusCode: null,
    error: scrubSecrets(`${label}: ${message}`, secrets).slice(0, 300),
    // A refused address stays refused until OUTBOUND_ALLOW changes: retrying cannot help.
    retryable: label !== "OUTBOUND_BLOCKED",
  };
}

/**
 * Judges an HTTP answer: 2xx is success unless `checkBody` finds an application error in it; 408,
 * 429 and 5xx are worth a retry; any other status is not.
 */
export function judgeAnswer(
  answer: PostOutcome,
  secrets: readonly (string | null | undefined)[],
  checkBody?: (text: string) => string | null,
): SendResult {
  const snippet = (text: string) => scrubSecrets(text.replace(/\s+/g, " ").trim(), secrets).slice(0, 200);
  if (answer.statusCode >= 200 && answer.statusCode < 300) {
    const problem = checkBody?.(answer.text) ?? null;
    if (problem === null) return { ok: true, statusCode: answer.statusCode };
    return { ok: false, statusCode: answer.statusCode, error: snippet(problem), retryable: false };
  }
  const retryable = answer.statusCode === 408 || answer.statusCode === 429 || answer.statusCode >= 500;
  const detail = snippet(answer.text);
  return {
    ok: false,
    statusCode: answer.statusCode,
    error: `HTTP ${answer.statusCode}${detail ? `: ${detail}` : ""}`,
    retryable,
  };
}

/** Parses a JSON answer body; null when it is not a JSON object. */
export function parseAnswerObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
