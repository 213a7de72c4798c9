"use client";

import Link from "next/link";
import { ArrowLeftIcon, ConstructionIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { useT } from "@/i18n/i18n-provider";
import { findNavItem } from "./shell/nav-items";

/** Placeholder for a console section that is not built yet; `href` names the section. */
export function ComingSoon({ href }: { href: string }) {
  const t = useT();
  const item = findNavItem(href);
  const section = item ? t(item.label) : href;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={section} />
      <EmptyState
        icon={item?.icon ?? ConstructionIcon}
        title={t("comingSoon.title", { section })}
        description={t("comingSoon.text")}
        action={
          <Button variant="outline" asChild>
            <Link href="/">
              <ArrowLeftIcon />
              {t("comingSoon.back")}
            </Link>
          </Button>
        }
      />
    </div>
  );
}
