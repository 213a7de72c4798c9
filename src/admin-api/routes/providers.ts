import { jsonResponse, noContent, textResponse } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";

const CSV_TYPES = ["text/csv", "application/csv", "text/plain"] as const;

/** `/providers`: CRUD, enable toggle, connection test and CSV import/export. */
export const providerRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/providers",
    role: "viewer",
    handler: async ({ services }) => jsonResponse({ items: await services.providers.list() }),
  },
  {
    method: "POST",
    pattern: "/providers",
    role: "admin",
    handler: async (ctx) => {
      const provider = await ctx.services.providers.create(ctx.by, await ctx.readJson());
      return jsonResponse(provider, 201, { location: `/api/admin/providers/${provider.id}` });
    },
  },
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
    method: "GET",
    pattern: "/providers/:id",
    role: "viewer",
    handler: async ({ services, params }) => jsonResponse(await services.providers.get(params.id!)),
  },
  {
    method: "PUT",
    pattern: "/providers/:id",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.providers.update(ctx.by, ctx.params.id!, await ctx.readJson())),
  },
  {
    method: "DELETE",
    pattern: "/providers/:id",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.providers.remove(ctx.by, ctx.params.id!);
      return noContent();
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
