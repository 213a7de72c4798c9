import type { RouteDefinition } from "../route-types";
import { apiKeyRoutes } from "./api-keys";
import { configRoutes } from "./config";
import { groupRoutes } from "./groups";
import { logRoutes } from "./logs";
import { providerRoutes } from "./providers";
import { statsRoutes } from "./stats";
import { statusRoutes } from "./status";

/** Every admin API route (paths below `/api/admin`). */
export const ADMIN_ROUTES: readonly RouteDefinition[] = [
  ...providerRoutes,
  ...groupRoutes,
  ...apiKeyRoutes,
  ...configRoutes,
  ...statusRoutes,
  ...statsRoutes,
  ...logRoutes,
];
