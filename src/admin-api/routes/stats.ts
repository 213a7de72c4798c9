import { jsonResponse } from "@/http/web-response";
import { fileResponse, queryOf } from "../http-io";
import type { RouteDefinition } from "../route-types";

/** `/stats`: dashboards read from the rollups; `?format=csv|json` downloads the same query. */
export const statsRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/stats/overview",
    role: "viewer",
    handler: async ({ services, url }) =>
      url.searchParams.has("format")
        ? fileResponse(await services.stats.exportOverview(queryOf(url)))
        : jsonResponse(await services.stats.overview(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/stats/providers/:id",
    role: "viewer",
    handler: async ({ services, url, params }) =>
      url.searchParams.has("format")
        ? fileResponse(await services.stats.exportProvider(params.id!, queryOf(url)))
        : jsonResponse(await services.stats.provider(params.id!, queryOf(url))),
  },
];
