import { describe, expect, it } from "vitest";
import { formatIssuePath, toIssues } from "./common";
import { providerCreateSchema, providerUpdateSchema } from "./providers";

const base = { name: "p", baseUrl: "http://127.0.0.1:9" };

describe("provider contract", () => {
  it("picks the auth style of well-known hosts when none is given (Anthropic → x-api-key)", () => {
    const styleOf = (baseUrl: string, authStyle?: string) =>
      providerCreateSchema.parse({ ...base, baseUrl, ...(authStyle ? { authStyle } : {}) }).authStyle;
    expect(styleOf("https://api.anthropic.com")).toBe("x-api-key");
    expect(styleOf("https://API.Anthropic.com/v1/")).toBe("x-api-key");
    expect(styleOf("https://generativelanguage.googleapis.com/v1beta")).toBe("header:x-goog-api-key");
    expect(styleOf("https://my-res.openai.azure.com/openai")).toBe("header:api-key");
    expect(styleOf("https://api.openai.com/v1")).toBe("bearer");
    expect(styleOf("https://notanthropic.com")).toBe("bearer");
    // An explicit choice always wins.
    expect(styleOf("https://api.anthropic.com", "bearer")).toBe("bearer");
  });

  it("normalizes base URLs and keeps path prefixes", () => {
    const parse = (baseUrl: string) => providerCreateSchema.parse({ ...base, baseUrl }).baseUrl;
    expect(parse("https://api.example.test/openai/v1/")).toBe("https://api.example.test/openai/v1");
    expect(parse("http://[::1]:8080")).toBe("http://[::1]:8080");
    expect(parse(" HTTP://Example.TEST ")).toBe("http://example.test");
  });

  it("rejects non-http(s), credentials in the URL and query strings", () => {
    for (const baseUrl of [
      "ftp://h/x",
      "file:///etc/passwd",
      "//h/x",
      "http://u:p@h/",
      "http://h/?a=1",
      "http://h/#x",
    ]) {
      expect(providerCreateSchema.safeParse({ ...base, baseUrl }).success, baseUrl).toBe(false);
    }
  });

  it("rejects hop-by-hop and credential headers with a clear message, case-insensitively", () => {
    const result = providerCreateSchema.safeParse({
      ...base,
      headers: { "X-Api-Key": "k", Cookie: "c", "Transfer-Encoding": "chunked", "x-ok": "1", "X-OK": "2" },
    });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : toIssues(result.error);
    expect(issues.map((i) => i.path)).toEqual([
      "headers.X-Api-Key",
      "headers.Cookie",
      "headers.Transfer-Encoding",
      "headers.X-OK",
    ]);
    expect(issues[0]?.message).toMatch(/cannot be set here: credentials go in apiKey/);
    expect(providerCreateSchema.safeParse({ ...base, headers: { "x-a": "line\r\nbreak" } }).success).toBe(
      false,
    );
  });

  it("applies defaults on create only; updates are partial", () => {
    expect(providerCreateSchema.parse(base)).toEqual({
      ...base,
      authStyle: "bearer",
      weight: 1,
      enabled: true,
      healthCheckPath: null,
      headers: {},
      description: "",
      rateLimitPerMinute: null,
      maxConcurrency: null,
      models: [],
    });
    expect(providerUpdateSchema.parse({})).toEqual({});
    expect(providerUpdateSchema.parse({ apiKey: null })).toEqual({ apiKey: null });
    expect(providerUpdateSchema.safeParse({ apiKey: "has space" }).success).toBe(false);
    expect(providerUpdateSchema.safeParse({ weight: -1 }).success).toBe(false);
    expect(providerUpdateSchema.safeParse({ unknown: 1 }).success).toBe(false);
  });

  it("formats issue paths like groups[2].providers[0].provider", () => {
    expect(formatIssuePath(["groups", 2, "providers", 0, "provider"])).toBe(
      "groups[2].providers[0].provider",
    );
    expect(formatIssuePath(["headers", "X-Api-Key"])).toBe("headers.X-Api-Key");
    expect(formatIssuePath([])).toBe("");
  });
});
