import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamExchange, type BodySink } from "./upstream-exchange";

/** A body of `size` bytes that differs everywhere, so reordered or repeated chunks are caught. */
function pattern(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
  return out;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const BIG = pattern(3 * 1024 * 1024);
const SMALL = Buffer.from('{"ok":true}');

let server: Server;
let pool: Pool;
const sockets = new Set<unknown>();
let hangs: ServerResponse[] = [];

function handle(req: IncomingMessage, res: ServerResponse): void {
  sockets.add(req.socket);
  req.resume();
  req.on("end", () => {
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": BIG.length });
      // Several writes, so the body arrives in many chunks.
      for (let off = 0; off < BIG.length; off += 256 * 1024) res.write(BIG.subarray(off, off + 256 * 1024));
      res.end();
    } else if (req.url === "/hang") {
      hangs.push(res);
    } else if (req.url === "/head-then-hang") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
      hangs.push(res);
    } else {
      res.writeHead(200, { "content-type": "application/json", "content-length": SMALL.length });
      res.end(SMALL);
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 4 });
});

afterAll(async () => {
  for (const res of hangs) res.destroy();
  await pool?.destroy();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

function start(path: string): UpstreamExchange {
  const exchange = new UpstreamExchange();
  pool.dispatch({ path, method: "GET", headersTimeout: 5_000, bodyTimeout: 5_000 }, exchange);
  return exchange;
}

/** Collects the body; `pauseEvery` makes onData return false every n chunks, resuming shortly after. */
function collect(exchange: UpstreamExchange, pauseEvery = 0) {
  const chunks: Buffer[] = [];
  let ends = 0;
  let errors: Error[] = [];
  let pauses = 0;
  const done = new Promise<void>((resolve) => {
    const sink: BodySink = {
      onData(chunk) {
        chunks.push(chunk);
        if (pauseEvery > 0 && chunks.length % pauseEvery === 0) {
          pauses++;
          setTimeout(() => exchange.resume(), 2);
          return false;
        }
        return true;
      },
      onEnd() {
        ends++;
        resolve();
      },
      onError(err) {
        errors = [...errors, err];
        resolve();
      },
    };
    exchange.consume(sink);
  });
  return {
    done,
    result: () => ({ body: Buffer.concat(chunks), ends, errors, pauses }),
  };
}

describe("UpstreamExchange", () => {
  it("delivers a small body attached after the head, then exactly one end", async () => {
    const exchange = start("/small");
    const head = await exchange.waitHead();
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toBe("application/json");
    // The whole body was parsed with the head: it waits in the queue for the consumer.
    await sleep(20);
    const c = collect(exchange);
    await c.done;
    expect(c.result().body.toString()).toBe(SMALL.toString());
    expect(c.result()).toMatchObject({ ends: 1, errors: [] });
  });

  it("streams a large body intact through a consumer that keeps pausing", async () => {
    const exchange = start("/big");
    await exchange.waitHead();
    const c = collect(exchange, 3);
    await c.done;
    const r = c.result();
    expect(r.pauses).toBeGreaterThan(0);
    expect(r).toMatchObject({ ends: 1, errors: [] });
    expect(sha(r.body)).toBe(sha(BIG));
  });

  it("holds a large body for a late consumer (upstream paused), losing nothing", async () => {
    const exchange = start("/big");
    await exchange.waitHead();
    await sleep(100);
    const c = collect(exchange);
    await c.done;
    expect(sha(c.result().body)).toBe(sha(BIG));
    expect(c.result().ends).toBe(1);
  });

  it("detaching and re-attaching mid-body neither loses nor repeats a chunk", async () => {
    const exchange = start("/big");
    await exchange.waitHead();
    const first: Buffer[] = [];
    await new Promise<void>((resolve) => {
      exchange.consume({
        onData(chunk) {
          first.push(chunk);
          if (first.length === 2) {
            exchange.consume(null);
            resolve();
          }
          return true;
        },
        onEnd: () => resolve(),
        onError: () => resolve(),
      });
    });
    await sleep(30);
    const c = collect(exchange);
    await c.done;
    expect(sha(Buffer.concat([...first, c.result().body]))).toBe(sha(BIG));
    expect(c.result().ends).toBe(1);
  });

  it("abort before the head rejects waitHead at once, before the upstream answers", async () => {
    hangs = [];
    const exchange = start("/hang");
    const head = exchange.waitHead();
    await sleep(50);
    const t0 = performance.now();
    exchange.abort();
    await expect(head).rejects.toMatchObject({ code: "UND_ERR_ABORTED" });
    expect(performance.now() - t0).toBeLessThan(1_000);
    // Aborting twice, or aborting an exchange nobody waits on, is harmless.
    exchange.abort();
    const unwaited = start("/hang");
    unwaited.abort();
    await expect(unwaited.waitHead()).rejects.toMatchObject({ code: "UND_ERR_ABORTED" });
  });

  it("abort after the head reaches a paused consumer with exactly one onError", async () => {
    hangs = [];
    const exchange = start("/head-then-hang");
    await exchange.waitHead();
    let errors = 0;
    let ends = 0;
    const got = new Promise<void>((resolve) => {
      exchange.consume({
        onData: () => {
          resolve();
          return false; // paused, as when the client's socket is full
        },
        onEnd: () => ends++,
        onError: () => errors++,
      });
    });
    await got;
    exchange.abort();
    exchange.abort();
    await sleep(20);
    expect({ errors, ends }).toEqual({ errors: 1, ends: 0 });
  });

  it("reports an upstream that dies mid-body as onError, not onEnd", async () => {
    hangs = [];
    const exchange = start("/head-then-hang");
    await exchange.waitHead();
    const c = collect(exchange);
    for (let i = 0; i < 50 && hangs.length === 0; i++) await sleep(10);
    hangs[0]!.destroy();
    await c.done;
    expect(c.result().ends).toBe(0);
    expect(c.result().errors).toHaveLength(1);
    expect(c.result().body.toString()).toBe("partial");
  });

  it("discard reads a small body to its end so the connection is reused; a big one is cut", async () => {
    sockets.clear();
    for (let i = 0; i < 3; i++) {
      const exchange = start("/small");
      await exchange.waitHead();
      exchange.discard(128 * 1024);
      await sleep(20);
    }
    expect(sockets.size).toBe(1);
    const big = start("/big");
    await big.waitHead();
    big.discard(128 * 1024);
    await sleep(50);
    // Past the limit the exchange was aborted and its connection closed: the next one is new.
    const next = start("/small");
    await next.waitHead();
    next.discard(128 * 1024);
    expect(sockets.size).toBe(2);
  });
});
