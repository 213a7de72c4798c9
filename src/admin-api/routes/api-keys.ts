import type { RouteDefinition } from "../route-types";
import { collectionRoutes } from "./collection-routes";

/** `/api-keys`: gateway keys (the full key appears only in the POST answer). */
export const apiKeyRoutes: readonly RouteDefinition[] = collectionRoutes(
  "/api-keys",
  (services) => services.apiKeys,
);
