"use client";

import { useState, type ReactNode } from "react";
import { usePathname } from "next/navigation";
import { MenuIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { useT } from "@/i18n/i18n-provider";
import { SessionProvider } from "../session-provider";
import { LanguageSwitch } from "./language-switch";
import { TenantSwitch } from "./tenant-switch";
import { findNavItem } from "./nav-items";
import { SidebarBrand, SidebarNav } from "./sidebar-nav";
import { ThemeToggle } from "./theme-toggle";
import { UserMenu } from "./user-menu";

/** The console frame: sidebar (a sheet on phones), header with language, theme and account, and the page. */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const t = useT();
  const pathname = usePathname();
  const [menuOpen, setMenuOpen] = useState(false);
  const current = findNavItem(pathname);

  return (
    <SessionProvider>
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-background px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:ring-[3px] focus:ring-ring/50"
      >
        {t("nav.skipToContent")}
      </a>
      <div className="flex min-h-dvh">
        {/* The aside spans the whole page height (its background and border); its content stays in view. */}
        <aside className="hidden w-60 shrink-0 border-r border-sidebar-border bg-sidebar md:block">
          <div className="sticky top-0 flex h-dvh flex-col">
            <div className="flex h-14 shrink-0 items-center border-b border-sidebar-border px-4">
              <SidebarBrand />
            </div>
            <div className="flex-1 overflow-y-auto">
              <SidebarNav />
            </div>
          </div>
        </aside>

        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-0 z-40 flex h-14 items-center gap-2 border-b bg-background/80 px-3 backdrop-blur supports-[backdrop-filter]:bg-background/65 sm:px-6">
            <Sheet open={menuOpen} onOpenChange={setMenuOpen}>
              <Button
                variant="ghost"
                size="icon"
                className="md:hidden"
                aria-label={t("nav.openMenu")}
                onClick={() => setMenuOpen(true)}
              >
                <MenuIcon />
              </Button>
              <SheetContent side="left" className="w-72 gap-0 bg-sidebar p-0" closeLabel={t("common.close")}>
                <SheetHeader className="h-14 justify-center border-b border-sidebar-border px-4 py-0">
                  <SheetTitle className="sr-only">{t("nav.label")}</SheetTitle>
                  <SheetDescription className="sr-only">{t("meta.tagline")}</SheetDescription>
                  <SidebarBrand />
                </SheetHeader>
                <div className="flex-1 overflow-y-auto">
                  <SidebarNav onNavigate={() => setMenuOpen(false)} />
                </div>
              </SheetContent>
            </Sheet>
            <p className="truncate text-sm font-medium md:hidden">
              {current ? t(current.label) : t("meta.appName")}
            </p>
            <div className="ml-auto flex items-center gap-1">
              <TenantSwitch />
              <LanguageSwitch />
              <ThemeToggle />
              <div className="mx-1 h-5 w-px bg-border" aria-hidden />
              <UserMenu />
            </div>
          </header>
          <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6 lg:px-8 lg:py-8">
            {children}
          </main>
        </div>
      </div>
    </SessionProvider>
  );
}
