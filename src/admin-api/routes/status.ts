import { jsonResponse } from "@/http/web-response";
import { queryOf } from "../http-io";
import { auditPageSchema, auditQuerySchema } from "@/contracts/audit";
import { overviewSchema } from "@/contracts/overview";
import type { RouteDefinition } from "../route-types";

/** `/overview` and `/audit`: read-only views. */
export const statusRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/overview",
    role: "viewer",
    doc: { summary: "Counts for the console's home page", response: overviewSchema },
    handler: async ({ services }) => jsonResponse(await services.overview.get()),
  },
  {
    method: "GET",
    pattern: "/audit",
    role: "viewer",
    doc: {
      summary: "The audit log: who changed what, newest first, paged by cursor",
      query: auditQuerySchema,
      response: auditPageSchema,
    },
    handler: async ({ services, url }) => jsonResponse(await services.audit.list(queryOf(url))),
  },
];
