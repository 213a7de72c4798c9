import { jsonResponse, noContent } from "@/http/web-response";
import { z } from "zod";
import { actorSchema } from "@/contracts/actor";
import {
  passwordChangeSchema,
  passwordResetSchema,
  userCreateSchema,
  userRoleUpdateSchema,
  userSchema,
} from "@/contracts/users";
import type { RouteDefinition } from "../route-types";

/** `/users` (admin only) and `/me` (any signed-in role). */
export const userRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/users",
    role: "admin",
    system: true,
    doc: { summary: "List console users", response: z.object({ items: z.array(userSchema) }) },
    handler: async ({ services }) => jsonResponse({ items: await services.users.list() }),
  },
  {
    method: "POST",
    pattern: "/users",
    role: "admin",
    system: true,
    doc: {
      summary: "Create a console user (role viewer for read-only teammates)",
      body: userCreateSchema,
      response: userSchema,
      status: 201,
      errors: ["USERNAME_TAKEN", "EMAIL_TAKEN"],
      example: { username: "teammate", password: "a-long-passphrase", role: "viewer" },
    },
    handler: async (ctx) => {
      const created = await ctx.services.users.create(ctx.by, await ctx.readJson());
      return jsonResponse(created, 201, { location: `/api/admin/users/${created.id}` });
    },
  },
  {
    method: "GET",
    pattern: "/users/:id",
    role: "admin",
    system: true,
    doc: { summary: "Get one console user", response: userSchema, errors: ["USER_NOT_FOUND"] },
    handler: async ({ services, params }) => jsonResponse(await services.users.get(params.id ?? "")),
  },
  {
    method: "PATCH",
    pattern: "/users/:id/role",
    role: "admin",
    system: true,
    doc: {
      summary: "Change a user's role",
      body: userRoleUpdateSchema,
      response: userSchema,
      errors: ["USER_NOT_FOUND", "LAST_ADMIN"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.users.updateRole(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
  },
  {
    method: "POST",
    pattern: "/users/:id/password",
    role: "admin",
    system: true,
    doc: {
      summary: "Set a user's password (signs them out everywhere)",
      body: passwordResetSchema,
      status: 204,
      errors: ["USER_NOT_FOUND"],
    },
    handler: async (ctx) => {
      await ctx.services.users.resetPassword(ctx.by, ctx.params.id ?? "", await ctx.readJson());
      return noContent();
    },
  },
  {
    method: "DELETE",
    pattern: "/users/:id",
    role: "admin",
    system: true,
    doc: { summary: "Delete a console user", status: 204, errors: ["USER_NOT_FOUND", "LAST_ADMIN"] },
    handler: async (ctx) => {
      await ctx.services.users.remove(ctx.by, ctx.params.id ?? "");
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/me",
    role: "viewer",
    doc: { summary: "Who is calling: the signed-in user or the admin token", response: actorSchema },
    handler: async ({ actor, tenant, services }) =>
      jsonResponse({
        id: actor.id,
        name: actor.name,
        role: tenant.role,
        via: actor.via,
        tenant: { id: tenant.id, system: tenant.system },
        // What the console's tenant switcher offers: a tenant user's memberships, every tenant for a
        // system user (the picker stays hidden while there is only one).
        tenants: tenant.system
          ? (await services.tenants.list()).map((t) => ({ id: t.id, slug: t.slug, name: t.name }))
          : tenant.memberships.map((m) => ({ id: m.id, slug: m.slug, name: m.name })),
      }),
  },
  {
    method: "POST",
    pattern: "/me/password",
    role: "viewer",
    doc: {
      summary: "Change your own password (signs you out everywhere)",
      body: passwordChangeSchema,
      status: 204,
      errors: ["INVALID_CURRENT_PASSWORD"],
    },
    handler: async (ctx) => {
      // Signs the caller out everywhere, this session included: the console returns to sign-in.
      await ctx.services.users.changeOwnPassword(ctx.by, await ctx.readJson());
      return noContent();
    },
  },
];
