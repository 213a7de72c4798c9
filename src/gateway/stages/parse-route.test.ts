import { describe, expect, it } from "vitest";
import { isAppError } from "../../core/errors/catalogue";
import { parseRoute, pathnameOf } from "./parse-route";

/** The catalogue code a refusal carries (fails the test when nothing, or something else, is thrown). */
function refusalCode(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("parseRoute", () => {
  it("returns the route: slug, path after it, query with its '?', method", () => {
    expect(parseRoute("/api/proxy/openai/v1/chat/completions?x=1&y=2", "POST", {})).toEqual({
      method: "POST",
      groupSlug: "openai",
      path: "/v1/chat/completions",
      query: "?x=1&y=2",
      anthropic: false,
    });
  });

  it("a bare slug routes to '/' with no query", () => {
    expect(parseRoute("/api/proxy/claude", "GET", {})).toMatchObject({
      groupSlug: "claude",
      path: "/",
      query: "",
    });
  });

  it("recognises an Anthropic client by its path or its anthropic-version header", () => {
    expect(parseRoute("/api/proxy/c/v1/messages", "POST", {}).anthropic).toBe(true);
    expect(
      parseRoute("/api/proxy/c/v1/complete", "POST", { "anthropic-version": "2023-06-01" }).anthropic,
    ).toBe(true);
    expect(parseRoute("/api/proxy/c/v1/models", "GET", {}).anthropic).toBe(false);
  });

  it("refuses URLs outside the proxy prefix and an empty slug", () => {
    expect(refusalCode(() => parseRoute("/api/other/x", "GET", {}))).toBe("ROUTE_NOT_FOUND");
    expect(refusalCode(() => parseRoute("/api/proxy/", "GET", {}))).toBe("ROUTE_NOT_FOUND");
  });

  it("leaves dot segments to confinePath (the next stage), which refuses every spelling", () => {
    expect(parseRoute("/api/proxy/g/a/../b", "GET", {}).path).toBe("/a/../b");
  });
});

describe("pathnameOf", () => {
  it("drops the query (what a request refused before its route is logged under)", () => {
    expect(pathnameOf("/api/proxy/g/../x?k=v")).toBe("/api/proxy/g/../x");
    expect(pathnameOf("/nowhere")).toBe("/nowhere");
  });
});
