import { sendErrorResponse, sendJson, type NodeHandler } from "../http/node-response";
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
      sendErrorResponse(res, "UNAUTHENTICATED", why);
      return;
    }
    if (path !== "/api/cron/health-check") {
      sendErrorResponse(res, "ROUTE_NOT_FOUND");
      return;
    }
    if (req.method !== "POST") {
      sendErrorResponse(res, "METHOD_NOT_ALLOWED", undefined, { allow: "POST" });
      return;
    }
    const round = await options.checker.runRound();
    sendJson(
      res,
      200,
      {
        startedAt: new Date(round.startedAt).toISOString(),
        checked: round.results.length,
        results: round.results,
      },
      { "cache-control": "no-store" },
    );
  };
}
