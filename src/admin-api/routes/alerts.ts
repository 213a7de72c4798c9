import { jsonResponse, noContent } from "@/http/web-response";
import { queryOf } from "../http-io";
import type { RouteDefinition } from "../route-types";

const id = (params: Readonly<Record<string, string>>) => params.id ?? "";

/**
 * `/alerts/rules`, `/alerts/channels` (with `POST /alerts/channels/{id}/test`) and `/alerts/history`.
 * Viewers read (channel secrets are always masked); admins write.
 */
export const alertRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/alerts/rules",
    role: "viewer",
    handler: async ({ services }) => jsonResponse({ items: await services.alerts.rules.list() }),
  },
  {
    method: "POST",
    pattern: "/alerts/rules",
    role: "admin",
    handler: async (ctx) => {
      const rule = await ctx.services.alerts.rules.create(ctx.by, await ctx.readJson());
      return jsonResponse(rule, 201, { location: `/api/admin/alerts/rules/${rule.id}` });
    },
  },
  {
    method: "GET",
    pattern: "/alerts/rules/:id",
    role: "viewer",
    handler: async ({ services, params }) => jsonResponse(await services.alerts.rules.get(id(params))),
  },
  {
    method: "PUT",
    pattern: "/alerts/rules/:id",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.alerts.rules.update(ctx.by, id(ctx.params), await ctx.readJson())),
  },
  {
    method: "DELETE",
    pattern: "/alerts/rules/:id",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.alerts.rules.remove(ctx.by, id(ctx.params));
      return noContent();
    },
  },
  {
    method: "GET",
    pattern: "/alerts/channels",
    role: "viewer",
    handler: async ({ services }) => jsonResponse({ items: await services.alerts.channels.list() }),
  },
  {
    method: "POST",
    pattern: "/alerts/channels",
    role: "admin",
    handler: async (ctx) => {
      const channel = await ctx.services.alerts.channels.create(ctx.by, await ctx.readJson());
      return jsonResponse(channel, 201, { location: `/api/admin/alerts/channels/${channel.id}` });
    },
  },
  {
    method: "GET",
    pattern: "/alerts/channels/:id",
    role: "viewer",
    handler: async ({ services, params }) => jsonResponse(await services.alerts.channels.get(id(params))),
  },
  {
    method: "PUT",
    pattern: "/alerts/channels/:id",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.alerts.channels.update(ctx.by, id(ctx.params), await ctx.readJson())),
  },
  {
    method: "DELETE",
    pattern: "/alerts/channels/:id",
    role: "admin",
    handler: async (ctx) => {
      await ctx.services.alerts.channels.remove(ctx.by, id(ctx.params));
      return noContent();
    },
  },
  {
    method: "POST",
    pattern: "/alerts/channels/:id/test",
    role: "admin",
    handler: async (ctx) => jsonResponse(await ctx.services.alerts.channels.test(ctx.by, id(ctx.params))),
  },
  {
    method: "GET",
    pattern: "/alerts/history",
    role: "viewer",
    handler: async ({ services, url }) => jsonResponse(await services.alerts.history.list(queryOf(url))),
  },
];
