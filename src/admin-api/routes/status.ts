import { jsonResponse } from "@/http/web-response";
import { queryOf } from "../http-io";
import type { RouteDefinition } from "../route-types";

/** `/overview` and `/audit`: read-only views. */
export const statusRoutes: readonly RouteDefinition[] = [
  {
    method: "GET",
    pattern: "/overview",
    role: "viewer",
    handler: async ({ services }) => jsonResponse(await services.overview.get()),
  },
  {
    method: "GET",
    pattern: "/audit",
    role: "viewer",
    handler: async ({ services, url }) => jsonResponse(await services.audit.list(queryOf(url))),
  },
];
