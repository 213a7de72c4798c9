import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayHarness, type GatewayHarness } from "../testing/gateway-harness";

/**
 * Large responses through the gateway: a slow client must pause the upstream (not make the gateway
 * buffer the body), every byte must arrive in order, and a client that leaves mid-body must abort the
 * upstream exchange.
 */

// Larger than what loopback socket buffers can hold between the three processes' sockets.
const SIZE = 24 * 1024 * 1024;
const BODY = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) BODY[i] = (i * 7 + (i >> 10)) & 0xff;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let h: GatewayHarness;
let upstream: Server;
let slug: string;
let key: string;
/** Bytes the upstream managed to hand to its socket per request, and whether it saw a close first. */
const sent: { bytes: number; closedEarly: boolean }[] = [];

/** `/v1/files/big` sends BODY; `/v1/files/endless` streams until the connection closes. */
function serveBig(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on("end", () => {
    const endless = req.url?.endsWith("/endless") === true;
    const record = { bytes: 0, closedEarly: false };
    sent.push(record);
    res.on("close", () => {
      if (!res.writableFinished) record.closedEarly = true;
    });
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      ...(endless ? {} : { "content-length": SIZE }),
    });
    let off = 0;
    const pump = () => {
      while (off < SIZE || (endless && !res.destroyed)) {
        if (endless && off >= SIZE) off = 0;
        const chunk = BODY.subarray(off, off + 64 * 1024);
        off += chunk.length;
        record.bytes = off;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
}

beforeAll(async () => {
  h = await startGatewayHarness();
  upstream = createServer(serveBig);
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  ({ slug, key } = await h.addRoute({
    baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
  }));
});

afterAll(async () => {
  await h?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
});

function open(client: Client, file = "big") {
  return client.request({
    path: `/api/proxy/${slug}/v1/files/${file}`,
    method: "GET",
    headers: { authorization: `Bearer ${key}` },
    highWaterMark: 16 * 1024,
  });
}

describe("large responses", () => {
  it("a slow client pauses the upstream and still receives every byte in order", async () => {
    const client = new Client(h.url);
    try {
      const res = await open(client);
      expect(res.statusCode).toBe(200);
      // Read nothing for a while: the gateway must stop reading the upstream, not buffer 8 MiB.
      await sleep(300);
      const before = sent.at(-1)!.bytes;
      expect(before).toBeLessThan(SIZE);
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) {
        chunks.push(chunk as Buffer);
        if (chunks.length % 16 === 0) await sleep(1);
      }
      expect(sha(Buffer.concat(chunks))).toBe(sha(BODY));
      const row = (await h.requestLogs()).find((r) => r.groupSlug === slug && r.status === 200);
      expect(row?.bytesOut).toBe(SIZE);
    } finally {
      await client.close();
    }
  });

  it("a client that leaves mid-body aborts the upstream exchange and is logged as 499", async () => {
    const client = new Client(h.url);
    const res = await open(client, "endless");
    expect(res.statusCode).toBe(200);
    await sleep(100);
    await client.destroy();
    for (let i = 0; i < 100 && !sent.at(-1)!.closedEarly; i++) await sleep(20);
    expect(sent.at(-1)!.closedEarly).toBe(true);
    let row;
    for (let i = 0; i < 100 && row === undefined; i++) {
      row = (await h.requestLogs()).find((r) => r.groupSlug === slug && r.status === 499);
      if (row === undefined) await sleep(20);
    }
    expect(row?.errorCode).toBe("CLIENT_CLOSED");
    expect(row?.bytesOut).toBeGreaterThan(0);
  });
});
