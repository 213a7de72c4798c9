import { jsonResponse } from "@/http/web-response";
import { queryOf } from "../http-io";
import type { RouteDefinition } from "../route-types";
import { alertHistoryFor } from "../viewer-redaction";
import { collectionRoutes } from "./collection-routes";

/**
 * `/alerts/rules`, `/alerts/channels` (with `POST /alerts/channels/{id}/test`) and `/alerts/history`.
 * Viewers read (channel secrets are always masked); admins write.
 */
export const alertRoutes: readonly RouteDefinition[] = [
  ...collectionRoutes("/alerts/rules", (services) => services.alerts.rules),
  ...collectionRoutes("/alerts/channels", (services) => services.alerts.channels),
  {
    method: "POST",
    pattern: "/alerts/channels/:id/test",
    role: "admin",
    handler: async (ctx) =>
      jsonResponse(await ctx.services.alerts.channels.test(ctx.by, ctx.params.id ?? "")),
  },
  {
    method: "GET",
    pattern: "/alerts/history",
    role: "viewer",
    // Viewers see a delivery's status, never the webhook's answer.
    handler: async ({ services, url, actor }) =>
      jsonResponse(alertHistoryFor(actor, await services.alerts.history.list(queryOf(url)))),
  },
];
