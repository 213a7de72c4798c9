"use client";

import { MonitorIcon, MoonIcon, SunIcon } from "lucide-react";
import { useTheme } from "next-themes";
import { Button } from "@/components/ui/button";
import { DropdownMenuRadioItem } from "@/components/ui/dropdown-menu";
import { useT } from "@/i18n/i18n-provider";
import { HeaderRadioMenu } from "./header-radio-menu";

/** Light / dark / system theme menu. The icon is chosen by CSS, so the server render matches. */
export function ThemeToggle() {
  const t = useT();
  const { theme, setTheme } = useTheme();
  return (
    <HeaderRadioMenu
      trigger={
        <Button variant="ghost" size="icon" className="relative" aria-label={t("header.toggleTheme")}>
          <SunIcon
            className="scale-100 rotate-0 transition-transform dark:scale-0 dark:-rotate-90"
            aria-hidden
          />
          <MoonIcon
            className="absolute scale-0 rotate-90 transition-transform dark:scale-100 dark:rotate-0"
            aria-hidden
          />
        </Button>
      }
      label={t("header.theme")}
      value={theme ?? "system"}
      onValueChange={setTheme}
    >
      <DropdownMenuRadioItem value="light">
        <SunIcon />
        {t("header.themeLight")}
      </DropdownMenuRadioItem>
      <DropdownMenuRadioItem value="dark">
        <MoonIcon />
        {t("header.themeDark")}
      </DropdownMenuRadioItem>
      <DropdownMenuRadioItem value="system">
        <MonitorIcon />
        {t("header.themeSystem")}
      </DropdownMenuRadioItem>
    </HeaderRadioMenu>
  );
}
