import { globSpecificity, isModelGlob, matchModelGlob } from "./model-glob";

/**
 * The price book: per model name or glob, the USD price per million tokens of input, output, cache
 * reads and cache writes, all in integer micros. A request's cost is the exact sum of tokens × price
 * divided by one million, rounded half up once, so a mix of requests adds up to the micro-dollar.
 */

export interface ModelPrice {
  /** Exact model name or a glob (`claude-3-5-sonnet-*`). */
  readonly model: string;
  readonly inputPerMTokMicros: number;
  readonly outputPerMTokMicros: number;
  /** Null = cache reads cost the input price. */
  readonly cacheReadPerMTokMicros: number | null;
  /** Null = cache writes cost the input price. */
  readonly cacheWritePerMTokMicros: number | null;
}

/** Token counts of one response. `inputTokens` includes cached tokens (read and written). */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export interface PriceBook {
  /** The price that applies to `model` (exact name first, then the most specific glob), or null. */
  priceFor(model: string): ModelPrice | null;
  readonly size: number;
}

const MEMO_LIMIT = 2_000;

/** Builds a price book; later duplicates of the same model name are ignored. */
export function createPriceBook(prices: readonly ModelPrice[]): PriceBook {
  const exact = new Map<string, ModelPrice>();
  const globs: ModelPrice[] = [];
  for (const p of prices) {
    if (isModelGlob(p.model)) globs.push(p);
    else if (!exact.has(p.model)) exact.set(p.model, p);
  }
  // Most literal characters first; ties keep the given order (stable sort).
  globs.sort((a, b) => globSpecificity(b.model) - globSpecificity(a.model));
  const memo = new Map<string, ModelPrice | null>();
  const lookup = (model: string): ModelPrice | null => {
    const hit = exact.get(model);
    if (hit !== undefined) return hit;
    for (const g of globs) if (matchModelGlob(g.model, model)) return g;
    // "openai/gpt-4o" (a router's prefixed name) falls back to "gpt-4o".
    const slash = model.lastIndexOf("/");
    return slash === -1 ? null : (exact.get(model.slice(slash + 1)) ?? null);
  };
  return {
    size: prices.length,
    priceFor(model) {
      const known = memo.get(model);
      if (known !== undefined) return known;
      const found = lookup(model);
      // The memo is bounded: model names come from upstream bytes.
      if (memo.size < MEMO_LIMIT) memo.set(model, found);
      return found;
    },
  };
}

export const EMPTY_PRICE_BOOK: PriceBook = createPriceBook([]);

/**
 * Cost in micros of one response at `price`: uncached input (input minus cache reads and writes,
 * never below zero) at the input price, cache reads/writes at theirs, output at the output price.
 */
export function costMicros(price: ModelPrice, usage: TokenUsage): number {
  const cached = usage.cacheReadTokens + usage.cacheWriteTokens;
  const uncached = Math.max(0, usage.inputTokens - cached);
  const sum =
    BigInt(uncached) * BigInt(price.inputPerMTokMicros) +
    BigInt(usage.cacheReadTokens) * BigInt(price.cacheReadPerMTokMicros ?? price.inputPerMTokMicros) +
    BigInt(usage.cacheWriteTokens) * BigInt(price.cacheWritePerMTokMicros ?? price.inputPerMTokMicros) +
    BigInt(usage.outputTokens) * BigInt(price.outputPerMTokMicros);
  // Round half up: (sum + 500_000) / 1_000_000 in integers.
  return Number((sum + 500_000n) / 1_000_000n);
}

/** Cost of a response for `model` in the book, or null when the model is unknown or has no price. */
export function costOf(book: PriceBook, model: string | null | undefined, usage: TokenUsage): number | null {
  if (model === null || model === undefined || model === "") return null;
  const price = book.priceFor(model);
  return price === null ? null : costMicros(price, usage);
}
