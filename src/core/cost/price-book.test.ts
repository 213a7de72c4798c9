import { describe, expect, it } from "vitest";
import { matchModelGlob } from "./model-glob";
import { costMicros, costOf, createPriceBook, type ModelPrice } from "./price-book";

const price = (
  model: string,
  input: number,
  output: number,
  read: number | null = null,
  write: number | null = null,
): ModelPrice => ({
  model,
  inputPerMTokMicros: input,
  outputPerMTokMicros: output,
  cacheReadPerMTokMicros: read,
  cacheWritePerMTokMicros: write,
});

describe("model globs", () => {
  it("matches * and ? and literals", () => {
    expect(matchModelGlob("claude-*", "claude-sonnet-4-5")).toBe(true);
    expect(matchModelGlob("claude-*-4-5", "claude-sonnet-4-5")).toBe(true);
    expect(matchModelGlob("gpt-4o?", "gpt-4o")).toBe(false);
    expect(matchModelGlob("gpt-4?", "gpt-4o")).toBe(true);
    expect(matchModelGlob("*", "")).toBe(true);
    expect(matchModelGlob("a*b*c", "aXbYbZc")).toBe(true);
    expect(matchModelGlob("a*b*c", "aXbYbZ")).toBe(false);
    expect(matchModelGlob("GPT-4o", "gpt-4o")).toBe(false);
  });
});

describe("price book", () => {
  const book = createPriceBook([
    price("claude-*", 1, 1),
    price("claude-sonnet-*", 3_000_000, 15_000_000, 300_000, 3_750_000),
    price("gpt-4o", 2_500_000, 10_000_000, 1_250_000),
    price("gpt-4o", 9, 9),
  ]);

  it("prefers the exact name, then the most specific glob, then the name after a router prefix", () => {
    expect(book.priceFor("gpt-4o")?.inputPerMTokMicros).toBe(2_500_000);
    expect(book.priceFor("claude-sonnet-4-5")?.inputPerMTokMicros).toBe(3_000_000);
    expect(book.priceFor("claude-haiku-4-5")?.inputPerMTokMicros).toBe(1);
    expect(book.priceFor("openai/gpt-4o")?.inputPerMTokMicros).toBe(2_500_000);
    expect(book.priceFor("llama")).toBeNull();
    expect(book.priceFor("llama")).toBeNull(); // memoised miss
  });

  it("computes cost to the micro-dollar: Anthropic with cache reads and writes", () => {
    // 1,000 uncached + 2,000 written + 10,000 read input tokens, 500 output, claude-sonnet prices:
    // 1000×3 + 2000×3.75 + 10000×0.30 + 500×15 µ$ = 3000 + 7500 + 3000 + 7500 = 21,000 µ$
    const usage = {
      inputTokens: 13_000,
      cacheWriteTokens: 2_000,
      cacheReadTokens: 10_000,
      outputTokens: 500,
    };
    expect(costOf(book, "claude-sonnet-4-5", usage)).toBe(21_000);
  });

  it("computes OpenAI cached input at the cache-read price and unpriced cache writes at the input price", () => {
    // gpt-4o: 1,200 prompt tokens of which 1,024 cached, 300 completion:
    // 176×2.5 + 1024×1.25 + 300×10 = 440 + 1280 + 3000 = 4,720 µ$
    const usage = { inputTokens: 1_200, cacheReadTokens: 1_024, cacheWriteTokens: 0, outputTokens: 300 };
    expect(costOf(book, "gpt-4o", usage)).toBe(4_720);
    expect(costMicros(price("x", 1_000_000, 0), { ...usage, cacheReadTokens: 0, cacheWriteTokens: 5 })).toBe(
      1_200 * 1,
    );
  });

  it("rounds half up once on the exact sum and never goes negative on inconsistent counts", () => {
    const p = price("m", 150_000, 600_000); // $0.15 / $0.60 per MTok
    expect(costMicros(p, { inputTokens: 3, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBe(
      0,
    ); // 0.45
    expect(costMicros(p, { inputTokens: 4, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBe(
      1,
    ); // 0.6
    expect(costMicros(p, { inputTokens: 10, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBe(
      2,
    ); // 1.5
    expect(costMicros(p, { inputTokens: 5, outputTokens: 0, cacheReadTokens: 9, cacheWriteTokens: 0 })).toBe(
      1,
    ); // 9×0.15
    // Huge counts stay exact (BigInt products): 1e8 tokens at $1,000/MTok = $100,000.
    const big = price("b", 1_000_000_000, 0);
    expect(
      costMicros(big, { inputTokens: 100_000_000, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 }),
    ).toBe(100_000_000_000);
  });

  it("answers null for no model or an unknown one", () => {
    const usage = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 };
    expect(costOf(book, null, usage)).toBeNull();
    expect(costOf(book, "", usage)).toBeNull();
    expect(costOf(book, "mistral", usage)).toBeNull();
  });
});
