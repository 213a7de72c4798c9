import type { RouteDefinition } from "../route-types";
import {
  apiKeyCreateSchema,
  apiKeySchema,
  apiKeyUpdateSchema,
  createdApiKeySchema,
} from "@/contracts/api-keys";
import { collectionRoutes } from "./collection-routes";

/** `/api-keys`: gateway keys (the full key appears only in the POST answer). */
export const apiKeyRoutes: readonly RouteDefinition[] = collectionRoutes(
  "/api-keys",
  (services) => services.apiKeys,
  {
    noun: "gateway key",
    create: apiKeyCreateSchema,
    update: apiKeyUpdateSchema,
    item: apiKeySchema,
    created: createdApiKeySchema,
    notFound: "API_KEY_NOT_FOUND",
    conflicts: ["GROUP_NOT_FOUND"],
    example: { name: "claude-code-laptop" },
  },
);
