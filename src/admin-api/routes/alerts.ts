import type { AlertService } from "@/alerts/alert-service";
import { jsonResponse, noContent } from "@/http/web-response";
import { queryOf } from "../http-io";
import type { RouteDefinition } from "../route-types";

/**
 * `/alerts/rules`, `/alerts/channels` (with `POST /alerts/channels/{id}/test`) and `/alerts/history`.
 * Viewers read (channel secrets are always masked); admins write. Built over the alert service, so
 * it mounts through `extraRoutes` without AdminServices knowing about alerting.
 */
export function createAlertRoutes(alerts: AlertService): readonly RouteDefinition[] {
  const id = (params: Readonly<Record<string, string>>) => params.id ?? "";
  return [
    {
      method: "GET",
      pattern: "/alerts/rules",
      role: "viewer",
      handler: async () => jsonResponse({ items: await alerts.rules.list() }),
    },
    {
      method: "POST",
      pattern: "/alerts/rules",
      role: "admin",
      handler: async (ctx) => {
        const rule = await alerts.rules.create(ctx.by, await ctx.readJson());
        return jsonResponse(rule, 201, { location: `/api/admin/alerts/rules/${rule.id}` });
      },
    },
    {
      method: "GET",
      pattern: "/alerts/rules/:id",
      role: "viewer",
      handler: async ({ params }) => jsonResponse(await alerts.rules.get(id(params))),
    },
    {
      method: "PUT",
      pattern: "/alerts/rules/:id",
      role: "admin",
      handler: async (ctx) =>
        jsonResponse(await alerts.rules.update(ctx.by, id(ctx.params), await ctx.readJson())),
    },
    {
      method: "DELETE",
      pattern: "/alerts/rules/:id",
      role: "admin",
      handler: async (ctx) => {
        await alerts.rules.remove(ctx.by, id(ctx.params));
        return noContent();
      },
    },
    {
      method: "GET",
      pattern: "/alerts/channels",
      role: "viewer",
      handler: async () => jsonResponse({ items: await alerts.channels.list() }),
    },
    {
      method: "POST",
      pattern: "/alerts/channels",
      role: "admin",
      handler: async (ctx) => {
        const channel = await alerts.channels.create(ctx.by, await ctx.readJson());
        return jsonResponse(channel, 201, { location: `/api/admin/alerts/channels/${channel.id}` });
      },
    },
    {
      method: "GET",
      pattern: "/alerts/channels/:id",
      role: "viewer",
      handler: async ({ params }) => jsonResponse(await alerts.channels.get(id(params))),
    },
    {
      method: "PUT",
      pattern: "/alerts/channels/:id",
      role: "admin",
      handler: async (ctx) =>
        jsonResponse(await alerts.channels.update(ctx.by, id(ctx.params), await ctx.readJson())),
    },
    {
      method: "DELETE",
      pattern: "/alerts/channels/:id",
      role: "admin",
      handler: async (ctx) => {
        await alerts.channels.remove(ctx.by, id(ctx.params));
        return noContent();
      },
    },
    {
      method: "POST",
      pattern: "/alerts/channels/:id/test",
      role: "admin",
      handler: async (ctx) => jsonResponse(await alerts.channels.test(ctx.by, id(ctx.params))),
    },
    {
      method: "GET",
      pattern: "/alerts/history",
      role: "viewer",
      handler: async ({ url }) => jsonResponse(await alerts.history.list(queryOf(url))),
    },
  ];
}
