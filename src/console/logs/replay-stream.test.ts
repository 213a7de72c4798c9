import { describe, expect, it } from "vitest";
import type { ReplayStreamLine } from "./log-debug-api";
import { applyStreamLine, createLineReader, eventDeltaText, NO_PROGRESS, resultOf } from "./replay-stream";

const timings = { totalMs: 12, ttfbMs: 3, attempts: [] };

describe("createLineReader", () => {
  it("yields whole lines however the text is cut, skipping blank ones", () => {
    const lines: string[] = [];
    const reader = createLineReader((line) => lines.push(line));
    const text = '{"a":1}\n\n{"b":2}\n{"c":3}';
    for (let i = 0; i < text.length; i += 3) reader.push(text.slice(i, i + 3));
    reader.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});

describe("applyStreamLine and resultOf", () => {
  const head: ReplayStreamLine = {
    type: "head",
    logId: "r1",
    replayOf: "o1",
    status: 200,
    headers: { "content-type": "text/event-stream" },
  };

  it("builds an event-stream answer", () => {
    let progress = applyStreamLine(NO_PROGRESS, head);
    progress = applyStreamLine(progress, { type: "event", event: "message", data: '{"delta":"Hi"}' });
    expect(resultOf(progress)).toBeNull();
    progress = applyStreamLine(progress, { type: "end", truncated: false, timings });
    expect(resultOf(progress)).toEqual({
      logId: "r1",
      replayOf: "o1",
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: null,
      events: [{ event: "message", data: '{"delta":"Hi"}' }],
      truncated: false,
      timings,
    });
  });

  it("joins the chunks of a plain answer", () => {
    let progress = applyStreamLine(NO_PROGRESS, { ...head, status: 503, headers: {} });
    progress = applyStreamLine(progress, { type: "chunk", text: '{"error":\n' });
    progress = applyStreamLine(progress, { type: "chunk", text: '"down"}' });
    progress = applyStreamLine(progress, { type: "end", truncated: true, timings });
    expect(resultOf(progress)).toMatchObject({
      status: 503,
      body: '{"error":\n"down"}',
      events: null,
      truncated: true,
    });
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
