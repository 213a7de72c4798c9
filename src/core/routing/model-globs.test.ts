import { describe, expect, it } from "vitest";
import { checkModelPattern, compileModelList, matchesModelList } from "./model-globs";

describe("model lists", () => {
  it("matches exact names and globs, case-sensitively", () => {
    const list = compileModelList(["gpt-4o", "claude-sonnet-*", "gpt-4.1*", "gemini-?.5-pro"]);
    expect(list.matches("gpt-4o")).toBe(true);
    expect(list.matches("gpt-4o-mini")).toBe(false);
    expect(list.matches("claude-sonnet-4-20250514")).toBe(true);
    expect(list.matches("claude-sonnet-")).toBe(true);
    expect(list.matches("Claude-sonnet-4")).toBe(false);
    expect(list.matches("gpt-4.1")).toBe(true);
    expect(list.matches("gpt-4.1-mini")).toBe(true);
    expect(list.matches("gpt-4x1")).toBe(false);
    expect(list.matches("gemini-2.5-pro")).toBe(true);
    expect(list.matches("gemini-25-pro")).toBe(false);
  });

  it("treats regular-expression characters literally", () => {
    expect(matchesModelList(["a+b(c)[d]"], "a+b(c)[d]")).toBe(true);
    expect(matchesModelList(["a+b"], "aab")).toBe(false);
    expect(matchesModelList(["x.*"], "x.y")).toBe(true);
    expect(matchesModelList(["x.*"], "xzy")).toBe(false);
  });

  it("an empty list matches nothing (the caller treats no list as every model)", () => {
    expect(compileModelList([]).matches("any")).toBe(false);
  });

  it("checks configured entries", () => {
    expect(checkModelPattern("claude-*")).toBeNull();
    expect(checkModelPattern("")).toMatch(/empty/);
    expect(checkModelPattern("a".repeat(201))).toMatch(/200/);
    expect(checkModelPattern("a\nb")).toMatch(/control/);
    expect(checkModelPattern("a\ud800b")).toMatch(/surrogate/);
    expect(checkModelPattern("a\udc00")).toMatch(/surrogate/);
    expect(checkModelPattern("smile-\ud83d\ude00")).toBeNull();
  });
});
