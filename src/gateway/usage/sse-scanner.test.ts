import { describe, expect, it } from "vitest";
import { createSseScanner, type SseEvent } from "./sse-scanner";

function scan(chunks: (string | Buffer)[], maxLine?: number) {
  const events: SseEvent[] = [];
  const s = createSseScanner((e) => events.push(e), maxLine);
  for (const c of chunks) s.push(typeof c === "string" ? Buffer.from(c) : c);
  s.end();
  return { events, active: s.active };
}

describe("createSseScanner", () => {
  it("parses event and data fields, joins multi-line data, skips comments", () => {
    const { events } = scan([": hello\n\nevent: a\ndata: 1\ndata: 2\n\ndata:x\n\n"]);
    expect(events).toEqual([
      { event: "a", data: "1\n2" },
      { event: "", data: "x" },
    ]);
  });

  it("handles events split anywhere across chunks, CRLF line ends and split UTF-8", () => {
    const text = 'event: message_start\r\ndata: {"t":"é✓"}\r\n\r\n';
    const bytes = Buffer.from(text);
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(scan(chunks).events).toEqual([{ event: "message_start", data: '{"t":"é✓"}' }]);
  });

  it("flushes a final event without a trailing blank line at end()", () => {
    expect(scan(["data: last"]).events).toEqual([{ event: "", data: "last" }]);
  });

  it("stops inspecting (without throwing) when one line exceeds the cap", () => {
    const { events, active } = scan(["data: ok\n\n", `data: ${"x".repeat(100)}`, "more"], 64);
    expect(events).toEqual([{ event: "", data: "ok" }]);
    expect(active).toBe(false);
  });

  it("skips one event whose data lines add up past the event cap, and goes on with the next", () => {
    const events: SseEvent[] = [];
    const s = createSseScanner((e) => events.push(e), 64, 100);
    s.push(Buffer.from("data: first\n\nevent: big\n"));
    // 50 lines of 40 bytes: each line fits the line cap, the event does not fit the event cap.
    for (let i = 0; i < 50; i++) s.push(Buffer.from(`data: ${"y".repeat(40)}\n`));
    s.push(Buffer.from('\ndata: {"usage":{}}\n\n'));
    s.end();
    expect(events).toEqual([
      { event: "", data: "first" },
      { event: "", data: '{"usage":{}}' },
    ]);
    expect(s.active).toBe(true);
  });
});
