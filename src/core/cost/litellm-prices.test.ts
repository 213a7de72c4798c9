import { describe, expect, it } from "vitest";
import { fromLiteLlmPrices, perTokenToPerMTokMicros } from "./litellm-prices";

describe("LiteLLM price file", () => {
  it("turns per-token costs into exact micros per million tokens", () => {
    expect(perTokenToPerMTokMicros(3e-6)).toBe(3_000_000);
    expect(perTokenToPerMTokMicros(1.5e-5)).toBe(15_000_000);
    expect(perTokenToPerMTokMicros(3.75e-6)).toBe(3_750_000);
    expect(perTokenToPerMTokMicros(1.25e-7)).toBe(125_000);
    expect(perTokenToPerMTokMicros(0)).toBe(0);
    expect(perTokenToPerMTokMicros(0.00002)).toBe(20_000_000);
    expect(perTokenToPerMTokMicros("8e-08")).toBe(80_000);
    expect(perTokenToPerMTokMicros(-1e-6)).toBeNull();
    expect(perTokenToPerMTokMicros("free")).toBeNull();
  });

  it("imports chat entries with cache prices and skips the rest", () => {
    const file = {
      sample_spec: { input_cost_per_token: 0.0, litellm_provider: "one of …", mode: "one of …" },
      "claude-sonnet-4-5": {
        litellm_provider: "anthropic",
        mode: "chat",
        max_tokens: 64000,
        input_cost_per_token: 3e-6,
        output_cost_per_token: 1.5e-5,
        cache_read_input_token_cost: 3e-7,
        cache_creation_input_token_cost: 3.75e-6,
        input_cost_per_token_above_200k_tokens: 6e-6,
        search_context_cost_per_query: { search_context_size_medium: 0.01 },
      },
      "gpt-4o": {
        input_cost_per_token: 2.5e-6,
        output_cost_per_token: 1e-5,
        cache_read_input_token_cost: 1.25e-6,
      },
      "dall-e-3": { mode: "image_generation", output_cost_per_image: 0.04 },
      broken: { input_cost_per_token: "x", output_cost_per_token: 1e-6 },
    };
    const { prices, skipped } = fromLiteLlmPrices(file);
    expect(prices).toEqual([
      {
        model: "claude-sonnet-4-5",
        inputPerMTokMicros: 3_000_000,
        outputPerMTokMicros: 15_000_000,
        cacheReadPerMTokMicros: 300_000,
        cacheWritePerMTokMicros: 3_750_000,
      },
      {
        model: "gpt-4o",
        inputPerMTokMicros: 2_500_000,
        outputPerMTokMicros: 10_000_000,
        cacheReadPerMTokMicros: 1_250_000,
        cacheWritePerMTokMicros: null,
      },
    ]);
    expect(skipped.map((s) => s.model)).toEqual(["dall-e-3", "broken"]);
    expect(fromLiteLlmPrices([]).prices).toEqual([]);
  });

  it("giant and tiny numbers are skipped or zero with a clear reason, never allocating their zeros", () => {
    const file = {
      // Written as strings, these exponents used to build 300 MB of zeros or throw `Invalid string length`.
      tiny: { input_cost_per_token: "1e-300000000", output_cost_per_token: 1e-6 },
      huge: { input_cost_per_token: "1e999999999", output_cost_per_token: 1e-6 },
      "huge-number": { input_cost_per_token: 1e308, output_cost_per_token: 1e-6 },
      "beyond-exponent": { input_cost_per_token: "1e99999999999999999999", output_cost_per_token: 1e-6 },
      "long-digits": { input_cost_per_token: "9".repeat(1_000_000), output_cost_per_token: 1e-6 },
      "too-expensive": { input_cost_per_token: 1001, output_cost_per_token: 1e-6 },
      "cache-huge": {
        input_cost_per_token: 1e-6,
        output_cost_per_token: 1e-6,
        cache_read_input_token_cost: 1e300,
      },
    };
    const before = process.memoryUsage().rss;
    const { prices, skipped } = fromLiteLlmPrices(file);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(prices).toEqual([
      {
        model: "tiny",
        inputPerMTokMicros: 0,
        outputPerMTokMicros: 1_000_000,
        cacheReadPerMTokMicros: null,
        cacheWritePerMTokMicros: null,
      },
    ]);
    expect(skipped).toEqual(
      ["huge", "huge-number", "beyond-exponent", "long-digits", "too-expensive", "cache-huge"].map(
        (model) => ({
          model,
          reason: "a cost is not a number from 0 to 1000 USD per token",
        }),
      ),
    );
    expect(perTokenToPerMTokMicros("1e-7")).toBe(100_000);
    expect(perTokenToPerMTokMicros("1e-13")).toBe(0);
    expect(perTokenToPerMTokMicros("1000")).toBe(1_000_000_000_000_000);
  });
});
