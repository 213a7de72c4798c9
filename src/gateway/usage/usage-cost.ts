import { costOf, type PriceBook, type TokenUsage } from "../../core/cost/price-book";
import type { UsageInfo } from "./extract-usage";

/** The token counts of a response as the price book reads them; null when it reported none. */
export function tokenUsageOf(usage: UsageInfo | null | undefined): TokenUsage | null {
  if (usage === null || usage === undefined) return null;
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return null;
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cacheReadTokens: usage.cacheReadTokens ?? 0,
    cacheWriteTokens: usage.cacheWriteTokens ?? 0,
  };
}

/**
 * Cost in micros of a response of `model` (the upstream's model name, which is what is billed);
 * null when there are no token counts or the model has no price.
 */
export function usageCostMicros(
  book: PriceBook | undefined,
  model: string | null,
  tokens: TokenUsage | null,
): number | null {
  if (book === undefined || tokens === null) return null;
  return costOf(book, model, tokens);
}
