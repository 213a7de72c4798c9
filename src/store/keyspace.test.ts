import { describe, expect, it } from "vitest";
import { isAppError } from "../core/errors/catalogue";
import { createKeyspace } from "./keyspace";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : "not-an-app-error";
  }
  return undefined;
}

describe("createKeyspace", () => {
  it("prefixes and joins parts with ':'", () => {
    const ks = createKeyspace("rb:");
    expect(ks.key("sw", "key", 42)).toBe("rb:sw:key:42");
    expect(ks.key("kv", "a:b")).toBe("rb:kv:a:b");
    expect(createKeyspace().key("x")).toBe("rb:x");
    expect(createKeyspace("").key("x", 1)).toBe("x:1");
  });

  it("rejects empty parts, whitespace and non-finite numbers without echoing the part", () => {
    const ks = createKeyspace("rb:");
    expect(codeOf(() => ks.key())).toBe("INTERNAL_ERROR");
    expect(codeOf(() => ks.key("a", ""))).toBe("INTERNAL_ERROR");
    expect(codeOf(() => ks.key("a b"))).toBe("INTERNAL_ERROR");
    expect(codeOf(() => ks.key("a\nb"))).toBe("INTERNAL_ERROR");
    expect(codeOf(() => ks.key("a\tb"))).toBe("INTERNAL_ERROR");
    expect(codeOf(() => ks.key(Number.NaN))).toBe("INTERNAL_ERROR");
    expect(codeOf(() => createKeyspace("rb :"))).toBe("INTERNAL_ERROR");
    let message = "";
    try {
      ks.key("secret value");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/whitespace/);
    expect(message).not.toContain("secret");
  });

  it("gives the same keys from its memo of two-part keys, past its bound, and still refuses bad parts", () => {
    const ks = createKeyspace("rb:");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) {
        expect(ks.key("sw", `rl:key:${i}`)).toBe(`rb:sw:rl:key:${i}`);
      }
    }
    expect(ks.key("sw", "x", 1)).toBe("rb:sw:x:1");
    expect(ks.key("sw", "x")).toBe("rb:sw:x");
    expect(codeOf(() => ks.key("sw", "x y"))).toBe("INTERNAL_ERROR");
    expect(codeOf(() => ks.key("sw", ""))).toBe("INTERNAL_ERROR");
    expect(codeOf(() => ks.key("s w", "x"))).toBe("INTERNAL_ERROR");
  });
});
