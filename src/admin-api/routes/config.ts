import { AppError } from "@/core/errors/catalogue";
import { jsonResponse } from "@/http/web-response";
import { z } from "zod";
import { configDocumentSchema, importResultSchema } from "@/contracts/config-document";
import type { RouteDefinition } from "../route-types";

const flag = z.boolean().optional();

/** `/config`: the whole configuration as one JSON document. */
export const configRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/config/export",
    role: "viewer",
    doc: {
      summary:
        "Export the whole configuration as one JSON document (credentials with includeSecrets, admins only)",
      query: z.object({ includeSecrets: flag }),
      response: configDocumentSchema,
    },
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
    doc: {
      summary:
        "Import a configuration document (all or nothing; dryRun previews the diff, prune deletes the unlisted)",
      body: configDocumentSchema,
      query: z.object({ dryRun: flag, prune: flag }),
      response: importResultSchema,
      errors: ["IMPORT_INVALID"],
    },
    handler: async (ctx) => {
      const options = {
        dryRun: ctx.queryFlag("dryRun", false),
        prune: ctx.queryFlag("prune", false),
        system: ctx.tenant.system,
      };
      return jsonResponse(await ctx.services.config.importDocument(ctx.by, await ctx.readJson(), options));
    },
  },
];
