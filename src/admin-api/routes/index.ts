import type { RouteDefinition } from "../route-types";
import { apiKeyRoutes } from "./api-keys";
import { configRoutes } from "./config";
import { groupRoutes } from "./groups";
import { providerRoutes } from "./providers";
import { statusRoutes } from "./status";

/** Every admin API route (paths below `/api/admin`). */
export const ADMIN_ROUTES: readonly RouteDefinition[] = [
  ...providerRoutes,
  ...groupRoutes,
  ...apiKeyRoutes,
  ...configRoutes,
  ...statusRoutes,
];
