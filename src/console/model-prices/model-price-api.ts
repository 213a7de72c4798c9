import {
  modelPriceImportResultSchema,
  modelPriceSchema,
  type ModelPrice,
  type ModelPriceCreateInput,
  type ModelPriceImportResult,
  type ModelPriceUpdateInput,
} from "@/contracts/model-prices";
import { apiDelete, apiPost, apiPut, readItems, readOne } from "../api-client";
import { endpoints } from "../endpoints";

/** Reads GET /model-prices. */
export function selectModelPrices(body: unknown): ModelPrice[] {
  return readItems(body, modelPriceSchema);
}

/** Adds a price. */
export async function createModelPrice(input: ModelPriceCreateInput): Promise<ModelPrice> {
  return readOne(await apiPost<unknown>(endpoints.modelPrices, input), modelPriceSchema);
}

/** Changes a price. */
export async function updateModelPrice(id: string, input: ModelPriceUpdateInput): Promise<ModelPrice> {
  return readOne(await apiPut<unknown>(endpoints.modelPrice(id), input), modelPriceSchema);
}

/** Deletes a price (requests of that model are then unpriced unless a glob matches). */
export function deleteModelPrice(id: string): Promise<void> {
  return apiDelete(endpoints.modelPrice(id));
}

/** Imports a LiteLLM price file (its parsed JSON object as is). */
export async function importModelPrices(file: Record<string, unknown>): Promise<ModelPriceImportResult> {
  return readOne(await apiPost<unknown>(endpoints.modelPricesImport, file), modelPriceImportResultSchema);
}
