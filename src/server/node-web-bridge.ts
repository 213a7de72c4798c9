import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { AppError } from "@/core/errors/catalogue";

export interface ToWebRequestOptions {
  /** The body stream errors with BODY_TOO_LARGE once more than this many bytes arrive. */
  readonly maxBodyBytes: number;
  /** Aborts the Request's signal (e.g. when the client goes away before the answer). */
  readonly signal?: AbortSignal;
}

// Node's fetch types need `duplex` for streamed bodies; lib.dom's RequestInit predates it.
type StreamingRequestInit = RequestInit & { duplex: "half" };

/**
 * Converts a node request into a web Request without buffering: the body is a pull-based stream
 * over `req` (backpressure pauses the socket). Past `maxBodyBytes` — declared or actually sent —
 * the stream errors with AppError BODY_TOO_LARGE, which the admin router answers with 413.
 */
export function toWebRequest(req: IncomingMessage, options: ToWebRequestOptions): Request {
  const method = req.method ?? "GET";
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    // HTTP/2 pseudo-headers are not header names the Fetch API accepts.
    if (name.startsWith(":")) continue;
    headers.append(name, raw[i + 1]!);
  }
  const init: StreamingRequestInit = { method, headers, duplex: "half", signal: options.signal };
  if (method !== "GET" && method !== "HEAD" && hasBody(req))
    init.body = bodyStream(req, options.maxBodyBytes);
  return new Request(requestUrl(req), init);
}

function requestUrl(req: IncomingMessage): string {
  const secure = Boolean((req.socket as Partial<TLSSocket>).encrypted);
  const path = req.url && req.url.startsWith("/") ? req.url : "/";
  // The Host header is client-controlled: only the path and query are trusted by the router.
  try {
    return new URL(path, `${secure ? "https" : "http"}://${req.headers.host ?? "localhost"}`).toString();
  } catch {
    return new URL(path, "http://localhost").toString();
  }
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return length !== "0";
  return req.headers["transfer-encoding"] !== undefined;
}

function bodyStream(req: IncomingMessage, maxBytes: number): ReadableStream<Uint8Array> {
  const tooLarge = () =>
    new AppError("BODY_TOO_LARGE", `The request body exceeds the ${maxBytes}-byte limit.`);
  const declared = Number(req.headers["content-length"] ?? NaN);
  let received = 0;
  let finished = false;
  const detach = () => {
    finished = true;
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onError);
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onData = (chunk: Buffer) => {
    received += chunk.byteLength;
    if (received > maxBytes) {
      detach();
      req.pause();
      controller.error(tooLarge());
      return;
    }
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    detach();
    controller.close();
  };
  const onError = (err: Error) => {
    detach();
    controller.error(err);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        if (Number.isFinite(declared) && declared > maxBytes) {
          finished = true;
          c.error(tooLarge());
          return;
        }
        req.on("data", onData);
        req.on("end", onEnd);
        req.on("error", onError);
        req.pause();
      },
      pull() {
        if (!finished) req.resume();
      },
      cancel() {
        // The reader gave up: stop delivering; node discards the rest once the response ends.
        detach();
      },
    },
    { highWaterMark: 4 },
  );
}

/**
 * Writes a web Response to a node response, streaming the body with backpressure (so CSV exports
 * and server-sent events flow as produced). Stops reading when the client disconnects.
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  if (response.statusText) res.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);

  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
  };
  res.on("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) await waitForDrain(res);
    }
    res.end();
  } catch (err) {
    // Headers are already out: the only honest signal left is to cut the connection.
    res.destroy(err instanceof Error ? err : undefined);
  } finally {
    res.off("close", onClose);
  }
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
