import type { IncomingMessage, ServerResponse } from "node:http";
import { ERRORS, type ErrorCode } from "@/core/errors/catalogue";
import { clientAddressOfRequest, TRUST_PROXY_OFF, type TrustProxy } from "@/core/net/client-address";
import type { NodeHandler } from "@/http/node-response";

/**
 * Bridges node:http to a fetch-style handler for the auth routes. Written here rather than taken from
 * better-auth/node so the client address comes from the socket — or from the forwarding headers only as
 * far as TRUST_PROXY believes them, never from a header a client could forge — and the body is bounded.
 */

/** Header carrying the client address to better-auth's per-IP rate limiter; any client value is replaced. */
export const CLIENT_IP_HEADER = "x-roundabout-client-ip";
/** Auth bodies are a username and a password: anything larger is refused before it is buffered. */
export const AUTH_MAX_BODY_BYTES = 64 * 1024;

export type FetchHandler = (request: Request) => Promise<Response>;

/** Wraps a fetch-style handler for node:http; answers 413 for oversized bodies, 500 on internal failure. */
export function toNodeHandler(
  handler: FetchHandler,
  maxBodyBytes = AUTH_MAX_BODY_BYTES,
  trustProxy: TrustProxy = TRUST_PROXY_OFF,
): NodeHandler {
  return async (req, res) => {
    let request: Request;
    try {
      request = await toWebRequest(req, maxBodyBytes, trustProxy);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendError(res, "BODY_TOO_LARGE");
        req.resume();
        return;
      }
      // The client went away mid-body: nobody is left to answer.
      res.destroy();
      return;
    }
    let response: Response;
    try {
      response = await handler(request);
    } catch {
      sendError(res, "INTERNAL_ERROR");
      return;
    }
    await writeWebResponse(res, response);
  };
}

class BodyTooLargeError extends Error {}

async function toWebRequest(
  req: IncomingMessage,
  maxBodyBytes: number,
  trustProxy: TrustProxy,
): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":") || name === CLIENT_IP_HEADER) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const address = clientAddressOfRequest(req, trustProxy);
  if (address) headers.set(CLIENT_IP_HEADER, address);
  const url = `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBodyBytes) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return new Request(url, { method, headers, body: size > 0 ? Buffer.concat(chunks) : undefined });
}

async function writeWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  res.statusCode = response.status;
  res.end(body);
}

function sendError(res: ServerResponse, code: ErrorCode): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = ERRORS[code].status;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ code, message: ERRORS[code].message }));
}
