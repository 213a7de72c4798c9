import { jsonResponse } from "@/http/web-response";
import { fileResponse, queryOf } from "../http-io";
import {
  providerStatsSchema,
  statsCacheQuerySchema,
  statsCacheSchema,
  statsCostQuerySchema,
  statsCostsSchema,
  statsOverviewSchema,
  statsQuerySchema,
  statsTenantCostQuerySchema,
} from "@/contracts/stats";
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
  {
    method: "GET",
    pattern: "/stats/costs",
    role: "viewer",
    doc: {
      summary:
        "Cost and tokens split by key, group, provider or model over a range (`format=csv|json` downloads it)",
      query: statsCostQuerySchema,
      response: statsCostsSchema,
    },
    handler: async ({ services, url }) =>
      url.searchParams.has("format")
        ? fileResponse(await services.stats.exportCosts(queryOf(url)))
        : jsonResponse(await services.stats.costs(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/stats/tenants",
    role: "viewer",
    // Every tenant's figures: system users only.
    system: true,
    doc: {
      summary:
        "Cost and tokens per tenant over a range, across every tenant (`format=csv|json` downloads it)",
      query: statsTenantCostQuerySchema,
      response: statsCostsSchema,
    },
    handler: async ({ services, url }) =>
      url.searchParams.has("format")
        ? fileResponse(await services.stats.exportTenantCosts(queryOf(url)))
        : jsonResponse(await services.stats.tenantCosts(queryOf(url))),
  },
  {
    method: "GET",
    pattern: "/stats/cache",
    role: "viewer",
    doc: {
      summary: "Prompt-cache read share and session-affinity hit share per group and provider over a range",
      query: statsCacheQuerySchema,
      response: statsCacheSchema,
    },
    handler: async ({ services, url }) =>
      url.searchParams.has("format")
        ? fileResponse(await services.stats.exportCache(queryOf(url)))
        : jsonResponse(await services.stats.cache(queryOf(url))),
  },
];
