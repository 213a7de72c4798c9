import { jsonResponse, noContent } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";

/** `/api-keys`: gateway keys (the full key appears only in the POST answer). */
export const apiKeyRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/api-keys",
    role: "viewer",
    handler: async ({ services }) => jsonResponse({ items: await services.apiKeys.list() }),
  },
  {
    method: "POST",
    pattern: "/api-keys",
    role: "admin",
    handler: async (ctx) => {
      const created = await ctx.services.apiKeys.create(ctx.by, await ctx.readJson());
      return jsonResponse(created, 201, { location: `/api/admin/api-keys/${created.id}` });
    },
  },
  {
    method: "GET",
    pattern: "/api-keys/:id",
    role: "viewer",
    handler: async ({ services, params }) => jsonResponse(await services.apiKeys.get(params.id!)),
  },
  {
    method: "PUT",
    pattern: "/api-keys/:id",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.apiKeys.update(ctx.by, ctx.params.id!, await ctx.readJson())),
  },
  {
    method: "DELETE",
    pattern: "/api-keys/:id",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.apiKeys.remove(ctx.by, ctx.params.id!);
      return noContent();
    },
  },
];
