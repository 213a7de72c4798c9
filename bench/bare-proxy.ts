/**
 * Benchmark child: the bare reference proxy. A `node:http` server that forwards every request to the
 * next upstream (round-robin over undici Pools) and streams the answer back: no auth, no logging, no
 * parsing. It is the floor the gateway's CPU and latency are compared against.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { Pool } from "undici";
import { z } from "zod";
import { serveBenchChild } from "./child-ipc";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "host",
]);

const argsSchema = z.strictObject({
  upstream: z.array(z.url({ protocol: /^http$/ })).min(1),
});

function copyHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/**
 * Forwards one request to `pool` and streams the response back; 502 when the upstream fails first.
 * Lean on purpose, as a careful hand-written proxy would be: the cancel signal is a plain EventEmitter
 * (undici takes one) and the body is piped. `AbortController` and `stream.pipeline` each cost a
 * DOMException or an AbortSignal per request on Node 20 (~15 % of this proxy's CPU, measured), which
 * would flatter whatever is compared with it.
 */
function forward(pool: Pool, req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const cancel = new EventEmitter();
  let upstreamBody: Readable | null = null;
  res.on("close", () => {
    if (res.writableFinished) return;
    if (upstreamBody) upstreamBody.destroy();
    else cancel.emit("abort");
  });
  pool
    .request({
      path: req.url ?? "/",
      method,
      headers: copyHeaders(req.headers),
      body: hasBody ? req : undefined,
      signal: cancel,
    })
    .then(
      ({ statusCode, headers, body }) => {
        upstreamBody = body;
        res.writeHead(statusCode, copyHeaders(headers));
        body.on("error", () => res.destroy());
        body.pipe(res);
      },
      () => {
        if (res.headersSent) res.destroy();
        else {
          res.writeHead(502, { "content-type": "application/json" });
          res.end('{"error":"upstream failed"}');
        }
      },
    );
}

serveBenchChild(async () => {
  const { values } = parseArgs({ options: { upstream: { type: "string", multiple: true } }, strict: true });
  const args = argsSchema.parse(values);
  const pools = args.upstream.map(
    (u) => new Pool(u, { connections: 128, keepAliveTimeout: 10_000, pipelining: 1 }),
  );
  let next = 0;
  const server = createServer({ keepAliveTimeout: 10_000 }, (req, res) => {
    const pool = pools[next++ % pools.length]!;
    forward(pool, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    urls: { proxy: `http://127.0.0.1:${port}` },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(pools.map((p) => p.close()));
    },
  };
});
