"use client";

import { CircleAlertIcon, RefreshCwIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { useT } from "@/i18n/i18n-provider";

/** Shown in place of a page's data when loading it failed, with a retry button. */
export function ErrorState({ message, onRetry }: { message: string; onRetry: () => void }) {
  const t = useT();
  return (
    <EmptyState
      icon={CircleAlertIcon}
      title={t("errors.loadFailed")}
      description={message}
      className="border-destructive/30"
      action={
        <Button variant="outline" onClick={onRetry}>
          <RefreshCwIcon />
          {t("common.retry")}
        </Button>
      }
    />
  );
}
