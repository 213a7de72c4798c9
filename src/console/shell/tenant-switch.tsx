"use client";

import { BuildingIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DropdownMenuRadioItem } from "@/components/ui/dropdown-menu";
import { useI18n } from "@/i18n/i18n-provider";
import { useSession } from "../session-provider";
import { chooseTenant, chosenTenantSlug } from "../tenant-choice";
import { HeaderRadioMenu } from "./header-radio-menu";

/**
 * The tenant menu, shown only when the caller may act in more than one tenant (a single-tenant
 * install shows nothing). Choosing one remembers it and reloads, so every page is scoped to it.
 */
export function TenantSwitch() {
  const { t } = useI18n();
  // `GET /me`, read once by the session provider after sign-in (never while signed out).
  const { identity } = useSession();
  const tenants = identity?.tenants ?? [];
  if (tenants.length < 2) return null;
  const current = tenants.find((x) => x.id === identity?.tenantId);
  const name = current?.name ?? chosenTenantSlug() ?? "";
  return (
    <HeaderRadioMenu
      trigger={
        <Button
          variant="ghost"
          size="sm"
          // The visible name is part of the accessible name (axe: label-content-name-mismatch).
          aria-label={`${t("header.tenant")}: ${name}`}
          data-testid="tenant-switch"
        >
          <BuildingIcon aria-hidden />
          <span className="max-w-32 truncate">{name}</span>
        </Button>
      }
      label={t("header.tenant")}
      value={current?.slug ?? ""}
      onValueChange={(slug) => {
        if (slug === current?.slug) return;
        chooseTenant(slug);
        window.location.reload();
      }}
    >
      {tenants.map((tenant) => (
        <DropdownMenuRadioItem key={tenant.id} value={tenant.slug}>
          {tenant.name}
        </DropdownMenuRadioItem>
      ))}
    </HeaderRadioMenu>
  );
}
