import { describe, expect, it } from "vitest";
import { findBodyModel, findPathModel, findRequestModel } from "./request-model";
import { mapModel, rewriteRequestModel } from "./rewrite-model";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe("findBodyModel", () => {
  it("finds the top-level model wherever it sits, skipping nested ones", () => {
    const body = `{"messages":[{"role":"user","content":"{\\"model\\":\\"x\\"}","model":"nested"}],"metadata":{"model":"no"},"model":"claude-sonnet-4","stream":true}`;
    const found = findBodyModel(bytes(body));
    expect(found?.model).toBe("claude-sonnet-4");
    expect(found?.spans).toHaveLength(1);
    const span = found!.spans[0]!;
    expect(body.slice(span.start, span.end)).toBe('"claude-sonnet-4"');
  });

  it("handles whitespace, escapes in the key and the value, and numbers before it", () => {
    const body = ' {\n "max_tokens" : 1e3 ,\t"mod\\u0065l" : "gpt-\\u00e9" , "x": null }';
    expect(findBodyModel(bytes(body))?.model).toBe("gpt-é");
  });

  it("keeps the last of duplicate keys (as JSON.parse) and every span", () => {
    const found = findBodyModel(bytes('{"model":"a","model":"b"}'));
    expect(found?.model).toBe("b");
    expect(found?.spans).toHaveLength(2);
  });

  it("gives up on non-objects, non-string models and malformed bodies", () => {
    expect(findBodyModel(bytes("[1,2]"))).toBeUndefined();
    expect(findBodyModel(bytes('{"model":42}'))).toBeUndefined();
    expect(findBodyModel(bytes('{"model":""}'))).toBeUndefined();
    expect(findBodyModel(bytes('{"a":"unterminated'))).toBeUndefined();
    expect(findBodyModel(bytes("not json"))).toBeUndefined();
    expect(findBodyModel(bytes(""))).toBeUndefined();
  });
});

describe("findPathModel", () => {
  it("reads Google-style model paths", () => {
    expect(findPathModel("/v1beta/models/gemini-2.5-pro:generateContent")?.model).toBe("gemini-2.5-pro");
    expect(findPathModel("/v1beta/models/gemini-2.5-pro:streamGenerateContent")?.model).toBe(
      "gemini-2.5-pro",
    );
    expect(findPathModel("/v1/models/gpt-4o")?.model).toBe("gpt-4o");
    expect(findPathModel("/v1/models")).toBeUndefined();
    expect(findPathModel("/v1/chat/completions")).toBeUndefined();
  });

  it("prefers the body over the path", () => {
    expect(findRequestModel(bytes('{"model":"b"}'), "/v1/models/p:x")?.model).toBe("b");
    expect(findRequestModel(bytes(""), "/v1/models/p:x")?.model).toBe("p");
    expect(findRequestModel(bytes('{"x":1}'), "/v1/chat/completions")).toBeUndefined();
  });
});

describe("alias rewrite", () => {
  it("maps names, leaving unmapped ones", () => {
    expect(mapModel({ a: "b" }, "a")).toBe("b");
    expect(mapModel({ a: "b" }, "c")).toBe("c");
    expect(mapModel({ a: "b" }, "constructor")).toBe("constructor");
    expect(mapModel(null, "a")).toBe("a");
  });

  it("changes only the model string's bytes", () => {
    const body =
      '{ "max_tokens":1.50E+2,"model" :  "claude-sonnet-4",\n"messages":[{"role":"user","content":"héllo 🙂"}], "model2":"claude-sonnet-4"}';
    const model = findRequestModel(bytes(body), "/v1/messages")!;
    const out = rewriteRequestModel(bytes(body), "/v1/messages", model, {
      "claude-sonnet-4": "anthropic/claude-sonnet-4",
    });
    expect(out.upstreamModel).toBe("anthropic/claude-sonnet-4");
    expect(text(out.body)).toBe(body.replace('"claude-sonnet-4",', '"anthropic/claude-sonnet-4",'));
  });

  it("returns the same body object when nothing maps", () => {
    const body = bytes('{"model":"x"}');
    const out = rewriteRequestModel(body, "/p", findRequestModel(body, "/p")!, { y: "z" });
    expect(out.body).toBe(body);
    expect(out.upstreamModel).toBe("x");
  });

  it("rewrites a path model segment", () => {
    const path = "/v1beta/models/gemini-pro:generateContent";
    const out = rewriteRequestModel(bytes(""), path, findRequestModel(bytes(""), path)!, {
      "gemini-pro": "gemini/2.5 pro",
    });
    expect(out.path).toBe("/v1beta/models/gemini%2F2.5%20pro:generateContent");
  });
});
