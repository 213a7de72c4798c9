import { usdToMicros } from "./money";
import type { ModelPrice } from "./price-book";

/**
 * Reads LiteLLM's `model_prices_and_context_window.json` (a user drops the file in; nothing is
 * fetched): an object of model name → entry with per-TOKEN USD costs `input_cost_per_token`,
 * `output_cost_per_token`, `cache_read_input_token_cost`, `cache_creation_input_token_cost`. Entries
 * without both input and output costs (images, embeddings priced otherwise, the `sample_spec` doc
 * entry) are skipped; tiered prices (`..._above_200k_tokens`) are not modelled: the base price is used.
 */

export interface LiteLlmImport {
  readonly prices: ModelPrice[];
  /** Names skipped and why (first few shown to the user). */
  readonly skipped: { readonly model: string; readonly reason: string }[];
}

const MAX_MODEL_LENGTH = 200;
/** Longest cost spelling read (a real one is ~10 characters; longer is refused before any parsing). */
const MAX_COST_LENGTH = 64;
const OUT_OF_RANGE = "a cost is not a number from 0 to 1000 USD per token";

/** A per-token USD cost (3e-06) as micros per million tokens (3000000), exactly; null if invalid. */
export function perTokenToPerMTokMicros(value: unknown): number | null {
  if (typeof value !== "number" && typeof value !== "string") return null;
  const text = String(value).trim();
  if (text.length > MAX_COST_LENGTH) return null;
  const exp = /^(\d+(?:\.\d+)?)[eE]([+-]?\d+)$/.exec(text);
  // Multiplying by one million is moving the decimal point: done on the digits, never in floats.
  const scaled = exp === null ? `${text}e6` : `${exp[1]}e${Number(exp[2]) + 6}`;
  return /^\d+(?:\.\d+)?e[+-]?\d+$/i.test(scaled) ? usdToMicros(scaled) : null;
}

function optionalCost(entry: Record<string, unknown>, field: string): number | null | undefined {
  const raw = entry[field];
  if (raw === undefined || raw === null) return null;
  const micros = perTokenToPerMTokMicros(raw);
  return micros === null ? undefined : micros;
}

/** Converts a parsed LiteLLM price file; throws nothing (bad entries are listed as skipped). */
export function fromLiteLlmPrices(document: unknown): LiteLlmImport {
  const prices: ModelPrice[] = [];
  const skipped: { model: string; reason: string }[] = [];
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    return { prices, skipped: [{ model: "", reason: "not a JSON object of model name → prices" }] };
  }
  for (const [model, raw] of Object.entries(document as Record<string, unknown>)) {
    if (model === "sample_spec") continue;
    if (model === "" || model.length > MAX_MODEL_LENGTH) {
      skipped.push({ model: model.slice(0, 40), reason: "model name empty or too long" });
      continue;
    }
    if (typeof raw !== "object" || raw === null) {
      skipped.push({ model, reason: "entry is not an object" });
      continue;
    }
    const entry = raw as Record<string, unknown>;
    const input = optionalCost(entry, "input_cost_per_token");
    const output = optionalCost(entry, "output_cost_per_token");
    const cacheRead = optionalCost(entry, "cache_read_input_token_cost");
    const cacheWrite = optionalCost(entry, "cache_creation_input_token_cost");
    if (input === undefined || output === undefined) {
      skipped.push({ model, reason: OUT_OF_RANGE });
      continue;
    }
    if (input === null || output === null) {
      skipped.push({ model, reason: "no per-token input and output cost" });
      continue;
    }
    if (cacheRead === undefined || cacheWrite === undefined) {
      skipped.push({ model, reason: OUT_OF_RANGE });
      continue;
    }
    prices.push({
      model,
      inputPerMTokMicros: input,
      outputPerMTokMicros: output,
      cacheReadPerMTokMicros: cacheRead,
      cacheWritePerMTokMicros: cacheWrite,
    });
  }
  return { prices, skipped };
}
