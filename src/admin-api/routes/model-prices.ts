import { jsonResponse } from "@/http/web-response";
import {
  modelPriceCreateSchema,
  modelPriceImportBodySchema,
  modelPriceImportResultSchema,
  modelPriceSchema,
  modelPriceUpdateSchema,
} from "@/contracts/model-prices";
import type { RouteDefinition } from "../route-types";
import { collectionRoutes } from "./collection-routes";

/**
 * `/model-prices`: the price book (USD per million tokens) and the LiteLLM price-file import. One book
 * prices every tenant's requests (and their cost quotas), so only a system administrator changes it;
 * tenant users read it.
 */
export const modelPriceRoutes: readonly RouteDefinition[] = [
  {
    method: "POST",
    pattern: "/model-prices/import",
    role: "admin",
    system: true,
    doc: {
      summary: "Import LiteLLM's model_prices_and_context_window.json (priced models added or updated)",
      body: modelPriceImportBodySchema,
      response: modelPriceImportResultSchema,
      example: {
        "claude-sonnet-4-5": {
          input_cost_per_token: 3e-6,
          output_cost_per_token: 1.5e-5,
          cache_read_input_token_cost: 3e-7,
          cache_creation_input_token_cost: 3.75e-6,
        },
      },
    },
    handler: async (ctx) =>
      jsonResponse(await ctx.services.modelPrices.importLiteLlm(ctx.by, await ctx.readJson())),
  },
  ...collectionRoutes(
    "/model-prices",
    (services) => services.modelPrices,
    {
      noun: "model price",
      create: modelPriceCreateSchema,
      update: modelPriceUpdateSchema,
      item: modelPriceSchema,
      notFound: "MODEL_PRICE_NOT_FOUND",
      conflicts: ["MODEL_PRICE_EXISTS"],
      example: {
        model: "claude-sonnet-4-*",
        inputPerMTok: 3,
        outputPerMTok: 15,
        cacheReadPerMTok: 0.3,
        cacheWritePerMTok: 3.75,
      },
    },
    { systemWrites: true },
  ),
];
