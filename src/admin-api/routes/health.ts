import { jsonResponse, NO_STORE_HEADERS } from "@/http/web-response";
import {
  healthReportSchema,
  providerEjectSchema,
  providerHealthSchema,
  providerRestoreSchema,
} from "@/contracts/health";
import type { RouteDefinition } from "../route-types";

/** Server-sent events, passed through reverse proxies (nginx) as they come. */
const EVENT_STREAM_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  ...NO_STORE_HEADERS,
  "x-accel-buffering": "no",
};

/** The resume point: Last-Event-ID header (EventSource) or `lastEventId` query; null when absent/bad. */
function resumePoint(request: Request, url: URL): number | null {
  const raw = request.headers.get("last-event-id") ?? url.searchParams.get("lastEventId");
  if (raw === null || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/**
 * `GET /health` and the live `GET /health/stream` (viewers); manual `POST /providers/{id}/eject` and
 * `/restore` (admins; audited; in shared mode applied on every instance before the answer).
 */
export const healthRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/health",
    role: "viewer",
    doc: {
      summary: "Every provider's and group's health (circuit state, ejections, last error)",
      response: healthReportSchema,
    },
    handler: async ({ services }) => jsonResponse(await services.health.report()),
  },
  {
    method: "GET",
    pattern: "/health/stream",
    role: "viewer",
    // The stream carries every tenant's events: system users only until it is filtered per tenant.
    system: true,
    doc: {
      summary: "Live health changes and requests as server-sent events (resumes from Last-Event-ID)",
      responseMediaType: "text/event-stream",
    },
    handler: async ({ services, request, url }) =>
      new Response(services.liveStream.open(resumePoint(request, url)), {
        status: 200,
        headers: EVENT_STREAM_HEADERS,
      }),
  },
  {
    method: "POST",
    pattern: "/providers/:id/eject",
    role: "admin",
    doc: {
      summary: "Take a provider out of rotation by hand (optionally until a time)",
      body: providerEjectSchema,
      response: providerHealthSchema,
      errors: ["PROVIDER_NOT_FOUND"],
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.health.eject(ctx.by, ctx.params.id ?? "", await ctx.readJson())),
  },
  {
    method: "POST",
    pattern: "/providers/:id/restore",
    role: "admin",
    doc: {
      summary: "Put an ejected provider back into rotation",
      body: providerRestoreSchema,
      bodyOptional: true,
      response: providerHealthSchema,
      errors: ["PROVIDER_NOT_FOUND"],
    },
    handler: async (ctx) =>
      jsonResponse(
        await ctx.services.health.restore(ctx.by, ctx.params.id ?? "", await ctx.readOptionalJson()),
      ),
  },
];
