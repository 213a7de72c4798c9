import { ERRORS, type ErrorCode } from "@/core/errors/catalogue";
import { errorBodyOf } from "./error-body";

/** Every answer we build is private to its caller and never sniffed as another type. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/** A JSON response with the common headers. */
export function jsonResponse(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE_HEADERS, ...headers },
  });
}

/** 204 No Content. */
export function noContent(): Response {
  return new Response(null, { status: 204, headers: NO_STORE_HEADERS });
}

/** A text body (CSV exports); a stream body is pulled as the client reads. */
export function textResponse(
  body: string | ReadableStream<Uint8Array>,
  contentType: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, {
    status: 200,
    headers: { "content-type": contentType, ...NO_STORE_HEADERS, ...headers },
  });
}

/** The unified error body with the catalogue's status (and its message unless a more precise one is given). */
export function errorResponse(
  code: ErrorCode,
  message?: string,
  details?: unknown,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(errorBodyOf(code, message, details), ERRORS[code].status, headers);
}
