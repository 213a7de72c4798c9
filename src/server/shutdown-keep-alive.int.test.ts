import { Agent, createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@/observability/logger";
import { installShutdown } from "./shutdown";

/**
 * Keep-alive connections during a graceful shutdown, as a load balancer with pooled upstream
 * connections (nginx `keepalive`) sees them: a connection busy when the signal arrives must not stay
 * open after its response, or the balancer keeps sending new requests to the stopping instance until
 * the drain timeout cuts them off (found by the SIGTERM phase of `npm run drill:outages`).
 */

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
  socket: Socket;
}

const servers: Server[] = [];
const signalListeners = { SIGTERM: process.listeners("SIGTERM"), SIGINT: process.listeners("SIGINT") };

afterEach(() => {
  // installShutdown listens for signals: drop the listeners this file added to the test worker.
  for (const name of ["SIGTERM", "SIGINT"] as const) {
    for (const l of process.listeners(name)) if (!signalListeners[name].includes(l)) process.off(name, l);
  }
  for (const s of servers.splice(0)) s.closeAllConnections();
});

/** A server whose `/slow` answers after 300 ms and `/stream` sends its head at once and ends after 300 ms. */
async function startServer(drainTimeoutMs: number) {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    if (req.url === "/stream") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      setTimeout(() => res.end("data: two\n\n"), 300);
      return;
    }
    setTimeout(() => res.end("ok"), req.url === "/slow" ? 300 : 0);
  });
  servers.push(server);
  const warnings: string[] = [];
  const logger = createLogger("silent");
  logger.warn = ((msg: unknown) => {
    warnings.push(String(msg));
  }) as typeof logger.warn;
  const shutdown = installShutdown({ server, steps: [], logger, drainTimeoutMs, exit: () => undefined });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return { server, port, shutdown, warnings };
}

function get(port: number, path: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, agent }, (res: IncomingMessage) => {
      // Taken now: a kept-alive socket is detached from the response (back to the pool) at its end.
      const socket = res.socket;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body, socket }),
      );
    })
      .on("error", reject)
      .end();
  });
}

function closedSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readyState === "closed") resolve();
    else socket.once("close", () => resolve());
  });
}

describe("graceful shutdown and keep-alive connections", () => {
  it("answers a request in flight with Connection: close and finishes without the drain timeout", async () => {
    const { port, shutdown, warnings } = await startServer(10_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const inFlight = get(port, "/slow", agent);
      await new Promise((r) => setTimeout(r, 100));
      const done = shutdown();
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(answer.body).toBe("ok");
      expect(answer.connection).toBe("close");
      await closedSocket(answer.socket);
      await done;
      expect(warnings).toEqual([]);
    } finally {
      agent.destroy();
    }
  });

  it("closes a kept-alive connection once a stream that started before the signal ends", async () => {
    const { port, shutdown, warnings } = await startServer(5_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const stream = get(port, "/stream", agent);
      await new Promise((r) => setTimeout(r, 100));
      const done = shutdown();
      const answer = await stream;
      expect(answer.body).toBe("data: one\n\ndata: two\n\n");
      // Its head went out as keep-alive before the signal; the server must still close the connection.
      expect(answer.connection).toBe("keep-alive");
      await closedSocket(answer.socket);
      await done;
      expect(warnings).toEqual([]);
    } finally {
      agent.destroy();
    }
  });

  it("serves a request already sent on an idle kept-alive connection when the signal arrives", async () => {
    const { port, shutdown, warnings } = await startServer(5_000);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(port, "/", agent);
      expect(first.connection).toBe("keep-alive");
      // The next request goes out on the idle connection; the shutdown starts before the server has
      // read it, as when a balancer's request and the signal land in the same turn of the loop.
      const next = get(port, "/", agent);
      const done = shutdown();
      const answer = await next;
      expect(answer.status).toBe(200);
      expect(answer.connection).toBe("close");
      await done;
      expect(warnings).toEqual([]);
    } finally {
      agent.destroy();
    }
  });
});
