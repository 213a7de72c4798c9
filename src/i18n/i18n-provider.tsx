"use client";

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { loadDictionary } from "./dictionaries";
import { serializeLocaleCookie, type Locale } from "./locales";
import { translate } from "./translate";
import type { Dictionary, Translate } from "./types";

interface I18nValue {
  locale: Locale;
  t: Translate;
  /** Switches language at once, remembers it in the rb-lang cookie and re-renders server parts. */
  setLocale: (locale: Locale) => Promise<void>;
}

const I18nContext = createContext<I18nValue | null>(null);

export interface I18nProviderProps {
  /** The language the server rendered with (from the cookie), so hydration matches. */
  locale: Locale;
  dictionary: Dictionary;
  children: ReactNode;
}

/** Makes the current language available to client components through useT() and useI18n(). */
export function I18nProvider({ locale, dictionary, children }: I18nProviderProps) {
  const router = useRouter();
  const [state, setState] = useState({ locale, dictionary });

  const setLocale = useCallback(
    async (next: Locale) => {
      writeLocaleCookie(next);
      const nextDictionary = await loadDictionary(next);
      setState({ locale: next, dictionary: nextDictionary });
      document.documentElement.lang = next;
      // Server components (page titles, the root <html lang>) pick the cookie up on refresh.
      router.refresh();
    },
    [router],
  );

  const value = useMemo<I18nValue>(
    () => ({
      locale: state.locale,
      t: (key, values) => translate(state.dictionary, key, values),
      setLocale,
    }),
    [state, setLocale],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current language, its `t` and `setLocale`. */
export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n() needs an <I18nProvider> above it.");
  return value;
}

/** The translate function for the current language: `t("providers.title")`, `t("x", { name })`. */
export function useT(): Translate {
  return useI18n().t;
}

function writeLocaleCookie(locale: Locale): void {
  document.cookie = serializeLocaleCookie(locale);
}
