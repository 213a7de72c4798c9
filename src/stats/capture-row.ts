import type { IncomingHttpHeaders } from "node:http";
import { promisify } from "node:util";
import { deflate, inflate } from "node:zlib";
import type { CapturedAttempt, CapturedBody, CapturePayload } from "../core/debug/capture-payload";
import {
  createRedactionRules,
  redactBody,
  redactHeaders,
  type RedactionRules,
} from "../core/debug/redact-body";
import type { NewRequestCaptureRow } from "../db/schema/request-captures";

/**
 * Turns a finished request's raw capture into its stored row: decoded, redacted (the request's
 * gateway key and every attempted provider's credential and header values by value, credential
 * names, the operator's names), serialised, and deflated when large. Runs in the capture writer,
 * never on the request path.
 */

/** The first bytes of one body, and how many bytes the whole body had. */
export interface BodyCapture {
  readonly max: number;
  readonly chunks: Buffer[];
  kept: number;
  total: number;
}

/** Starts a body capture of at most `max` bytes. */
export function createBodyCapture(max: number): BodyCapture {
  return { max, chunks: [], kept: 0, total: 0 };
}

/** Records one chunk (copying only the part under the cap, so the full buffers are not kept alive). */
export function captureChunk(capture: BodyCapture, chunk: Buffer): void {
  capture.total += chunk.length;
  const room = capture.max - capture.kept;
  if (room <= 0) return;
  const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
  capture.chunks.push(Buffer.from(part));
  capture.kept += part.length;
}

/** The provider facts a capture needs (its name, and its secrets to redact). */
export interface CapturedProvider {
  readonly id: string;
  readonly name: string;
  readonly credential: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** One upstream attempt as captured (raw). */
export interface AttemptCapture {
  readonly provider: CapturedProvider;
  status: number | null;
  headers: IncomingHttpHeaders | null;
  body: BodyCapture | null;
}

/** A finished request's capture as the gateway hands it over (raw: not yet redacted). */
export interface PendingCapture {
  readonly requestId: string;
  readonly createdAt: Date;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  /** The whole request body (cut to `maxBytes` when stored). */
  readonly body: Buffer;
  readonly maxBytes: number;
  readonly attempts: readonly AttemptCapture[];
  /** The gateway key the client presented (redacted by value; never stored). */
  readonly gatewayKey: string | null;
}

/** JSON payloads above this many bytes are stored deflated. */
export const COMPRESS_ABOVE_BYTES = 8 * 1024;

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);
const decoder = new TextDecoder("utf-8");

function toText(buffer: Buffer): string {
  // PostgreSQL text cannot hold NUL; binary bodies keep their readable parts only.
  return decoder.decode(buffer).replaceAll("\u0000", "");
}

function requestBody(body: Buffer, max: number, rules: RedactionRules): CapturedBody {
  if (body.length === 0) return { text: null, bytes: 0, truncated: false };
  const kept = body.length > max ? body.subarray(0, max) : body;
  return { text: redactBody(toText(kept), rules), bytes: body.length, truncated: kept.length < body.length };
}

function responseBody(capture: BodyCapture | null, rules: RedactionRules): CapturedBody | null {
  if (capture === null) return null;
  if (capture.total === 0) return { text: null, bytes: 0, truncated: false };
  const text = toText(Buffer.concat(capture.chunks, capture.kept));
  return { text: redactBody(text, rules), bytes: capture.total, truncated: capture.kept < capture.total };
}

/** The redaction rules of one capture: operator names + the secrets this request could expose. */
export function rulesFor(pending: PendingCapture, redactNames: readonly string[]): RedactionRules {
  const secrets: (string | null)[] = [pending.gatewayKey];
  for (const attempt of pending.attempts) {
    secrets.push(attempt.provider.credential, ...Object.values(attempt.provider.headers));
  }
  return createRedactionRules(redactNames, secrets);
}

/** The redacted payload of a pending capture. */
export function toCapturePayload(pending: PendingCapture, rules: RedactionRules): CapturePayload {
  const attempts = pending.attempts.map((a): CapturedAttempt => ({
    providerId: a.provider.id,
    provider: a.provider.name,
    status: a.status,
    headers: a.headers === null ? null : redactHeaders(a.headers, rules),
    body: responseBody(a.body, rules),
  }));
  return {
    v: 1,
    request: {
      method: pending.method,
      path: pending.path,
      query: pending.query,
      headers: redactHeaders(pending.headers, rules),
      body: requestBody(pending.body, pending.maxBytes, rules),
    },
    attempts,
  };
}

/** The stored row: the payload's JSON, deflated and base64-encoded above COMPRESS_ABOVE_BYTES. */
export async function toCaptureRow(
  pending: PendingCapture,
  redactNames: readonly string[],
): Promise<NewRequestCaptureRow> {
  const json = JSON.stringify(toCapturePayload(pending, rulesFor(pending, redactNames)));
  const bytes = Buffer.byteLength(json);
  const base = { requestId: pending.requestId, createdAt: pending.createdAt, payloadBytes: bytes };
  if (bytes <= COMPRESS_ABOVE_BYTES) return { ...base, compressed: false, payload: json };
  const packed = await deflateAsync(Buffer.from(json));
  return { ...base, compressed: true, payload: packed.toString("base64") };
}

/** Reads a stored payload back (inflating it when compressed). */
export async function readCapturePayload(row: {
  readonly compressed: boolean;
  readonly payload: string;
}): Promise<CapturePayload> {
  const json = row.compressed
    ? (await inflateAsync(Buffer.from(row.payload, "base64"))).toString("utf8")
    : row.payload;
  return JSON.parse(json) as CapturePayload;
}
