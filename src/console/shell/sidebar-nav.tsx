"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";
import { useT } from "@/i18n/i18n-provider";
import { useSession } from "../session-provider";
import { BrandMark } from "./brand";
import { NAV_SECTIONS, isNavItemActive } from "./nav-items";

/** The navigation list used by the desktop sidebar and the phone sheet. */
export function SidebarNav({ onNavigate }: { onNavigate?: () => void }) {
  const t = useT();
  const pathname = usePathname();
  const { user, identity } = useSession();
  const systemAdmin = identity?.system === true && user?.role === "admin";
  return (
    <nav aria-label={t("nav.label")} className="flex flex-col gap-5 px-3 py-4">
      {NAV_SECTIONS.map((section, index) => (
        <div key={section.label ?? index} className="flex flex-col gap-0.5">
          {section.label && (
            <p className="px-2 pb-1 text-[11px] font-medium tracking-wider text-muted-foreground uppercase">
              {t(section.label)}
            </p>
          )}
          {section.items.map((item) => {
            if (item.systemAdminOnly && !systemAdmin) return null;
            const active = isNavItemActive(pathname, item.href);
            const Icon = item.icon;
            return (
              <Link
                key={item.href}
                href={item.href}
                onClick={onNavigate}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "group flex h-8 items-center gap-2.5 rounded-md px-2 text-sm font-medium text-sidebar-foreground/75 outline-none transition-colors hover:bg-sidebar-accent hover:text-sidebar-accent-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  active && "bg-sidebar-accent text-sidebar-accent-foreground",
                )}
              >
                <Icon
                  className={cn(
                    "size-4 shrink-0 text-muted-foreground transition-colors group-hover:text-foreground",
                    active && "text-primary group-hover:text-primary",
                  )}
                  aria-hidden
                />
                {t(item.label)}
              </Link>
            );
          })}
        </div>
      ))}
    </nav>
  );
}

/** The product name beside its mark. */
export function SidebarBrand() {
  const t = useT();
  return (
    <Link
      href="/"
      className="flex items-center gap-2.5 rounded-md outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
    >
      <BrandMark />
      <span className="flex flex-col leading-tight">
        <span className="text-sm font-semibold">{t("meta.appName")}</span>
        <span className="text-xs text-muted-foreground">{t("meta.tagline")}</span>
      </span>
    </Link>
  );
}
