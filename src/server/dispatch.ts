import type { IncomingMessage, ServerResponse } from "node:http";

/** A node-style request handler. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** The handlers one process serves; absent ones answer a JSON 404 in the unified error shape. */
export interface DispatchTable {
  proxy?: NodeHandler;
  admin?: NodeHandler;
  auth?: NodeHandler;
  cron?: NodeHandler;
  metrics?: NodeHandler;
  health: NodeHandler;
  /** Everything else (the console): Next's request handler, or absent in gateway-only mode. */
  fallback?: NodeHandler;
}

// Ordered longest-prefix-first; the proxy comes first because it is the hot path.
const ROUTES: readonly [prefix: string, key: keyof Omit<DispatchTable, "fallback">][] = [
  ["/api/proxy/", "proxy"],
  ["/api/admin/", "admin"],
  ["/api/auth/", "auth"],
  ["/api/cron/", "cron"],
  ["/metrics", "metrics"],
  ["/healthz", "health"],
  ["/readyz", "health"],
];

/** Builds the one request listener of the process: our own handlers by path prefix, Next for the rest. */
export function createDispatcher(table: DispatchTable, onError: (err: unknown) => void): NodeHandler {
  return (req, res) => {
    const url = req.url ?? "/";
    let handler: NodeHandler | undefined;
    for (const [prefix, key] of ROUTES) {
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
  if (!res.headersSent) {
    sendJsonError(res, 500, "INTERNAL_ERROR", "An internal error occurred.");
  } else {
    res.destroy();
  }
}

const notFound: NodeHandler = (_req, res) => sendJsonError(res, 404, "ROUTE_NOT_FOUND", "No such route.");

/** Sends the admin-style unified error body from a plain node handler. */
export function sendJsonError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
