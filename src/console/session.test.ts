import { describe, expect, it } from "vitest";
import { safeNextPath, toSessionUser } from "./session";

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
});
