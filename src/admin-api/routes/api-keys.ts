import type { RouteDefinition } from "../route-types";
import {
  apiKeyCreateSchema,
  apiKeySchema,
  apiKeyUpdateSchema,
  createdApiKeySchema,
} from "@/contracts/api-keys";
import { keyUsageSchema } from "@/contracts/key-usage";
import { jsonResponse } from "@/http/web-response";
import { collectionRoutes } from "./collection-routes";

/** `/api-keys`: gateway keys (the full key appears only in the POST answer) and their usage. */
export const apiKeyRoutes: readonly RouteDefinition[] = [
  ...collectionRoutes("/api-keys", (services) => services.apiKeys, {
    noun: "gateway key",
    create: apiKeyCreateSchema,
    update: apiKeyUpdateSchema,
    item: apiKeySchema,
    created: createdApiKeySchema,
    notFound: "API_KEY_NOT_FOUND",
    conflicts: ["GROUP_NOT_FOUND"],
    example: { name: "claude-code-laptop" },
  }),
  {
    method: "GET",
    pattern: "/api-keys/:id/usage",
    role: "viewer",
    doc: {
      summary: "A key's requests, tokens and cost this quota day and month, beside its quota",
      response: keyUsageSchema,
      errors: ["API_KEY_NOT_FOUND"],
    },
    handler: async ({ services, params }) => jsonResponse(await services.keyUsage.get(params.id ?? "")),
  },
];
