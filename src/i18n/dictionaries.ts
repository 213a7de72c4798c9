import type { Locale } from "./locales";
import type { Dictionary } from "./types";

/** Loads one language's dictionary; each is its own chunk so the browser downloads only the one in use. */
export async function loadDictionary(locale: Locale): Promise<Dictionary> {
  if (locale === "zh-CN") return (await import("./zh-CN")).zhCN;
  return (await import("./en")).en;
}
