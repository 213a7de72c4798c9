import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  anthropicMessage,
  anthropicMessageStart,
  anthropicStreamFrames,
  modelList,
  openAiCompletion,
  openAiStreamFrames,
  splitText,
  streamErrorFrame,
  type MockReply,
} from "./mock-upstream-payloads";

/**
 * A fake LLM upstream on 127.0.0.1 for integration tests and benchmarks. It speaks OpenAI
 * (`/v1/chat/completions`) and Anthropic (`/v1/messages`, `/v1/messages/count_tokens`) in JSON and SSE,
 * lists `/v1/models`, echoes any other path, and can misbehave on demand. Routing goes by the end of
 * the path, so a provider base URL with a path prefix still reaches the right handler. No logging.
 */

export type MockMode =
  | "normal"
  /** Answers `status` with `body` (default: an API-shaped error) and optional Retry-After. */
  | "status"
  /** Stops listening: new connections are refused (ECONNREFUSED) until another mode is set. */
  | "refuse"
  /** Destroys the socket after reading the request, before any response byte. */
  | "reset"
  /** Reads the request and never answers. */
  | "hang"
  /** 200 text/event-stream whose first event (after Anthropic's message_start) is an error event. */
  | "sse-error-before-content"
  /** 200 text/event-stream that ends before any content event. */
  | "sse-end-before-content"
  /** Starts a normal response, then destroys the socket after `failAfterChunks` content frames. */
  | "fail-mid-stream";

export interface MockBehaviour {
  mode?: MockMode;
  /** Status for mode "status" (default 503). */
  status?: number;
  /** Body for mode "status"; default is an error in the API's own shape. */
  body?: string;
  contentType?: string;
  /** Retry-After header value for mode "status". */
  retryAfter?: string;
  /** Extra response headers (every answering mode). */
  headers?: Record<string, string>;
  /** Latency before the response head, in ms. */
  delayMs?: number;
  /** Pause between SSE frames, in ms. */
  chunkDelayMs?: number;
  /** Content frames sent before the failure in mode "fail-mid-stream" (default 1). */
  failAfterChunks?: number;
  /** Number of content deltas in a stream (default 3). */
  chunks?: number;
  model?: string;
  text?: string;
  inputTokens?: number;
  /** A number, or "max_tokens" to answer the request's numeric `max_tokens` (varied token sums). */
  outputTokens?: number | "max_tokens";
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** The query string including "?" (empty when none). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Set when the client closed the connection before the response was complete. */
  aborted: boolean;
}

export interface MockUpstreamOptions {
  /** Keep every request in `requests` (default true; turn off for benchmarks). */
  record?: boolean;
  behaviour?: MockBehaviour;
}

export interface MockUpstream {
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Requests answered or started (counted even when `record` is false). */
  readonly requestCount: number;
  /** Requests whose client went away before the response completed. */
  readonly abortCount: number;
  /** Replaces the behaviour for all later requests; resolves once "refuse" stopped/resumed listening. */
  setBehaviour(behaviour: MockBehaviour): Promise<void>;
  /** Queues a behaviour for exactly one upcoming request (FIFO), ahead of the current behaviour. */
  queueBehaviour(behaviour: MockBehaviour): void;
  /** Calls `listener` whenever a request is aborted by its client. */
  onAbort(listener: (request: RecordedRequest) => void): void;
  close(): Promise<void>;
}

const DEFAULT_MODEL = "mock-model";
const DEFAULT_TEXT = "Hello from the mock upstream.";

/** Starts a mock upstream on 127.0.0.1 (port 0 unless given). */
export async function startMockUpstream(
  options: MockUpstreamOptions & { port?: number } = {},
): Promise<MockUpstream> {
  const record = options.record ?? true;
  let current: MockBehaviour = options.behaviour ?? {};
  const queue: MockBehaviour[] = [];
  const requests: RecordedRequest[] = [];
  const abortListeners: ((r: RecordedRequest) => void)[] = [];
  const sockets = new Set<Socket>();
  let requestCount = 0;
  let abortCount = 0;
  let listening = false;

  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requestCount++;
      const behaviour = queue.shift() ?? current;
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const rec: RecordedRequest = {
        method: req.method ?? "GET",
        path: q === -1 ? url : url.slice(0, q),
        query: q === -1 ? "" : url.slice(q),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        aborted: false,
      };
      if (record) requests.push(rec);
      res.on("close", () => {
        if (res.writableFinished) return;
        rec.aborted = true;
        abortCount++;
        for (const l of abortListeners) l(rec);
      });
      const delay = behaviour.delayMs ?? 0;
      if (delay > 0) setTimeout(() => answer(req, res, rec, behaviour), delay);
      else answer(req, res, rec, behaviour);
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      listening = false;
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  if (current.mode === "refuse") await stopListening();

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get requestCount() {
      return requestCount;
    },
    get abortCount() {
      return abortCount;
    },
    async setBehaviour(behaviour) {
      current = behaviour;
      if (behaviour.mode === "refuse" && listening) await stopListening();
      else if (behaviour.mode !== "refuse" && !listening) await listen(port);
    },
    queueBehaviour(behaviour) {
      queue.push(behaviour);
    },
    onAbort(listener) {
      abortListeners.push(listener);
    },
    async close() {
      if (listening) await stopListening();
    },
  };
}

function buildReply(b: MockBehaviour, body: Record<string, unknown> | null): MockReply {
  const max = body?.max_tokens;
  const outputTokens =
    b.outputTokens === "max_tokens" ? (typeof max === "number" ? max : 7) : (b.outputTokens ?? 7);
  return {
    model: b.model ?? DEFAULT_MODEL,
    text: b.text ?? DEFAULT_TEXT,
    usage: { inputTokens: b.inputTokens ?? 11, outputTokens },
  };
}

function parseJson(text: string): Record<string, unknown> | null {
  if (!text.startsWith("{")) return null;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function answer(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, b: MockBehaviour): void {
  if (res.destroyed) return;
  const mode = b.mode ?? "normal";
  if (mode === "hang") return;
  if (mode === "reset" || mode === "refuse") {
    req.socket.destroy();
    return;
  }
  const path = rec.path;
  const anthropic = path.endsWith("/v1/messages") || path.endsWith("/v1/messages/count_tokens");
  const extra = b.headers ?? {};
  if (mode === "status") {
    const status = b.status ?? 503;
    const headers: Record<string, string> = { "content-type": b.contentType ?? "application/json", ...extra };
    if (b.retryAfter !== undefined) headers["retry-after"] = b.retryAfter;
    res.writeHead(status, headers);
    res.end(b.body ?? errorBody(anthropic, status));
    return;
  }
  const body = parseJson(rec.body);
  const reply = buildReply(b, body);
  const sseMode = mode === "sse-error-before-content" || mode === "sse-end-before-content";
  if (path.endsWith("/v1/messages") || path.endsWith("/chat/completions")) {
    if (body?.stream === true || sseMode) {
      streamReply(res, anthropic, reply, body, b, extra);
      return;
    }
    const text = anthropic ? anthropicMessage(reply) : openAiCompletion(reply);
    sendJson(res, text, extra, mode === "fail-mid-stream");
    return;
  }
  if (path.endsWith("/v1/messages/count_tokens")) {
    sendJson(res, JSON.stringify({ input_tokens: reply.usage.inputTokens }), extra, false);
    return;
  }
  if (path.endsWith("/v1/models")) {
    sendJson(res, modelList(reply.model), extra, false);
    return;
  }
  sendJson(res, JSON.stringify({ ok: true, method: rec.method, path: rec.path }), extra, false);
}

function errorBody(anthropic: boolean, status: number): string {
  const message = `mock upstream answered ${status}`;
  return anthropic
    ? JSON.stringify({ type: "error", error: { type: "api_error", message } })
    : JSON.stringify({ error: { message, type: "server_error", code: null } });
}

function sendJson(res: ServerResponse, text: string, extra: Record<string, string>, failHalfway: boolean) {
  const buf = Buffer.from(text);
  res.writeHead(200, { "content-type": "application/json", "content-length": buf.length, ...extra });
  if (!failHalfway) {
    res.end(buf);
    return;
  }
  res.write(buf.subarray(0, buf.length >> 1), () => res.socket?.destroy());
}

function streamReply(
  res: ServerResponse,
  anthropic: boolean,
  reply: MockReply,
  body: Record<string, unknown> | null,
  b: MockBehaviour,
  extra: Record<string, string>,
): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...extra });
  const mode = b.mode ?? "normal";
  if (mode === "sse-error-before-content" || mode === "sse-end-before-content") {
    const frames = anthropic ? [anthropicMessageStart(reply)] : [": keep-alive\n\n"];
    if (mode === "sse-error-before-content") frames.push(streamErrorFrame(anthropic));
    writeFrames(res, frames, b.chunkDelayMs ?? 0, () => res.end());
    return;
  }
  const pieces = splitText(reply.text, b.chunks ?? 3);
  const streamOptions = body?.stream_options as { include_usage?: unknown } | undefined;
  const parts = anthropic
    ? anthropicStreamFrames(reply, pieces)
    : openAiStreamFrames(reply, pieces, streamOptions?.include_usage === true);
  if (mode === "fail-mid-stream") {
    const n = b.failAfterChunks ?? 1;
    const frames = [...parts.head, ...parts.content.slice(0, n)];
    writeFrames(res, frames, b.chunkDelayMs ?? 0, () => res.socket?.destroy());
    return;
  }
  writeFrames(res, [...parts.head, ...parts.content, ...parts.tail], b.chunkDelayMs ?? 0, () => res.end());
}

/** Writes frames one per write (each its own chunk), pausing `delayMs` between them when asked. */
function writeFrames(res: ServerResponse, frames: string[], delayMs: number, done: () => void): void {
  // `done` runs from the last write's callback, so a socket destroyed by it has flushed what preceded.
  if (frames.length === 0) {
    done();
    return;
  }
  if (delayMs <= 0) {
    for (let i = 0; i < frames.length - 1; i++) res.write(frames[i]!);
    res.write(frames[frames.length - 1]!, () => done());
    return;
  }
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    const last = i === frames.length - 1;
    res.write(frames[i++]!, last ? () => done() : undefined);
    if (!last) setTimeout(next, delayMs);
  };
  next();
}
