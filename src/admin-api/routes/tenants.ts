import { z } from "zod";
import {
  tenantCreateSchema,
  tenantMemberCreateSchema,
  tenantMemberDeleteQuerySchema,
  tenantMemberSchema,
  tenantSchema,
  tenantTokenCreatedSchema,
  tenantTokenCreateSchema,
  tenantTokenDeleteQuerySchema,
  tenantTokenSchema,
  tenantUpdateSchema,
} from "@/contracts/tenants";
import { AppError } from "@/core/errors/catalogue";
import { jsonResponse, noContent } from "@/http/web-response";
import type { RouteContext, RouteDefinition } from "../route-types";

/** A required query parameter (VALIDATION_FAILED when absent). */
function requiredQuery(ctx: RouteContext, name: string): string {
  const value = ctx.url.searchParams.get(name);
  if (value === null || value === "") {
    throw new AppError("INVALID_QUERY", `Query parameter "${name}" is required.`, {
      issues: [{ path: name, message: "is required" }],
    });
  }
  return value;
}

/** `/tenants`: tenants, their members and admin tokens — system administrators only. */
export const tenantRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/tenants",
    role: "viewer",
    system: true,
    doc: { summary: "List tenants", response: z.object({ items: z.array(tenantSchema) }) },
    handler: async ({ services }) => jsonResponse({ items: await services.tenants.list() }),
  },
  {
    method: "POST",
    pattern: "/tenants",
    role: "admin",
    system: true,
    doc: {
      summary: "Create a tenant",
      body: tenantCreateSchema,
      response: tenantSchema,
      status: 201,
      errors: ["TENANT_SLUG_TAKEN"],
      example: { name: "Team A", slug: "team-a" },
    },
    handler: async (ctx) => {
      const created = await ctx.services.tenants.create(ctx.by, await ctx.readJson());
      return jsonResponse(created, 201, { location: `/api/admin/tenants/${created.id}` });
    },
  },
  {
    method: "GET",
    pattern: "/tenants/:id",
    role: "viewer",
    system: true,
    doc: { summary: "Get one tenant", response: tenantSchema, errors: ["TENANT_NOT_FOUND"] },
    handler: async ({ services, params }) => jsonResponse(await services.tenants.get(params.id ?? "")),
  },
  {
    method: "PUT",
    pattern: "/tenants/:id",
    role: "admin",
    system: true,
    doc: {
      summary: "Change a tenant (disable: its gateway keys answer 403 TENANT_DISABLED)",
      body: tenantUpdateSchema,
      response: tenantSchema,
      errors: ["TENANT_NOT_FOUND", "TENANT_SLUG_TAKEN", "TENANT_IS_DEFAULT"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.tenants.update(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
  },
  {
    method: "DELETE",
    pattern: "/tenants/:id",
    role: "admin",
    system: true,
    doc: {
      summary: "Delete a tenant and everything it owns",
      status: 204,
      errors: ["TENANT_NOT_FOUND", "TENANT_IS_DEFAULT"],
    },
    handler: async (ctx) => {
      await ctx.services.tenants.remove(ctx.by, ctx.params.id ?? "");
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/tenants/:id/members",
    role: "viewer",
    system: true,
    doc: {
      summary: "List a tenant's members",
      response: z.object({ items: z.array(tenantMemberSchema) }),
      errors: ["TENANT_NOT_FOUND"],
    },
    handler: async ({ services, params }) =>
      jsonResponse({ items: await services.tenants.listMembers(params.id ?? "") }),
  },
  {
    method: "POST",
    pattern: "/tenants/:id/members",
    role: "admin",
    system: true,
    doc: {
      summary: "Make a user a member of the tenant (or change its role there)",
      body: tenantMemberCreateSchema,
      response: tenantMemberSchema,
      errors: ["TENANT_NOT_FOUND", "USER_NOT_FOUND"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.tenants.addMember(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
  },
  {
    method: "DELETE",
    pattern: "/tenants/:id/members",
    role: "admin",
    system: true,
    doc: {
      summary: "Remove a member (?userId=…)",
      query: tenantMemberDeleteQuerySchema,
      status: 204,
      errors: ["TENANT_NOT_FOUND", "TENANT_MEMBER_NOT_FOUND", "INVALID_QUERY"],
    },
    handler: async (ctx) => {
      await ctx.services.tenants.removeMember(ctx.by, ctx.params.id ?? "", requiredQuery(ctx, "userId"));
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/tenants/:id/tokens",
    role: "viewer",
    system: true,
    doc: {
      summary: "List a tenant's admin tokens (masked)",
      response: z.object({ items: z.array(tenantTokenSchema) }),
      errors: ["TENANT_NOT_FOUND"],
    },
    handler: async ({ services, params }) =>
      jsonResponse({ items: await services.tenants.listTokens(params.id ?? "") }),
  },
  {
    method: "POST",
    pattern: "/tenants/:id/tokens",
    role: "admin",
    system: true,
    doc: {
      summary: "Create a tenant admin token (rbt-…, answered this once; acts in this tenant only)",
      body: tenantTokenCreateSchema,
      response: tenantTokenCreatedSchema,
      status: 201,
      errors: ["TENANT_NOT_FOUND"],
    },
    handler: async (ctx) =>
      jsonResponse(
        await ctx.services.tenants.createToken(ctx.by, ctx.params.id ?? "", await ctx.readJson()),
        201,
      ),
  },
  {
    method: "DELETE",
    pattern: "/tenants/:id/tokens",
    role: "admin",
    system: true,
    doc: {
      summary: "Revoke a tenant admin token (?tokenId=…)",
      query: tenantTokenDeleteQuerySchema,
      status: 204,
      errors: ["TENANT_NOT_FOUND", "TENANT_TOKEN_NOT_FOUND", "INVALID_QUERY"],
    },
    handler: async (ctx) => {
      await ctx.services.tenants.revokeToken(ctx.by, ctx.params.id ?? "", requiredQuery(ctx, "tokenId"));
      return noContent();
    },
  },
];
