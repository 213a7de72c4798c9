import type { ExportFile } from "@/stats/export-stream";
import { jsonResponse } from "../http-io";
import type { RouteDefinition } from "../route-types";

/** A streamed download: the body is pulled page by page as the client reads. */
export function fileResponse(file: ExportFile): Response {
  return new Response(file.body, {
    status: 200,
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}

const queryOf = (url: URL) => Object.fromEntries(url.searchParams);

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
