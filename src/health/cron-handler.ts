import type { ServerResponse } from "node:http";
import type { NodeHandler } from "../server/dispatch";
import { sendJsonError } from "../server/dispatch";
import { bearerTokenOf, createSecretMatcher } from "../security/secret-token";
import type { ActiveChecker } from "./active-checker";

/**
 * `/api/cron/*` for external schedulers, authenticated by `Authorization: Bearer $CRON_SECRET`.
 * `POST /api/cron/health-check` runs one round of active health checks now and answers its results.
 * Without CRON_SECRET every cron route answers 401 (the endpoints are off).
 */

export interface CronHandlerOptions {
  /** env CRON_SECRET; undefined disables every cron route. */
  readonly secret: string | undefined;
  readonly checker: ActiveChecker;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** Creates the node handler mounted under the dispatcher's `cron` slot. */
export function createCronHandler(options: CronHandlerOptions): NodeHandler {
  const isSecret = options.secret === undefined ? null : createSecretMatcher(options.secret);
  return async (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (isSecret === null || !isSecret(bearerTokenOf(req.headers.authorization))) {
      const why =
        options.secret === undefined
          ? "Set CRON_SECRET to use /api/cron/*."
          : "Send Authorization: Bearer $CRON_SECRET.";
      sendJsonError(res, 401, "UNAUTHENTICATED", why);
      return;
    }
    if (path !== "/api/cron/health-check") {
      sendJsonError(res, 404, "ROUTE_NOT_FOUND", "No such route.");
      return;
    }
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      sendJsonError(res, 405, "METHOD_NOT_ALLOWED", "This method is not allowed on this path.");
      return;
    }
    const round = await options.checker.runRound();
    sendJson(res, 200, {
      startedAt: new Date(round.startedAt).toISOString(),
      checked: round.results.length,
      results: round.results,
    });
  };
}
