import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { ERRORS, type ErrorCode } from "@/core/errors/catalogue";
import { errorBodyOf } from "./error-body";
import { sendErrorResponse, type NodeHandler } from "./node-response";

/**
 * The one way a Roundabout process creates its HTTP server (full role, gateway-only role and the
 * test/benchmark gateway server), so slow and abusive clients meet the same limits everywhere:
 *
 * - headers must arrive within `headersTimeoutMs` of the request's first byte, and the whole request
 *   (headers and body) within `bodyTimeoutMs` — for the gateway, the admin API and sign-in alike,
 *   because Node enforces both before any handler sees the bytes. Late requests get 408
 *   REQUEST_TIMEOUT and the connection is closed.
 * - a socket on which nothing moves for `idleTimeoutMs` is closed when it has no response in progress
 *   or when the client stopped reading what we send. A response in progress that is merely quiet (a
 *   server-sent-events stream between events, a request waiting for its upstream) is left to the
 *   handler's own deadlines, so long streams keep working.
 * - at most `maxHeaderBytes` of headers and `maxHeadersCount` header lines: 431 HEADERS_TOO_LARGE
 *   (Node alone would silently drop the lines past the count).
 */

export interface EdgeLimits {
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxHeaderBytes: number;
  readonly maxHeadersCount: number;
}

/** The defaults of the matching environment variables (`src/config/env.ts`). */
export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 60_000,
  idleTimeoutMs: 120_000,
  maxHeaderBytes: 16 * 1024,
  maxHeadersCount: 100,
};

const KEEP_ALIVE_TIMEOUT_MS = 65_000;
// Sockets whose request Node refused for lateness: body readers report REQUEST_TIMEOUT, not a client exit.
const timedOut = new WeakSet<object>();

/** True when the server closed this request's connection because its headers or body came too late. */
export function isRequestTimedOut(req: IncomingMessage): boolean {
  return timedOut.has(req.socket);
}

/** Creates (does not start) the HTTP server with the edge limits; `listener` handles every request. */
export function createEdgeServer(limits: EdgeLimits, listener: NodeHandler): Server {
  const inFlight = new WeakMap<object, ServerResponse>();
  const server = createServer(
    {
      keepAliveTimeout: Math.min(KEEP_ALIVE_TIMEOUT_MS, limits.idleTimeoutMs),
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.bodyTimeoutMs,
      // Node checks the two deadlines on this period (default 30 s): make it a fraction of the shorter.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
      maxHeaderSize: limits.maxHeaderBytes,
    },
    (req, res) => {
      inFlight.set(req.socket, res);
      // Node keeps the first maxHeadersCount lines and drops the rest: one extra line tells us there were more.
      if (req.rawHeaders.length > limits.maxHeadersCount * 2) {
        sendErrorResponse(res, "HEADERS_TOO_LARGE", undefined, { connection: "close" });
        return;
      }
      return listener(req, res);
    },
  );
  server.maxHeadersCount = limits.maxHeadersCount + 1;
  server.setTimeout(limits.idleTimeoutMs);
  server.on("timeout", (socket: Socket) => {
    const res = inFlight.get(socket);
    const working = res !== undefined && !res.writableEnded && !res.destroyed;
    if (working && socket.writableLength === 0) return;
    socket.destroy();
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket));
  return server;
}

/** Node's parser or deadline refused a request: answer in our error shape when nothing was sent yet. */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const code = clientErrorCode(err);
  if (code === "REQUEST_TIMEOUT") timedOut.add(socket);
  const net = socket as Partial<Socket>;
  if (code === null || !socket.writable || (net.bytesWritten ?? 0) > 0) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBodyOf(code));
  const { status } = ERRORS[code];
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[code]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // A client that keeps sending after our answer must not hold the socket open.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

const STATUS_TEXT = {
  REQUEST_TIMEOUT: "Request Timeout",
  HEADERS_TOO_LARGE: "Request Header Fields Too Large",
  MALFORMED_REQUEST: "Bad Request",
} as const satisfies Partial<Record<ErrorCode, string>>;

function clientErrorCode(err: NodeJS.ErrnoException): keyof typeof STATUS_TEXT | null {
  // A reset or a broken pipe: the client is gone, nobody to answer.
  if (err.code === "ECONNRESET" || err.code === "EPIPE") return null;
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return "REQUEST_TIMEOUT";
  if (err.code === "HPE_HEADER_OVERFLOW") return "HEADERS_TOO_LARGE";
  return "MALFORMED_REQUEST";
}
