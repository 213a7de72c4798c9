import { jsonResponse, noContent } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";

/** `/users` (admin only) and `/me` (any signed-in role). */
export const userRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/users",
    role: "admin",
    handler: async ({ services }) => jsonResponse({ items: await services.users.list() }),
  },
  {
    method: "POST",
    pattern: "/users",
    role: "admin",
    handler: async (ctx) => {
      const created = await ctx.services.users.create(ctx.by, await ctx.readJson());
      return jsonResponse(created, 201, { location: `/api/admin/users/${created.id}` });
    },
  },
  {
    method: "GET",
    pattern: "/users/:id",
    role: "admin",
    handler: async ({ services, params }) => jsonResponse(await services.users.get(params.id ?? "")),
  },
  {
    method: "PATCH",
    pattern: "/users/:id/role",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.users.updateRole(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
  },
  {
    method: "POST",
    pattern: "/users/:id/password",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.users.resetPassword(ctx.by, ctx.params.id ?? "", await ctx.readJson());
      return noContent();
    },
  },
  {
    method: "DELETE",
    pattern: "/users/:id",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.users.remove(ctx.by, ctx.params.id ?? "");
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/me",
    role: "viewer",
    handler: async ({ actor }) =>
      jsonResponse({ id: actor.id, name: actor.name, role: actor.role, via: actor.via }),
  },
  {
    method: "POST",
    pattern: "/me/password",
    role: "viewer",
    handler: async (ctx) => {
      // Signs the caller out everywhere, this session included: the console returns to sign-in.
      await ctx.services.users.changeOwnPassword(ctx.by, await ctx.readJson());
      return noContent();
    },
  },
];
