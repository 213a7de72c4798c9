import type { UsersService } from "@/services/users-service";
import { jsonResponse, noContent } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";

/**
 * `/users` (admin only) and `/me` (any signed-in role). Built over the users service rather than read
 * from `ctx.services`, so it can be mounted before AdminServices grows a `users` member.
 */
export function createUserRoutes(users: UsersService): readonly RouteDefinition[] {
  return [
    {
      method: "GET",
      pattern: "/users",
      role: "admin",
      handler: async () => jsonResponse({ items: await users.list() }),
    },
    {
      method: "POST",
      pattern: "/users",
      role: "admin",
      handler: async (ctx) => {
        const created = await users.create(ctx.by, await ctx.readJson());
        return jsonResponse(created, 201, { location: `/api/admin/users/${created.id}` });
      },
    },
    {
      method: "GET",
      pattern: "/users/:id",
      role: "admin",
      handler: async ({ params }) => jsonResponse(await users.get(params.id ?? "")),
    },
    {
      method: "PATCH",
      pattern: "/users/:id/role",
      role: "admin",
      handler: async (ctx) =>
        jsonResponse(await users.updateRole(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
    },
    {
      method: "POST",
      pattern: "/users/:id/password",
      role: "admin",
      handler: async (ctx) => {
        await users.resetPassword(ctx.by, ctx.params.id ?? "", await ctx.readJson());
        return noContent();
      },
    },
    {
      method: "DELETE",
      pattern: "/users/:id",
      role: "admin",
      handler: async (ctx) => {
        await users.remove(ctx.by, ctx.params.id ?? "");
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
        await users.changeOwnPassword(ctx.by, await ctx.readJson());
        return noContent();
      },
    },
  ];
}
