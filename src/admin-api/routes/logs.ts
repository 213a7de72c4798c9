import { jsonResponse } from "@/http/web-response";
import { fileResponse, queryOf } from "../http-io";
import type { RouteDefinition } from "../route-types";
import { logDetailFor } from "../viewer-redaction";

/** `/logs`: request logs, filtered and paged by cursor; exports stream page by page. */
export const logRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/logs",
    role: "viewer",
    handler: async ({ services, url }) => jsonResponse(await services.logs.list(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/logs/export",
    role: "viewer",
    handler: async ({ services, url }) => fileResponse(services.logs.export(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/logs/:id",
    role: "viewer",
    // Viewers see the attempts and the request, never the upstream's captured answer.
    handler: async ({ services, params, actor }) =>
      jsonResponse(logDetailFor(actor, await services.logs.get(params.id!))),
  },
];
