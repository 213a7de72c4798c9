import { describe, expect, it } from "vitest";
import { detectFormat, parseJsonDocument, summarizeDiff } from "./import-export-api";

describe("import helpers", () => {
  it("detects the format by extension, then by content", () => {
    expect(detectFormat("config.JSON", "name,baseUrl")).toBe("json");
    expect(detectFormat("providers.csv", "{")).toBe("csv");
    expect(detectFormat("paste", '  {"version":1}')).toBe("json");
    expect(detectFormat("paste", "name,baseUrl")).toBe("csv");
  });

  it("reports JSON syntax errors instead of throwing", () => {
    expect(parseJsonDocument('{"version":1}')).toEqual({ ok: true, value: { version: 1 } });
    const bad = parseJsonDocument('{"version":');
    expect(bad.ok).toBe(false);
  });

  it("sums the diff", () => {
    const list = (...names: string[]) => names;
    const result = {
      dryRun: true,
      prune: false,
      applied: false,
      diff: {
        providers: { created: list("a"), updated: list("b"), unchanged: list("c"), deleted: list("d") },
        groups: { created: list("g"), updated: list(), unchanged: list(), deleted: list() },
        apiKeys: { updated: list("k"), unchanged: list("l"), skipped: list("m") },
      },
    };
    expect(summarizeDiff(result)).toEqual({ created: 2, updated: 2, deleted: 1, unchanged: 2 });
  });
});
