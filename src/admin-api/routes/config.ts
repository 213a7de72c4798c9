import { AppError } from "@/core/errors/catalogue";
import { jsonResponse } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";

/** `/config`: the whole configuration as one JSON document. */
export const configRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/config/export",
    role: "viewer",
    handler: async (ctx) => {
      const includeSecrets = ctx.queryFlag("includeSecrets", false);
      // Viewers may export the configuration, never the credentials in it.
      if (includeSecrets && ctx.actor.role !== "admin") {
        throw new AppError("FORBIDDEN", "Only admins may export credentials.");
      }
      return jsonResponse(await ctx.services.config.exportDocument(ctx.by, { includeSecrets }));
    },
  },
  {
    method: "POST",
    pattern: "/config/import",
    role: "admin",
    handler: async (ctx) => {
      const options = { dryRun: ctx.queryFlag("dryRun", false), prune: ctx.queryFlag("prune", false) };
      return jsonResponse(await ctx.services.config.importDocument(ctx.by, await ctx.readJson(), options));
    },
  },
];
