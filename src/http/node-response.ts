import type { IncomingMessage, ServerResponse } from "node:http";
import { ERRORS, type ErrorCode } from "@/core/errors/catalogue";
import { errorBodyOf } from "./error-body";

/** A node-style request handler. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Sends `body` as JSON with its length; `headers` (cache-control, allow…) go along. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Sends the unified error body with the catalogue's status (and its message unless a more precise one is given). */
export function sendErrorResponse(
  res: ServerResponse,
  code: ErrorCode,
  message?: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, ERRORS[code].status, errorBodyOf(code, message), headers);
}
