import type { NewRequestBodyRow } from "../db/schema/rollups";
import { redactBody } from "../core/debug/redact-body";

/**
 * Body capture for groups that turn it on: the gateway keeps at most `max` bytes of the request and
 * of the response it streams (copies, so the full buffers are not kept alive); the log writer turns
 * them into redacted text off the request path.
 */

/** The first bytes of a streamed response, and how many bytes the whole response had. */
export interface ResponseCapture {
  readonly max: number;
  readonly chunks: Buffer[];
  kept: number;
  total: number;
}

/** What the gateway hands to the log writer with a row. */
export interface CapturedBodies {
  readonly request: Buffer | null;
  readonly requestBytes: number;
  readonly response: Buffer | null;
  readonly responseBytes: number;
}

/** Starts capturing a response of which at most `max` bytes are kept. */
export function createResponseCapture(max: number): ResponseCapture {
  return { max, chunks: [], kept: 0, total: 0 };
}

/** Records one response chunk (copying only the part under the limit). */
export function captureChunk(capture: ResponseCapture, chunk: Buffer): void {
  capture.total += chunk.length;
  const room = capture.max - capture.kept;
  if (room <= 0) return;
  const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
  capture.chunks.push(Buffer.from(part));
  capture.kept += part.length;
}

/** The bodies of one request as the log writer stores them. */
export function collectCapturedBodies(
  requestBody: Buffer,
  response: ResponseCapture | null | undefined,
  max: number,
): CapturedBodies {
  return {
    request: requestBody.length > 0 ? Buffer.from(requestBody.subarray(0, max)) : null,
    requestBytes: requestBody.length,
    response: response && response.kept > 0 ? Buffer.concat(response.chunks, response.kept) : null,
    responseBytes: response?.total ?? 0,
  };
}

/** Byte size held in memory by captured bodies (the writer bounds it). */
export function capturedSize(bodies: CapturedBodies): number {
  return (bodies.request?.length ?? 0) + (bodies.response?.length ?? 0);
}

const decoder = new TextDecoder("utf-8");

function toText(buffer: Buffer | null): string | null {
  if (buffer === null) return null;
  // PostgreSQL text cannot hold NUL; binary bodies keep their readable parts only.
  return decoder.decode(buffer).replaceAll("\u0000", "");
}

/** Decodes and redacts captured bodies into their table row. */
export function toRequestBodyRow(
  requestId: string,
  createdAt: Date,
  bodies: CapturedBodies,
): NewRequestBodyRow {
  const request = toText(bodies.request);
  const response = toText(bodies.response);
  return {
    requestId,
    createdAt,
    requestBody: request === null ? null : redactBody(request),
    requestBytes: bodies.requestBytes,
    requestTruncated: (bodies.request?.length ?? 0) < bodies.requestBytes,
    responseBody: response === null ? null : redactBody(response),
    responseBytes: bodies.responseBytes,
    responseTruncated: (bodies.response?.length ?? 0) < bodies.responseBytes,
  };
}
