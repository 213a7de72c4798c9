import { describe, expect, it } from "vitest";
import { diffBodies } from "./body-diff";
import { renderGatewayCurl, renderUpstreamCurl, shellQuote } from "./curl";
import { diffHeaders } from "./header-diff";
import { diffJson } from "./json-diff";
import { countLineChanges, diffText } from "./line-diff";
import { createRedactionRules, REDACTED, redactBody, redactHeaders } from "./redact-body";
import { diffSse, parseSse } from "./sse-diff";

describe("redaction rules", () => {
  const rules = createRedactionRules(
    ["x-tenant-secretish", "session_blob"],
    ["gw-key-1234567890", 'up"cred-123'],
  );

  it("blanks default and operator-listed header names, and secret values anywhere", () => {
    const out = redactHeaders(
      {
        Authorization: "Bearer whatever-123456",
        "x-api-key": "k",
        "api-key": "k",
        cookie: "a=b",
        "set-cookie": ["a=b", "c=d"],
        "X-Tenant-Secretish": "v",
        "x-custom": "prefix gw-key-1234567890 suffix",
        accept: "application/json",
      },
      rules,
    );
    for (const name of [
      "authorization",
      "x-api-key",
      "api-key",
      "cookie",
      "set-cookie",
      "x-tenant-secretish",
    ]) {
      expect(out[name]).toBe(REDACTED);
    }
    expect(out["x-custom"]).toBe(`prefix ${REDACTED} suffix`);
    expect(out.accept).toBe("application/json");
  });

  it("redacts listed JSON fields and secret values, also JSON-escaped ones", () => {
    const body = JSON.stringify({ session_blob: "x", note: 'up"cred-123 and gw-key-1234567890', n: 1 });
    const out = redactBody(body, rules);
    expect(out).not.toContain("cred-123");
    expect(out).not.toContain("gw-key-1234567890");
    expect(JSON.parse(out)).toEqual({ session_blob: REDACTED, note: `${REDACTED} and ${REDACTED}`, n: 1 });
  });

  it("scrubs secret values inside SSE payloads and plain text", () => {
    const sse = 'event: x\ndata: {"text":"gw-key-1234567890"}\n\n';
    expect(redactBody(sse, rules)).not.toContain("gw-key-1234567890");
    expect(redactBody("plain gw-key-1234567890 text", rules)).toBe(`plain ${REDACTED} text`);
  });
});

describe("JSON diff", () => {
  it("reports adds, removes and replacements by JSON pointer", () => {
    const { changes, truncated } = diffJson(
      { a: 1, b: { c: [1, 2, 3], "x/y": true }, gone: null },
      { a: 2, b: { c: [1, 5], "x/y": true, d: "new" } },
    );
    expect(truncated).toBe(false);
    expect(changes).toEqual([
      { op: "replace", path: "/a", from: 1, to: 2 },
      { op: "replace", path: "/b/c/1", from: 2, to: 5 },
      { op: "remove", path: "/b/c/2", value: 3 },
      { op: "add", path: "/b/d", value: "new" },
      { op: "remove", path: "/gone", value: null },
    ]);
  });

  it("stops at the change limit", () => {
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = a.map((n) => n + 1);
    const out = diffJson(a, b, 5);
    expect(out.changes).toHaveLength(5);
    expect(out.truncated).toBe(true);
  });

  it("sees equal documents as equal", () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }).changes).toEqual([]);
  });
});

describe("line diff", () => {
  it("finds the changed lines between common head and tail", () => {
    const lines = diffText("a\nb\nc\nd", "a\nB\nc\nd\ne");
    expect(lines).toEqual([
      { op: "equal", text: "a" },
      { op: "remove", text: "b" },
      { op: "add", text: "B" },
      { op: "equal", text: "c" },
      { op: "equal", text: "d" },
      { op: "add", text: "e" },
    ]);
    expect(countLineChanges(lines)).toEqual({ added: 2, removed: 1 });
  });
});

describe("SSE diff", () => {
  const anthropic = (texts: string[], stop = "end_turn") =>
    [
      'event: message_start\ndata: {"type":"message_start"}',
      ...texts.map(
        (t) =>
          `event: content_block_delta\ndata: ${JSON.stringify({ type: "content_block_delta", delta: { type: "text_delta", text: t } })}`,
      ),
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"${stop}"}}`,
      'event: message_stop\ndata: {"type":"message_stop"}',
    ].join("\n\n") + "\n\n";

  it("parses events", () => {
    expect(parseSse(": comment\n\nevent: a\ndata: 1\ndata: 2\n\ndata: x\n\n")).toEqual([
      { event: "a", data: "1\n2" },
      { event: "message", data: "x" },
    ]);
  });

  it("diffs the event sequence and the concatenated text", () => {
    const out = diffSse(anthropic(["Hello", " world\nbye"]), anthropic(["Hello", " there\nbye", "!"]));
    expect(out.events).toEqual({ a: 5, b: 6 });
    expect(countLineChanges(out.sequence)).toEqual({ added: 1, removed: 0 });
    expect(out.text.filter((l) => l.op === "remove").map((l) => l.text)).toEqual(["Hello world", "bye"]);
    expect(out.text.filter((l) => l.op === "add").map((l) => l.text)).toEqual(["Hello there", "bye!"]);
  });

  it("reads OpenAI chat deltas", () => {
    const chunk = (c: string) => `data: ${JSON.stringify({ choices: [{ delta: { content: c } }] })}\n\n`;
    const out = diffSse(chunk("a") + chunk("b") + "data: [DONE]\n\n", chunk("ab") + "data: [DONE]\n\n");
    expect(out.text.every((l) => l.op === "equal")).toBe(true);
  });
});

describe("body diff", () => {
  it("picks JSON, SSE or text", () => {
    expect(diffBodies('{"a":1}', '{"a":2}').kind).toBe("json");
    expect(diffBodies("data: 1\n\n", "data: 2\n\n").kind).toBe("sse");
    expect(diffBodies("x", '{"a":1}').kind).toBe("text");
    expect(diffBodies(null, null).kind).toBe("none");
  });
});

describe("header diff", () => {
  it("lists added, removed and changed headers with credentials masked", () => {
    const out = diffHeaders(
      { "content-type": "application/json", "x-a": "1", authorization: "Bearer abcdefghijk" },
      { "content-type": "application/json", "x-a": "2", "x-b": "new", authorization: "Bearer zzzzzzzzzzzz" },
    );
    expect(out).toEqual({
      added: { "x-b": "new" },
      removed: {},
      changed: { "x-a": { a: "1", b: "2" } },
      same: 2,
    });
  });
});

describe("copy as curl", () => {
  const input = {
    method: "POST",
    url: "http://localhost:3000/api/proxy/g/v1/messages?beta=true",
    headers: {
      "content-type": "application/json",
      "x-api-key": REDACTED,
      host: "localhost:3000",
      "content-length": "10",
      "anthropic-version": "2023-06-01",
    },
    body: `{"q":"it's"}`,
  };

  it("quotes for the shell", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });

  it("renders the gateway command with the key placeholder and no redacted header", () => {
    const cmd = renderGatewayCurl(input);
    expect(cmd).toContain(`-H "x-api-key: $ROUNDABOUT_KEY"`);
    expect(cmd).not.toContain(REDACTED);
    expect(cmd).not.toContain("content-length");
    expect(cmd).toContain(`--data-binary '{"q":"it'\\''s"}'`);
  });

  it("renders the upstream command with the provider's auth style", () => {
    const cmd = renderUpstreamCurl(
      { ...input, url: "https://api.example.com/v1/messages" },
      "header:x-goog-api-key",
    );
    expect(cmd).toContain(`-H "x-goog-api-key: $UPSTREAM_API_KEY"`);
  });
});
