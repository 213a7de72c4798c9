import { jsonResponse, textResponse } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";
import { z } from "zod";
import { importResultSchema } from "@/contracts/config-document";
import {
  providerCreateSchema,
  providerSchema,
  providerTestResultSchema,
  providerTestSchema,
  providerToggleSchema,
  providerUpdateSchema,
} from "@/contracts/providers";
import { collectionRoutes } from "./collection-routes";

const CSV_TYPES = ["text/csv", "application/csv", "text/plain"] as const;

/** `/providers`: CRUD, enable toggle, connection test and CSV import/export. */
export const providerRoutes: readonly RouteDefinition[] = [
  ...collectionRoutes("/providers", (services) => services.providers, {
    noun: "provider",
    create: providerCreateSchema,
    update: providerUpdateSchema,
    item: providerSchema,
    notFound: "PROVIDER_NOT_FOUND",
    conflicts: ["PROVIDER_NAME_TAKEN", "OUTBOUND_BLOCKED"],
    deleteConflicts: ["PROVIDER_IN_USE"],
    example: { name: "anthropic-primary", baseUrl: "https://api.anthropic.com", apiKey: "sk-ant-example" },
  }),
  {
    method: "GET",
    pattern: "/providers/export.csv",
    role: "viewer",
    doc: {
      summary: "Download the providers as CSV (credentials only with includeSecrets, admins only)",
      query: z.object({ includeSecrets: z.boolean().optional() }),
      responseMediaType: "text/csv",
    },
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
    doc: {
      summary: "Import providers from CSV (all or nothing; dryRun previews, prune deletes the unlisted)",
      bodyMediaType: "text/csv",
      query: z.object({ dryRun: z.boolean().optional(), prune: z.boolean().optional() }),
      response: importResultSchema,
      errors: ["IMPORT_INVALID"],
    },
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
    doc: {
      summary: "Enable or disable a provider (flips it without a body)",
      body: providerToggleSchema,
      bodyOptional: true,
      response: providerSchema,
      errors: ["PROVIDER_NOT_FOUND"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.providers.toggle(ctx.by, ctx.params.id!, await ctx.readOptionalJson())),
  },
  {
    // Admin-only although it writes nothing: it makes the gateway send the stored credential upstream.
    method: "POST",
    pattern: "/providers/:id/test",
    role: "admin",
    doc: {
      summary: "Send one request to the provider with its stored credential and report the answer",
      body: providerTestSchema,
      bodyOptional: true,
      response: providerTestResultSchema,
      errors: ["PROVIDER_NOT_FOUND", "OUTBOUND_BLOCKED"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.providers.test(ctx.params.id!, await ctx.readOptionalJson())),
  },
];
