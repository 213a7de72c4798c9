import { AppError } from "../../core/errors/catalogue";
import { isRequestTimedOut } from "../../http/edge-server";
import type { ProxyContext } from "../gateway-types";

const EMPTY = Buffer.alloc(0);

/**
 * Reads the whole request body (it is replayed on failover) up to `maxBytes`; more is refused with
 * 413 before reading it when Content-Length says so, or as soon as the limit is crossed.
 */
export function readBody(ctx: ProxyContext, maxBytes: number): Promise<void> {
  const req = ctx.req;
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new AppError("BODY_TOO_LARGE"));
  }
  if (declared === undefined && req.headers["transfer-encoding"] === undefined) {
    ctx.body = EMPTY;
    return Promise.resolve();
  }
  if (declared === "0") {
    ctx.body = EMPTY;
    return Promise.resolve();
  }
  return new Promise<void>((resolve, reject) => {
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
      ctx.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      ctx.bytesIn = size;
      resolve();
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
        ctx.errorCode = "REQUEST_TIMEOUT";
        reject(new AppError("REQUEST_TIMEOUT"));
        return;
      }
      ctx.clientClosed = true;
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
