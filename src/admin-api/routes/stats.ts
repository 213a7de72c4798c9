import { jsonResponse } from "@/http/web-response";
import { fileResponse, queryOf } from "../http-io";
import { providerStatsSchema, statsOverviewSchema, statsQuerySchema } from "@/contracts/stats";
import type { RouteDefinition } from "../route-types";

/** `/stats`: dashboards read from the rollups; `?format=csv|json` downloads the same query. */
export const statsRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/stats/overview",
    role: "viewer",
    doc: {
      summary: "Traffic totals, series and splits over a range (`format=csv|json` downloads it)",
      query: statsQuerySchema,
      response: statsOverviewSchema,
    },
    handler: async ({ services, url }) =>
      url.searchParams.has("format")
        ? fileResponse(await services.stats.exportOverview(queryOf(url)))
        : jsonResponse(await services.stats.overview(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/stats/providers/:id",
    role: "viewer",
    doc: {
      summary: "One provider's traffic and health history over a range",
      query: statsQuerySchema,
      response: providerStatsSchema,
      errors: ["PROVIDER_NOT_FOUND"],
    },
    handler: async ({ services, url, params }) =>
      url.searchParams.has("format")
        ? fileResponse(await services.stats.exportProvider(params.id!, queryOf(url)))
        : jsonResponse(await services.stats.provider(params.id!, queryOf(url))),
  },
];
