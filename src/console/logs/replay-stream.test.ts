import { describe, expect, it } from "vitest";
import type { ReplayEvent } from "./log-debug-api";
import { createSseParser, eventDeltaText } from "./replay-stream";

describe("createSseParser", () => {
  it("yields events whole however the text is cut", () => {
    const events: ReplayEvent[] = [];
    const parser = createSseParser((event) => events.push(event));
    const stream = 'event: a\ndata: {"x":1}\n\n: comment\n\ndata: one\ndata: two\r\n\r\nevent: end\ndata: {}';
    for (let i = 0; i < stream.length; i += 5) parser.push(stream.slice(i, i + 5));
    parser.end();
    expect(events).toEqual([
      { event: "a", data: '{"x":1}' },
      { event: undefined, data: "one\ntwo" },
      { event: "end", data: "{}" },
    ]);
  });
});

describe("eventDeltaText", () => {
  it("reads Anthropic, OpenAI chat and Responses API deltas", () => {
    expect(eventDeltaText('{"type":"content_block_delta","delta":{"type":"text_delta","text":"Hi"}}')).toBe(
      "Hi",
    );
    expect(eventDeltaText('{"choices":[{"delta":{"content":"yo"}}]}')).toBe("yo");
    expect(eventDeltaText('{"type":"response.output_text.delta","delta":"ok"}')).toBe("ok");
    expect(eventDeltaText("[DONE]")).toBe("");
    expect(eventDeltaText('{"type":"ping"}')).toBe("");
  });
});
