import type { ServerResponse } from "node:http";
import { sendErrorResponse, type NodeHandler } from "@/http/node-response";

/** The handlers one process serves; absent ones answer a JSON 404 in the unified error shape. */
export interface DispatchTable {
  proxy?: NodeHandler;
  admin?: NodeHandler;
  auth?: NodeHandler;
  cron?: NodeHandler;
  metrics?: NodeHandler;
  /** `GET /api/openapi.json`. */
  openapi?: NodeHandler;
  health: NodeHandler;
  /** Everything else (the console): Next's request handler, or absent in gateway-only mode. */
  fallback?: NodeHandler;
}

// Ordered longest-prefix-first; the proxy comes first because it is the hot path. Exported for the
// OpenAPI test: every prefix here must be documented.
export const DISPATCH_PREFIXES: readonly [prefix: string, key: keyof Omit<DispatchTable, "fallback">][] = [
  ["/api/proxy/", "proxy"],
  ["/api/admin/", "admin"],
  ["/api/auth/", "auth"],
  ["/api/cron/", "cron"],
  ["/api/openapi.json", "openapi"],
  ["/metrics", "metrics"],
  ["/healthz", "health"],
  ["/readyz", "health"],
];

/** Builds the one request listener of the process: our own handlers by path prefix, Next for the rest. */
export function createDispatcher(table: DispatchTable, onError: (err: unknown) => void): NodeHandler {
  return (req, res) => {
    const url = req.url ?? "/";
    let handler: NodeHandler | undefined;
    for (const [prefix, key] of DISPATCH_PREFIXES) {
      if (url.startsWith(prefix) || url === prefix.replace(/\/$/, "")) {
        handler = table[key] ?? notFound;
        break;
      }
    }
    handler ??= table.fallback ?? notFound;
    try {
      const result = handler(req, res);
      if (result instanceof Promise) result.catch((err: unknown) => failSafe(res, err, onError));
    } catch (err) {
      failSafe(res, err, onError);
    }
  };
}

function failSafe(res: ServerResponse, err: unknown, onError: (err: unknown) => void) {
  onError(err);
  // The client left (or shutdown closed the connection): there is nobody to answer.
  if (res.destroyed || res.writableEnded) return;
  if (!res.headersSent) {
    sendErrorResponse(res, "INTERNAL_ERROR");
  } else {
    res.destroy();
  }
}

const notFound: NodeHandler = (_req, res) => sendErrorResponse(res, "ROUTE_NOT_FOUND");
