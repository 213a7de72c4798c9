import { describe, expect, it } from "vitest";
import { bearerTokenOf, createSecretMatcher } from "./secret-token";

describe("secret tokens", () => {
  it("reads the token of a Bearer header in any case, and nothing else", () => {
    expect(bearerTokenOf("Bearer abc")).toBe("abc");
    expect(bearerTokenOf("bearer   abc  ")).toBe("abc");
    expect(bearerTokenOf("Basic abc")).toBeNull();
    expect(bearerTokenOf("Bearer ")).toBeNull();
    expect(bearerTokenOf(undefined)).toBeNull();
    expect(bearerTokenOf(null)).toBeNull();
  });

  it("matches exactly the configured secret", () => {
    const matches = createSecretMatcher("s3cret");
    expect(matches("s3cret")).toBe(true);
    expect(matches("s3cret ")).toBe(false);
    expect(matches("S3cret")).toBe(false);
    expect(matches("")).toBe(false);
    expect(matches(null)).toBe(false);
  });
});
