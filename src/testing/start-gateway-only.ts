import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { createEdgeServer, DEFAULT_EDGE_LIMITS, type EdgeLimits } from "../http/edge-server";
import type { NodeHandler } from "../http/node-response";
import { createDispatcher } from "../server/dispatch";
import type { Gateway } from "../gateway/create-gateway";
import { sendGatewayError } from "../gateway/gateway-errors";

/**
 * A node:http server that serves only the data plane (`/api/proxy/*`) plus a liveness probe, with no
 * Next.js and no console, over a gateway the caller built: for the gateway suites and the benchmark.
 * The product's scale-out entry (`npm run start:gateway`) is `gateway.ts` → `src/server/main.ts`.
 */

export interface GatewayOnlyServerOptions {
  readonly gateway: Gateway;
  readonly port: number;
  readonly host?: string;
  /** Slow-client deadlines and header limits; default the environment's defaults. */
  readonly limits?: EdgeLimits;
}

export interface GatewayOnlyServer {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting, closes idle keep-alive sockets, then closes the gateway. */
  close(): Promise<void>;
}

/** Waits for the gateway's first snapshot, then listens; resolves with the bound URL. */
export async function startGatewayOnlyServer(options: GatewayOnlyServerOptions): Promise<GatewayOnlyServer> {
  const { gateway } = options;
  await gateway.ready();
  // The same dispatcher as the production entry points, so tests and the benchmark go through the
  // front door users get; paths outside the data plane answer in the gateway's error shape.
  const listener = createDispatcher(
    { proxy: (req, res) => gateway.handle(req, res), health: liveness, fallback: notFound },
    () => undefined,
  );
  const server = createEdgeServer(options.limits ?? DEFAULT_EDGE_LIMITS, listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await gateway.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

const liveness: NodeHandler = (req, res) => {
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(req.method === "HEAD" ? undefined : '{"ok":true}');
};

const notFound: NodeHandler = (_req, res) => {
  sendGatewayError(res, "ROUTE_NOT_FOUND", randomUUID());
};
