import { jsonResponse, noContent } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";

/** `/groups`: CRUD and memberships. */
export const groupRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/groups",
    role: "viewer",
    handler: async ({ services }) => jsonResponse({ items: await services.groups.list() }),
  },
  {
    method: "POST",
    pattern: "/groups",
    role: "admin",
    handler: async (ctx) => {
      const group = await ctx.services.groups.create(ctx.by, await ctx.readJson());
      return jsonResponse(group, 201, { location: `/api/admin/groups/${group.id}` });
    },
  },
  {
    method: "GET",
    pattern: "/groups/:id",
    role: "viewer",
    handler: async ({ services, params }) => jsonResponse(await services.groups.get(params.id!)),
  },
  {
    method: "PUT",
    pattern: "/groups/:id",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.groups.update(ctx.by, ctx.params.id!, await ctx.readJson())),
  },
  {
    method: "DELETE",
    pattern: "/groups/:id",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.groups.remove(ctx.by, ctx.params.id!);
      return noContent();
    },
  },
  {
    method: "POST",
    pattern: "/groups/:id/providers",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.groups.addMember(ctx.by, ctx.params.id!, await ctx.readJson()), 201),
  },
  {
    method: "PUT",
    pattern: "/groups/:id/providers/order",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.groups.reorderMembers(ctx.by, ctx.params.id!, await ctx.readJson())),
  },
  {
    method: "PUT",
    pattern: "/groups/:id/providers/:providerId",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(
        await ctx.services.groups.updateMember(
          ctx.by,
          ctx.params.id!,
          ctx.params.providerId!,
          await ctx.readJson(),
        ),
      ),
  },
  {
    method: "DELETE",
    pattern: "/groups/:id/providers/:providerId",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.groups.removeMember(ctx.by, ctx.params.id!, ctx.params.providerId!);
      return noContent();
    },
  },
];
