import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeNextPath, toSessionUser } from "./session";

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

describe("toSessionUser", () => {
  it("reads better-auth's session answer", () => {
    const body = {
      session: { id: "s1", token: "secret" },
      user: { id: "u1", name: "admin", username: "admin", displayUsername: "Admin", role: "admin" },
    };
    expect(toSessionUser(body)).toEqual({ id: "u1", displayName: "Admin", username: "admin", role: "admin" });
  });

  it("treats null and malformed answers as signed out", () => {
    expect(toSessionUser(null)).toBeNull();
    expect(toSessionUser({})).toBeNull();
    expect(toSessionUser({ user: "x" })).toBeNull();
  });

  it("shows an unknown role as the least privileged one and falls back through the name fields", () => {
    expect(toSessionUser({ user: { id: "u2", name: "ops", role: "root" } })).toEqual({
      id: "u2",
      displayName: "ops",
      username: "ops",
      role: "viewer",
    });
  });
});

describe("safeNextPath", () => {
  it("keeps paths on this site", () => {
    expect(safeNextPath("/providers?x=1")).toBe("/providers?x=1");
  });

  it("refuses other origins, protocol-relative and backslash tricks, and the sign-in page itself", () => {
    for (const next of [
      null,
      "",
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "providers",
      "/sign-in",
    ]) {
      expect(safeNextPath(next)).toBe("/");
    }
  });

  it("refuses control characters, schemes and encoded variants", () => {
    for (const next of [
      "/\t/evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      "\t//evil.example",
      " //evil.example",
      "/%09/evil.example",
      "/%0a/evil.example",
      "/%2fevil.example",
      "/%2F%2Fevil.example",
      "%2F%2Fevil.example",
      "/%5cevil.example",
      "/%5Cevil.example",
      "/%252f%252fevil.example",
      "/%25252f%25252fevil.example",
      "/%2",
      "/%E0%A4%A",
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "data:text/html,x",
      "https:evil.example",
      "/\\evil.example",
      "/x\\y",
      "/\u0000x",
      "/SIGN-IN",
      "/sign-in?next=/x",
      "/%73ign-in",
    ]) {
      expect(safeNextPath(next), JSON.stringify(next)).toBe("/");
    }
  });

  it("keeps ordinary paths with queries, fragments and encoded text", () => {
    expect(safeNextPath("/logs?status=5xx#top")).toBe("/logs?status=5xx#top");
    expect(safeNextPath("/groups/a%20b")).toBe("/groups/a%20b");
    expect(safeNextPath("/sign-in-help")).toBe("/sign-in-help");
  });

  it(`for any input, the answer is a path on this site (seed ${SEED})`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(
              fc.constantFrom("/", "\\", "%2f", "%5c", "%09", "%25", "\t", ":", "evil", ".", "@", "?", "#"),
              {
                maxLength: 8,
              },
            )
            .map((parts) => parts.join("")),
        ),
        (next) => {
          const path = safeNextPath(next);
          expect(path.startsWith("/")).toBe(true);
          expect(path.startsWith("//")).toBe(false);
          expect(/[\x00-\x1f\x7f\\]/.test(path)).toBe(false);
          expect(new URL(path, "https://console.example").origin).toBe("https://console.example");
        },
      ),
      { numRuns: 1000, seed: SEED },
    );
  });
});
