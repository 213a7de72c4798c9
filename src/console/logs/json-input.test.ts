import { describe, expect, it } from "vitest";
import { lineColumnAt, nonStringHeaders, parseJsonInput, prettyJson } from "./json-input";

describe("parseJsonInput", () => {
  it("parses valid JSON", () => {
    expect(parseJsonInput('{"model":"m","n":1}')).toEqual({ ok: true, value: { model: "m", n: 1 } });
  });

  it("says on which line and column the JSON breaks", () => {
    const result = parseJsonInput('{\n  "a": 1,\n}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect({ line: result.line, column: result.column }).toEqual({ line: 3, column: 1 });
    expect(result.reason).not.toMatch(/position/);
    expect(result.reason.length).toBeGreaterThan(0);
  });

  it("points at the end of a text that stops early", () => {
    const result = parseJsonInput('{"a": ');
    expect(result).toMatchObject({ ok: false, line: 1 });
  });
});

describe("lineColumnAt", () => {
  it("counts from 1", () => {
    expect(lineColumnAt("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumnAt("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});

describe("nonStringHeaders", () => {
  it("lists values that are not strings, and refuses non-objects", () => {
    expect(nonStringHeaders({ a: "1", b: 2 })).toEqual(["b"]);
    expect(nonStringHeaders({ a: "1", gone: null })).toEqual([]);
    expect(nonStringHeaders([1])).toBeNull();
    expect(nonStringHeaders("x")).toBeNull();
  });
});

describe("prettyJson", () => {
  it("indents JSON and leaves other text alone", () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson("plain")).toBe("plain");
  });
});
