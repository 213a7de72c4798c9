import { AppError } from "../../core/errors/catalogue";
import { isRequestTimedOut } from "../../http/edge-server";
import type { IncomingMessage } from "node:http";

/** The body of a request that has none (shared, never written to). */
export const EMPTY_BODY = Buffer.alloc(0);

/**
 * Reads the whole request body (it is replayed on failover) up to `maxBytes`; more is refused with
 * 413 before reading it when Content-Length says so, or as soon as the limit is crossed. A client that
 * leaves mid-body is refused with CLIENT_CLOSED.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new AppError("BODY_TOO_LARGE"));
  }
  if (declared === undefined && req.headers["transfer-encoding"] === undefined) {
    return Promise.resolve(EMPTY_BODY);
  }
  if (declared === "0") return Promise.resolve(EMPTY_BODY);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        reject(new AppError("BODY_TOO_LARGE"));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      // "close" before "end": the client went away mid-body, or the server cut a body that came
      // later than BODY_TIMEOUT_MS (and already answered 408 itself).
      cleanup();
      if (isRequestTimedOut(req)) {
        reject(new AppError("REQUEST_TIMEOUT"));
        return;
      }
      reject(new AppError("CLIENT_CLOSED"));
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}
