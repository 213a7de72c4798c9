import { z } from "zod";
import { timestampSchema } from "./common";

/** USD per million tokens, at most six decimals used (micro-dollars). */
const pricePerMTok = z.number().min(0).max(1_000_000);

const modelPriceFields = {
  /** Exact model name as the upstream reports it, or a glob: `*` any run, `?` one character. */
  model: z.string().trim().min(1).max(200),
  inputPerMTok: pricePerMTok,
  outputPerMTok: pricePerMTok,
  /** null = cache reads cost the input price. */
  cacheReadPerMTok: pricePerMTok.nullable(),
  /** null = cache writes cost the input price. */
  cacheWritePerMTok: pricePerMTok.nullable(),
};

/** POST /model-prices. */
export const modelPriceCreateSchema = z.strictObject({
  model: modelPriceFields.model,
  inputPerMTok: modelPriceFields.inputPerMTok,
  outputPerMTok: modelPriceFields.outputPerMTok,
  cacheReadPerMTok: modelPriceFields.cacheReadPerMTok.default(null),
  cacheWritePerMTok: modelPriceFields.cacheWritePerMTok.default(null),
});
export type ModelPriceCreateInput = z.input<typeof modelPriceCreateSchema>;

/** PUT /model-prices/{id}: only the fields sent change. */
export const modelPriceUpdateSchema = z.strictObject({
  model: modelPriceFields.model.optional(),
  inputPerMTok: modelPriceFields.inputPerMTok.optional(),
  outputPerMTok: modelPriceFields.outputPerMTok.optional(),
  cacheReadPerMTok: modelPriceFields.cacheReadPerMTok.optional(),
  cacheWritePerMTok: modelPriceFields.cacheWritePerMTok.optional(),
});
export type ModelPriceUpdateInput = z.input<typeof modelPriceUpdateSchema>;

/** One price: USD per million tokens. */
export const modelPriceSchema = z.object({
  id: z.uuid(),
  model: z.string(),
  inputPerMTok: z.number(),
  outputPerMTok: z.number(),
  cacheReadPerMTok: z.number().nullable(),
  cacheWritePerMTok: z.number().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Most entries one price-file import reads (one transaction of upserts). */
export const MAX_PRICE_IMPORT_ENTRIES = 20_000;

/**
 * POST /model-prices/import: the body is LiteLLM's `model_prices_and_context_window.json` as is (an
 * object of model name → per-token costs). Models already priced are updated, new ones added, none
 * deleted.
 */
export const modelPriceImportBodySchema = z
  .record(z.string(), z.unknown())
  .refine((file) => Object.keys(file).length <= MAX_PRICE_IMPORT_ENTRIES, {
    message: `at most ${MAX_PRICE_IMPORT_ENTRIES} entries per import (LiteLLM's file has a few thousand)`,
  });

export const modelPriceImportResultSchema = z.object({
  created: z.number(),
  updated: z.number(),
  /** Entries without per-token input and output costs (images, audio, the `sample_spec` entry...). */
  skipped: z.number(),
  /** The first skipped entries and why. */
  skippedExamples: z.array(z.object({ model: z.string(), reason: z.string() })),
});
export type ModelPriceImportResult = z.infer<typeof modelPriceImportResultSchema>;
