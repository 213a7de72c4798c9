import { cookies, headers } from "next/headers";
import { loadDictionary } from "./dictionaries";
import { LANG_COOKIE, resolveLocale, type Locale } from "./locales";
import { translate } from "./translate";
import type { Dictionary, Translate } from "./types";

/** The request's language, from the rb-lang cookie or else Accept-Language (server components only). */
export async function getRequestLocale(): Promise<Locale> {
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  return resolveLocale(cookieStore.get(LANG_COOKIE)?.value, headerList.get("accept-language"));
}

/** The request's language with its dictionary and a bound `t`, for server components and metadata. */
export async function getServerI18n(): Promise<{ locale: Locale; dictionary: Dictionary; t: Translate }> {
  const locale = await getRequestLocale();
  const dictionary = await loadDictionary(locale);
  return { locale, dictionary, t: (key, values) => translate(dictionary, key, values) };
}
