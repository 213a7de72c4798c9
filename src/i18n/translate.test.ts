import { describe, expect, it } from "vitest";
import { en } from "./en";
import { resolveLocale, serializeLocaleCookie } from "./locales";
import { translate } from "./translate";
import { zhCN } from "./zh-CN";

function leaves(node: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("dictionaries", () => {
  const english = leaves(en);
  const chinese = leaves(zhCN);

  it("have exactly the same keys", () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("use the same placeholders in every message", () => {
    const mismatched = [...english].filter(([key, text]) => {
      const other = chinese.get(key) ?? "";
      return placeholders(other).join() !== placeholders(text).join();
    });
    expect(mismatched.map(([key]) => key)).toEqual([]);
  });

  it("have no empty messages", () => {
    const empty = [...english, ...chinese].filter(([, text]) => text.trim() === "");
    expect(empty).toEqual([]);
  });
});

describe("translate", () => {
  it("fills placeholders and keeps unknown ones visible", () => {
    expect(translate(en, "providers.editTitle", { name: "openai-a" })).toBe("Edit openai-a");
    expect(translate(zhCN, "providers.editTitle", { name: "openai-a" })).toBe("编辑 openai-a");
    expect(translate(en, "providers.editTitle")).toBe("Edit {name}");
    expect(translate(en, "common.resultCount", { shown: 3, total: 10 })).toBe("3 of 10");
  });

  it("does not read inherited properties as values", () => {
    expect(translate(en, "providers.editTitle", {})).toBe("Edit {name}");
    expect(translate(en, "providers.editTitle", { toString: "x" })).toBe("Edit {name}");
  });

  it("returns the key for a path that is not a message", () => {
    expect(translate(en, "providers" as never)).toBe("providers");
    expect(translate(en, "providers.nope" as never)).toBe("providers.nope");
  });
});

describe("resolveLocale", () => {
  it("prefers a valid cookie", () => {
    expect(resolveLocale("zh-CN", "en-US")).toBe("zh-CN");
    expect(resolveLocale("en", "zh-CN,zh;q=0.9")).toBe("en");
  });

  it("ignores an unknown cookie and falls back to Accept-Language by weight", () => {
    expect(resolveLocale("fr", "zh-TW;q=0.8,en;q=0.5")).toBe("zh-CN");
    expect(resolveLocale(undefined, "en;q=0.4,zh-Hans-CN;q=0.9")).toBe("zh-CN");
    expect(resolveLocale(undefined, "fr-FR,en-GB;q=0.7,zh;q=0.6")).toBe("en");
    expect(resolveLocale(undefined, "zh;q=0,en;q=0.1")).toBe("en");
  });

  it("defaults to English", () => {
    expect(resolveLocale(undefined, undefined)).toBe("en");
    expect(resolveLocale(undefined, "de,fr")).toBe("en");
    expect(resolveLocale(undefined, ";;,")).toBe("en");
  });

  it("serializes the cookie for the whole site", () => {
    expect(serializeLocaleCookie("zh-CN")).toBe("rb-lang=zh-CN; Path=/; Max-Age=31536000; SameSite=Lax");
  });
});
