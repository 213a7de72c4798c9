import { jsonResponse } from "@/http/web-response";
import { fileResponse, queryOf } from "../http-io";
import { logDetailSchema, logsExportQuerySchema, logsPageSchema, logsQuerySchema } from "@/contracts/logs";
import type { RouteDefinition } from "../route-types";
import { logDetailFor } from "../viewer-redaction";

/** `/logs`: request logs, filtered and paged by cursor; exports stream page by page. */
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
];
