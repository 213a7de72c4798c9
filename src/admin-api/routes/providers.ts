import { jsonResponse, textResponse } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";
import { collectionRoutes } from "./collection-routes";

const CSV_TYPES = ["text/csv", "application/csv", "text/plain"] as const;

/** `/providers`: CRUD, enable toggle, connection test and CSV import/export. */
export const providerRoutes: readonly RouteDefinition[] = [
  ...collectionRoutes("/providers", (services) => services.providers),
  {
    method: "GET",
    pattern: "/providers/export.csv",
    role: "viewer",
    handler: async (ctx) => {
      const includeSecrets = ctx.queryFlag("includeSecrets", false);
      const csv = await ctx.services.config.exportProvidersCsv(ctx.by, { includeSecrets });
      return textResponse(csv, "text/csv; charset=utf-8", {
        "content-disposition": 'attachment; filename="providers.csv"',
      });
    },
  },
  {
    method: "POST",
    pattern: "/providers/import.csv",
    role: "admin",
    handler: async (ctx) => {
      const options = { dryRun: ctx.queryFlag("dryRun", false), prune: ctx.queryFlag("prune", false) };
      const csv = await ctx.readText(CSV_TYPES);
      return jsonResponse(await ctx.services.config.importProvidersCsv(ctx.by, csv, options));
    },
  },
  {
    method: "PATCH",
    pattern: "/providers/:id/toggle",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.providers.toggle(ctx.by, ctx.params.id!, await ctx.readOptionalJson())),
  },
  {
    // Admin-only although it writes nothing: it makes the gateway send the stored credential upstream.
    method: "POST",
    pattern: "/providers/:id/test",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.providers.test(ctx.params.id!, await ctx.readOptionalJson())),
  },
];
