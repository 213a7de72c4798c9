import { jsonResponse, textResponse } from "@/http/web-response";
import {
  curlQuerySchema,
  logCurlSchema,
  logDiffSchema,
  replayInputSchema,
  replayResultSchema,
} from "@/contracts/log-debug";
import { fileResponse, queryOf } from "../http-io";
import { logDetailSchema, logsExportQuerySchema, logsPageSchema, logsQuerySchema } from "@/contracts/logs";
import type { RouteDefinition } from "../route-types";
import { logDetailFor } from "../viewer-redaction";

/**
 * `/logs`: request logs, filtered and paged by cursor; exports stream page by page. Captured requests
 * can be replayed (admins), compared and copied as curl (`services.logDebug`).
 */
export const logRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/logs",
    role: "viewer",
    doc: {
      summary: "Request logs, filtered, newest first, paged by cursor",
      query: logsQuerySchema,
      response: logsPageSchema,
    },
    handler: async ({ services, url }) => jsonResponse(await services.logs.list(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/logs/export",
    role: "viewer",
    doc: {
      summary: "Download the filtered request logs (CSV or NDJSON, streamed)",
      query: logsExportQuerySchema,
      responseMediaType: "text/csv",
    },
    handler: async ({ services, url }) => fileResponse(services.logs.export(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/logs/:id",
    role: "viewer",
    doc: {
      summary: "One request with its attempts (captured upstream answers for admins only)",
      response: logDetailSchema,
      errors: ["LOG_NOT_FOUND"],
    },
    // Viewers see the attempts and the request, never the upstream's captured answer.
    handler: async ({ services, params, actor }) =>
      jsonResponse(logDetailFor(actor, await services.logs.get(params.id!))),
  },
  {
    method: "POST",
    pattern: "/logs/:id/replay",
    role: "admin",
    doc: {
      summary:
        "Replay a captured request through the data plane, to one provider or through a group (with `stream: true` the answer is NDJSON lines: head, event|chunk…, end)",
      body: replayInputSchema,
      response: replayResultSchema,
      errors: ["LOG_NOT_FOUND", "NOT_CAPTURED", "PROVIDER_NOT_FOUND", "GROUP_NOT_FOUND"],
    },
    handler: async ({ services, params, readJson, by }) => {
      const answer = await services.logDebug.replay(params.id!, await readJson(), by);
      return answer.kind === "document"
        ? jsonResponse(answer.result)
        : textResponse(answer.body, "application/x-ndjson; charset=utf-8");
    },
  },
  {
    method: "GET",
    pattern: "/logs/:id/diff/:other",
    role: "viewer",
    doc: {
      summary:
        "Compare two requests: status, request and response headers and bodies (JSON by pointer, SSE by events and text, else lines), timings (upstream answers for admins only)",
      response: logDiffSchema,
      errors: ["LOG_NOT_FOUND"],
    },
    handler: async ({ services, params, actor }) =>
      jsonResponse(await services.logDebug.diff(params.id!, params.other!, actor.role === "admin")),
  },
  {
    method: "GET",
    pattern: "/logs/:id/curl",
    role: "viewer",
    doc: {
      summary:
        "A captured request as curl commands: to the gateway ($ROUNDABOUT_KEY) and to the upstream ($UPSTREAM_API_KEY)",
      query: curlQuerySchema,
      response: logCurlSchema,
      errors: ["LOG_NOT_FOUND", "NOT_CAPTURED", "PROVIDER_NOT_FOUND"],
    },
    handler: async ({ services, params, url }) =>
      jsonResponse(await services.logDebug.curl(params.id!, queryOf(url), url.origin)),
  },
];
