import { jsonResponse, noContent } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";
import { collectionRoutes } from "./collection-routes";

/** `/groups`: CRUD and memberships. */
export const groupRoutes: readonly RouteDefinition[] = [
  ...collectionRoutes("/groups", (services) => services.groups),
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
