import { jsonResponse, noContent } from "@/http/web-response";
import type { RouteDefinition } from "../route-types";
import {
  groupCreateSchema,
  groupDetailSchema,
  groupSchema,
  groupUpdateSchema,
  memberCreateSchema,
  memberOrderSchema,
  memberUpdateSchema,
} from "@/contracts/groups";
import { collectionRoutes } from "./collection-routes";

/** `/groups`: CRUD and memberships. */
export const groupRoutes: readonly RouteDefinition[] = [
  ...collectionRoutes("/groups", (services) => services.groups, {
    noun: "group",
    create: groupCreateSchema,
    update: groupUpdateSchema,
    item: groupSchema,
    detail: groupDetailSchema,
    notFound: "GROUP_NOT_FOUND",
    conflicts: ["GROUP_SLUG_TAKEN"],
    deleteConflicts: ["GROUP_HAS_KEYS"],
    example: { name: "Claude", slug: "claude", strategy: "weighted_round_robin", maxAttempts: 3 },
  }),
  {
    method: "POST",
    pattern: "/groups/:id/providers",
    role: "admin",
    doc: {
      summary: "Add a provider to a group (priority tier, weight, enabled)",
      body: memberCreateSchema,
      response: groupDetailSchema,
      status: 201,
      errors: ["GROUP_NOT_FOUND", "PROVIDER_NOT_FOUND", "MEMBER_EXISTS"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.groups.addMember(ctx.by, ctx.params.id!, await ctx.readJson()), 201),
  },
  {
    method: "PUT",
    pattern: "/groups/:id/providers/order",
    role: "admin",
    doc: {
      summary: "Reorder a group's members (every member exactly once)",
      body: memberOrderSchema,
      response: groupDetailSchema,
      errors: ["GROUP_NOT_FOUND", "MEMBER_ORDER_MISMATCH"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.groups.reorderMembers(ctx.by, ctx.params.id!, await ctx.readJson())),
  },
  {
    method: "PUT",
    pattern: "/groups/:id/providers/:providerId",
    role: "admin",
    doc: {
      summary: "Change a member's priority tier, weight or enabled flag",
      body: memberUpdateSchema,
      response: groupDetailSchema,
      errors: ["GROUP_NOT_FOUND", "MEMBER_NOT_FOUND"],
    },
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
    doc: {
      summary: "Remove a provider from a group",
      status: 204,
      errors: ["GROUP_NOT_FOUND", "MEMBER_NOT_FOUND"],
    },
    handler: async (ctx) => {
      await ctx.services.groups.removeMember(ctx.by, ctx.params.id!, ctx.params.providerId!);
      return noContent();
    },
  },
];
