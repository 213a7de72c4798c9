import { describe, expect, it } from "vitest";
import { classifySseEvent, isOverloadedErrorEvent } from "./classify-sse-event";
import { createSseUsageTracker, extractJsonUsage, extractRequestModel } from "./extract-usage";

describe("extractJsonUsage", () => {
  it("reads OpenAI usage", () => {
    expect(
      extractJsonUsage('{"model":"gpt","usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}'),
    ).toEqual({ model: "gpt", inputTokens: 3, outputTokens: 4 });
  });

  it("reads Anthropic usage, counting cache tokens as input", () => {
    expect(
      extractJsonUsage(
        '{"model":"claude","usage":{"input_tokens":3,"cache_creation_input_tokens":10,"cache_read_input_tokens":5,"output_tokens":9}}',
      ),
    ).toEqual({
      model: "claude",
      inputTokens: 18,
      outputTokens: 9,
      cacheWriteTokens: 10,
      cacheReadTokens: 5,
    });
  });

  it("reads OpenAI cached prompt tokens (chat and Responses API) as cache reads", () => {
    expect(
      extractJsonUsage(
        '{"model":"gpt-4o","usage":{"prompt_tokens":1200,"completion_tokens":30,"prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0}}}',
      ),
    ).toEqual({ model: "gpt-4o", inputTokens: 1200, outputTokens: 30, cacheReadTokens: 1024 });
    expect(
      extractJsonUsage(
        '{"model":"gpt-5","usage":{"input_tokens":2000,"input_tokens_details":{"cached_tokens":1500},"output_tokens":7}}',
      ),
    ).toEqual({ model: "gpt-5", inputTokens: 2000, outputTokens: 7, cacheReadTokens: 1500 });
  });

  it("drops out-of-range cache counts as anomalies", () => {
    const info = extractJsonUsage(
      '{"usage":{"prompt_tokens":5,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":-3}}}',
    );
    expect(info.cacheReadTokens).toBeUndefined();
    expect(info.anomalies).toEqual(["cached_tokens=-3"]);
  });

  it("returns nothing for invalid JSON or a body without usage", () => {
    expect(extractJsonUsage("not json")).toEqual({});
    expect(extractJsonUsage('{"input_tokens":5}')).toEqual({});
  });
});

describe("createSseUsageTracker", () => {
  it("accumulates Anthropic message_start + message_delta", () => {
    const t = createSseUsageTracker();
    t.onEvent({
      event: "message_start",
      data: '{"message":{"model":"c","usage":{"input_tokens":7,"output_tokens":1}}}',
    });
    t.onEvent({ event: "content_block_delta", data: '{"usage":{"output_tokens":999}}' });
    t.onEvent({ event: "message_delta", data: '{"usage":{"output_tokens":12}}' });
    expect(t.usage).toEqual({ model: "c", inputTokens: 7, outputTokens: 12 });
  });

  it("keeps Anthropic cache counts from message_start when message_delta repeats them or not", () => {
    const t = createSseUsageTracker();
    t.onEvent({
      event: "message_start",
      data: '{"message":{"model":"c","usage":{"input_tokens":7,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":1}}}',
    });
    t.onEvent({
      event: "message_delta",
      data: '{"usage":{"input_tokens":7,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":40}}',
    });
    expect(t.usage).toEqual({
      model: "c",
      inputTokens: 2107,
      outputTokens: 40,
      cacheWriteTokens: 100,
      cacheReadTokens: 2000,
    });
  });

  it("reads cached tokens from the OpenAI final usage chunk", () => {
    const t = createSseUsageTracker();
    t.onEvent({ event: "", data: '{"model":"g","choices":[],"usage":null}' });
    t.onEvent({
      event: "",
      data: '{"model":"g","choices":[],"usage":{"prompt_tokens":2048,"completion_tokens":5,"prompt_tokens_details":{"cached_tokens":1920}}}',
    });
    expect(t.usage).toEqual({ model: "g", inputTokens: 2048, outputTokens: 5, cacheReadTokens: 1920 });
  });

  it("reads the OpenAI model from the first chunk and usage from the final chunk", () => {
    const t = createSseUsageTracker();
    t.onEvent({ event: "", data: '{"model":"g","choices":[],"usage":null}' });
    t.onEvent({
      event: "",
      data: '{"model":"other","choices":[{"delta":{"content":"usage"}}],"usage":null}',
    });
    t.onEvent({
      event: "",
      data: '{"model":"g","choices":[],"usage":{"prompt_tokens":2,"completion_tokens":5}}',
    });
    t.onEvent({ event: "", data: "[DONE]" });
    expect(t.usage).toEqual({ model: "g", inputTokens: 2, outputTokens: 5 });
  });

  it("reads the Responses API completion event", () => {
    const t = createSseUsageTracker();
    t.onEvent({
      event: "response.completed",
      data: '{"response":{"model":"r","usage":{"input_tokens":4,"output_tokens":6}}}',
    });
    expect(t.usage).toEqual({ model: "r", inputTokens: 4, outputTokens: 6 });
  });
});

describe("extractRequestModel", () => {
  it("reads a small JSON body's model only", () => {
    expect(extractRequestModel(Buffer.from('{"model":"m1"}'), 100)).toBe("m1");
    expect(extractRequestModel(Buffer.from('{"model":"m1"}'), 5)).toBeUndefined();
    expect(extractRequestModel(Buffer.from("model=m1"), 100)).toBeUndefined();
  });
});

describe("classifySseEvent", () => {
  it("tells content from prelude, errors and the end marker", () => {
    expect(classifySseEvent({ event: "message_start", data: "{}" })).toBe("prelude");
    expect(classifySseEvent({ event: "ping", data: "{}" })).toBe("prelude");
    expect(classifySseEvent({ event: "content_block_start", data: "{}" })).toBe("content");
    expect(classifySseEvent({ event: "error", data: "{}" })).toBe("error");
    expect(classifySseEvent({ event: "", data: '{"error":{"message":"x"}}' })).toBe("error");
    expect(classifySseEvent({ event: "", data: '{"type":"error","error":{}}' })).toBe("error");
    expect(classifySseEvent({ event: "", data: '{"choices":[{"delta":{"content":"error"}}]}' })).toBe(
      "content",
    );
    expect(classifySseEvent({ event: "", data: "[DONE]" })).toBe("done");
  });

  it("recognises overload errors", () => {
    expect(isOverloadedErrorEvent({ event: "error", data: '{"error":{"type":"overloaded_error"}}' })).toBe(
      true,
    );
    expect(isOverloadedErrorEvent({ event: "error", data: '{"error":{"type":"api_error"}}' })).toBe(false);
  });

  it("drops absurd token counts with an anomaly note: 1e20, negative, fractional, string", () => {
    const info = extractJsonUsage(
      JSON.stringify({ model: "m", usage: { prompt_tokens: 1e20, completion_tokens: -5 } }),
    );
    expect(info.inputTokens).toBeUndefined();
    expect(info.outputTokens).toBeUndefined();
    expect(info.anomalies).toEqual(["prompt_tokens=100000000000000000000", "completion_tokens=-5"]);
    const anthropic = extractJsonUsage(
      JSON.stringify({ usage: { input_tokens: 12.5, output_tokens: "7", cache_read_input_tokens: 3 } }),
    );
    expect(anthropic.inputTokens).toBeUndefined();
    expect(anthropic.outputTokens).toBeUndefined();
    expect(anthropic.anomalies).toEqual(["input_tokens=12.5", 'output_tokens="7"']);
    expect(extractJsonUsage(JSON.stringify({ usage: { prompt_tokens: 3, completion_tokens: 4 } }))).toEqual({
      inputTokens: 3,
      outputTokens: 4,
    });
  });

  it("clamps an Anthropic input sum of valid parts to the maximum, noting it", () => {
    const info = extractJsonUsage(
      JSON.stringify({
        usage: { input_tokens: 90_000_000, cache_read_input_tokens: 90_000_000, output_tokens: 1 },
      }),
    );
    expect(info.inputTokens).toBe(100_000_000);
    expect(info.anomalies).toEqual(["input_tokens=180000000 (clamped)"]);
  });
});
