import type { RouteDefinition } from "../route-types";
import { alertRoutes } from "./alerts";
import { apiKeyRoutes } from "./api-keys";
import { configRoutes } from "./config";
import { groupRoutes } from "./groups";
import { healthRoutes } from "./health";
import { logRoutes } from "./logs";
import { modelPriceRoutes } from "./model-prices";
import { providerRoutes } from "./providers";
import { statsRoutes } from "./stats";
import { statusRoutes } from "./status";
import { tenantRoutes } from "./tenants";
import { userRoutes } from "./users";

/**
 * Every admin API route (paths below `/api/admin`), in one table: each handler reaches its service
 * through `ctx.services`, the one registry of control-plane services (`src/services/admin-services.ts`).
 */
export const ADMIN_ROUTES: readonly RouteDefinition[] = [
  ...providerRoutes,
  ...groupRoutes,
  ...apiKeyRoutes,
  ...configRoutes,
  ...statusRoutes,
  ...statsRoutes,
  ...logRoutes,
  ...healthRoutes,
  ...userRoutes,
  ...alertRoutes,
  ...tenantRoutes,
  ...modelPriceRoutes,
];
