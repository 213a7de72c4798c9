import { connect, type AddressInfo, type Socket } from "node:net";
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createEdgeServer, DEFAULT_EDGE_LIMITS } from "./edge-server";

/** The idle rule of the edge server (in process; the spawned-process suite is src/server/edge-limits). */

const LIMITS = { ...DEFAULT_EDGE_LIMITS, headersTimeoutMs: 2_000, bodyTimeoutMs: 4_000, idleTimeoutMs: 500 };
const BIG = Buffer.alloc(8 * 1024 * 1024, 0x61);
let server: Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function listen(s: Server): Promise<number> {
  server = s;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return (s.address() as AddressInfo).port;
}

function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("edge server idle deadline", () => {
  it("cuts a client that stops reading a large response (slow read)", async () => {
    const port = await listen(
      createEdgeServer(LIMITS, (_req, res) => {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(BIG);
      }),
    );
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    socket.pause();
    await new Promise((r) => setTimeout(r, 2_500));
    const open = await new Promise<number>((resolve) => server!.getConnections((_e, n) => resolve(n)));
    expect(open).toBe(0);
    socket.destroy();
  });

  it("keeps a quiet event stream whose gaps are longer than the idle deadline", async () => {
    const port = await listen(
      createEdgeServer(LIMITS, (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        let n = 0;
        const tick = setInterval(() => {
          n++;
          if (n < 3) res.write(`data: ${n}\n\n`);
          else {
            clearInterval(tick);
            res.end("data: [DONE]\n\n");
          }
        }, 1_000);
      }),
    );
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (c: Buffer) => (text += c.toString()));
    socket.write("GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    expect(await closedWithin(socket, 8_000)).toBe(true);
    expect(text).toContain("data: 1");
    expect(text).toContain("data: [DONE]");
  });

  it("closes a connection on which nothing is in progress", async () => {
    const port = await listen(createEdgeServer(LIMITS, (_req, res) => void res.end("ok")));
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => undefined);
    socket.resume();
    socket.write("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    expect(await closedWithin(socket, 3_000)).toBe(true);
  });
});
