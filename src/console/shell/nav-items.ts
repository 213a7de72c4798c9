import {
  ArrowLeftRightIcon,
  BellIcon,
  BoxesIcon,
  BuildingIcon,
  ChartColumnIcon,
  CircleDollarSignIcon,
  HeartPulseIcon,
  KeyRoundIcon,
  LayoutDashboardIcon,
  ScrollTextIcon,
  ServerIcon,
  SettingsIcon,
  type LucideIcon,
} from "lucide-react";
import type { MessageKey } from "@/i18n/types";

export interface NavItem {
  href: string;
  label: MessageKey;
  icon: LucideIcon;
  /** Shown only to system administrators (a tenant's users never see it). */
  systemAdminOnly?: boolean;
}

export interface NavSection {
  /** Section heading; none for the top entry. */
  label?: MessageKey;
  items: NavItem[];
}

/** The console's navigation, in sidebar order. */
export const NAV_SECTIONS: readonly NavSection[] = [
  { items: [{ href: "/", label: "nav.dashboard", icon: LayoutDashboardIcon }] },
  {
    label: "nav.sectionConfigure",
    items: [
      { href: "/providers", label: "nav.providers", icon: ServerIcon },
      { href: "/groups", label: "nav.groups", icon: BoxesIcon },
      { href: "/api-keys", label: "nav.apiKeys", icon: KeyRoundIcon },
    ],
  },
  {
    label: "nav.sectionObserve",
    items: [
      { href: "/health", label: "nav.health", icon: HeartPulseIcon },
      { href: "/statistics", label: "nav.statistics", icon: ChartColumnIcon },
      { href: "/logs", label: "nav.logs", icon: ScrollTextIcon },
      { href: "/alerts", label: "nav.alerts", icon: BellIcon },
    ],
  },
  {
    label: "nav.sectionSystem",
    items: [
      { href: "/import-export", label: "nav.importExport", icon: ArrowLeftRightIcon },
      { href: "/model-prices", label: "nav.modelPrices", icon: CircleDollarSignIcon },
      { href: "/tenants", label: "nav.tenants", icon: BuildingIcon, systemAdminOnly: true },
      { href: "/settings", label: "nav.settings", icon: SettingsIcon },
    ],
  },
];

/** True when `href` is the page at `pathname` or one of its sub-pages ("/" matches only itself). */
export function isNavItemActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(`${href}/`);
}

/** The navigation entry for `pathname`, if any. */
export function findNavItem(pathname: string): NavItem | undefined {
  return NAV_SECTIONS.flatMap((section) => section.items).find((item) =>
    isNavItemActive(pathname, item.href),
  );
}
