import { jsonResponse } from "@/http/web-response";
import { queryOf } from "../http-io";
import {
  alertChannelCreateSchema,
  alertChannelSchema,
  alertChannelUpdateSchema,
  alertDeliverySchema,
  alertHistoryPageSchema,
  alertHistoryQuerySchema,
  alertRuleCreateSchema,
  alertRuleSchema,
  alertRuleUpdateSchema,
} from "@/contracts/alerts";
import type { RouteDefinition } from "../route-types";
import { alertHistoryFor } from "../viewer-redaction";
import { collectionRoutes } from "./collection-routes";

/**
 * `/alerts/rules`, `/alerts/channels` (with `POST /alerts/channels/{id}/test`) and `/alerts/history`.
 * Viewers read (channel secrets are always masked); admins write.
 */
export const alertRoutes: readonly RouteDefinition[] = [
  ...collectionRoutes("/alerts/rules", (services) => services.alerts.rules, {
    noun: "alert rule",
    create: alertRuleCreateSchema,
    update: alertRuleUpdateSchema,
    item: alertRuleSchema,
    notFound: "ALERT_RULE_NOT_FOUND",
    conflicts: ["ALERT_RULE_NAME_TAKEN", "ALERT_CHANNEL_NOT_FOUND"],
  }),
  ...collectionRoutes("/alerts/channels", (services) => services.alerts.channels, {
    noun: "alert channel",
    create: alertChannelCreateSchema,
    update: alertChannelUpdateSchema,
    item: alertChannelSchema,
    notFound: "ALERT_CHANNEL_NOT_FOUND",
    conflicts: ["ALERT_CHANNEL_NAME_TAKEN", "OUTBOUND_BLOCKED"],
    deleteConflicts: ["ALERT_CHANNEL_IN_USE"],
  }),
  {
    method: "POST",
    pattern: "/alerts/channels/:id/test",
    role: "admin",
    doc: {
      summary: "Send a test notification through a channel and report the delivery",
      response: alertDeliverySchema,
      errors: ["ALERT_CHANNEL_NOT_FOUND", "OUTBOUND_BLOCKED"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.alerts.channels.test(ctx.by, ctx.params.id ?? "")),
  },
  {
    method: "GET",
    pattern: "/alerts/history",
    role: "viewer",
    doc: {
      summary: "Alert incidents and their deliveries, newest first, paged by cursor",
      query: alertHistoryQuerySchema,
      response: alertHistoryPageSchema,
    },
    // Viewers see a delivery's status, never the webhook's answer.
    handler: async ({ services, url, actor }) =>
      jsonResponse(alertHistoryFor(actor, await services.alerts.history.list(queryOf(url)))),
  },
];
