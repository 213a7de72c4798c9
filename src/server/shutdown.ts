import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";

export interface ShutdownStep {
  readonly name: string;
  run(): Promise<void>;
}

/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight requests drain (bounded), then run
 * the steps in order (flush logs, close stores, close the database). A second signal exits at once.
 * While draining, keep-alive connections are told to go: `server.close()` alone leaves a connection
 * that was busy open after its response (until the keep-alive timeout), and a load balancer goes on
 * sending new requests on it until the drain timeout cuts them off.
 */
export function installShutdown(options: {
  server: Server;
  steps: ShutdownStep[];
  logger: Logger;
  drainTimeoutMs?: number;
  exit?: (code: number) => void;
}): () => Promise<void> {
  const { server, steps, logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let shuttingDown: Promise<void> | null = null;
  const inFlight = new Set<ServerResponse>();
  // Connections that carried a request during the drain: they close themselves after its response.
  const closingSockets = new WeakSet<Socket>();
  // Runs before the dispatcher, so a response started during the drain still gets `Connection: close`.
  server.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    if (shuttingDown !== null) {
      closingSockets.add(req.socket);
      res.shouldKeepAlive = false;
      return;
    }
    inFlight.add(res);
    res.once("close", () => inFlight.delete(res));
  });
  /** Makes the connection of a response in flight close once that response is done. */
  const closeAfter = (res: ServerResponse) => {
    // Head not sent yet: Node then sends `Connection: close` and ends the socket after the body.
    if (!res.headersSent) {
      res.shouldKeepAlive = false;
      return;
    }
    // Head already sent with keep-alive (a stream): end this one connection once the body is out.
    // Not closeIdleConnections(): it also resets connections whose next request is not read yet.
    const socket = res.socket;
    if (socket === null) return;
    res.once("finish", () =>
      setImmediate(() => {
        if (!closingSockets.has(socket)) socket.end();
      }),
    );
  };

  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info("shutting down: no new connections, draining in-flight requests");
      for (const res of inFlight) closeAfter(res);
      inFlight.clear();
      // close() also resets keep-alive connections it deems idle, including one whose next request
      // sits unread in its socket (the signal came first in this turn of the event loop, or the loop
      // lags): a request the balancer already sent, lost. Let two turns read what has arrived first.
      await nextTurn();
      await nextTurn();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets with no request in flight would otherwise hold close() for seconds.
      server.closeIdleConnections();
      const drained = await Promise.race([
        closed.then(() => true),
        sleep(options.drainTimeoutMs ?? 10_000).then(() => false),
      ]);
      if (!drained) {
        logger.warn("drain timeout reached; closing remaining connections");
        server.closeAllConnections();
      }
      for (const step of steps) {
        try {
          await step.run();
        } catch (err) {
          logger.error({ err, step: step.name }, "shutdown step failed");
        }
      }
      logger.info("shutdown complete");
    })();
    return shuttingDown;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, "second signal: exiting now");
      exit(1);
      return;
    }
    logger.info({ signal }, "signal received");
    void shutdown().then(() => exit(0));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return shutdown;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
