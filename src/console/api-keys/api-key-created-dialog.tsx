"use client";

import { useState } from "react";
import { TriangleAlertIcon } from "lucide-react";
import type { CreatedApiKey } from "@/contracts/api-keys";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { useT } from "@/i18n/i18n-provider";
import { CopyButton } from "../copy-button";

/**
 * Shows a new key's full value, the only time it exists outside the client's hands: copy button,
 * a clear warning, and no way to dismiss it by clicking outside (closing needs a deliberate click).
 */
export function ApiKeyCreatedDialog({
  created,
  onClose,
}: {
  /** The key just created; null when the dialog is closed. */
  created: CreatedApiKey | null;
  onClose: () => void;
}) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  // The value is kept while the dialog animates out, then dropped.
  const [shown, setShown] = useState<CreatedApiKey | null>(created);
  if (created && created !== shown) {
    setShown(created);
    setCopied(false);
  }

  return (
    <Dialog open={created !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent
        className="sm:max-w-xl"
        closeLabel={t("common.close")}
        onInteractOutside={(event) => event.preventDefault()}
        onAnimationEnd={() => {
          if (!created) setShown(null);
        }}
      >
        <DialogHeader>
          <DialogTitle>{t("apiKeys.createdTitle", { name: shown?.name ?? "" })}</DialogTitle>
          <DialogDescription>{t("apiKeys.createdDescription")}</DialogDescription>
        </DialogHeader>
        <div className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm">
          <TriangleAlertIcon
            className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-warning"
            aria-hidden
          />
          <p>{t("apiKeys.createdWarning")}</p>
        </div>
        <div className="flex items-center gap-2">
          <code
            className="min-w-0 flex-1 rounded-md border bg-muted px-3 py-2 font-mono text-sm break-all select-all"
            data-testid="created-key"
          >
            {shown?.key}
          </code>
          {shown && (
            <CopyButton
              value={shown.key}
              label={t("apiKeys.copyKey")}
              copiedMessage={t("apiKeys.keyCopied")}
              onCopied={() => setCopied(true)}
              variant="default"
            />
          )}
        </div>
        <DialogFooter>
          <Button variant={copied ? "default" : "outline"} onClick={onClose}>
            {copied ? t("apiKeys.createdDone") : t("apiKeys.createdDoneUncopied")}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
