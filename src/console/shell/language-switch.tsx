"use client";

import { useTransition } from "react";
import { LanguagesIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DropdownMenuRadioItem } from "@/components/ui/dropdown-menu";
import { useI18n } from "@/i18n/i18n-provider";
import { LOCALES, LOCALE_NAMES, isLocale } from "@/i18n/locales";
import { HeaderRadioMenu } from "./header-radio-menu";

/** The language menu; each language is listed under its own name. */
export function LanguageSwitch({ variant = "ghost" }: { variant?: "ghost" | "outline" }) {
  const { t, locale, setLocale } = useI18n();
  const [switching, startTransition] = useTransition();
  return (
    <HeaderRadioMenu
      trigger={
        <Button variant={variant} size="icon" aria-label={t("header.language")} disabled={switching}>
          <LanguagesIcon aria-hidden />
        </Button>
      }
      label={t("header.language")}
      value={locale}
      onValueChange={(value) => {
        if (isLocale(value) && value !== locale) startTransition(() => setLocale(value));
      }}
    >
      {LOCALES.map((code) => (
        <DropdownMenuRadioItem key={code} value={code} lang={code}>
          {LOCALE_NAMES[code]}
        </DropdownMenuRadioItem>
      ))}
    </HeaderRadioMenu>
  );
}
