"use client";

import { useState } from "react";
import { TriangleAlertIcon } from "lucide-react";
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
import { CopyButton } from "./copy-button";

/** A secret just created (a gateway key, a tenant token): its name and the value shown this once. */
export interface CreatedSecret {
  readonly name: string;
  readonly value: string;
}

/** The dialog's words, already translated; `title` receives the secret's name. */
export interface SecretDialogText {
  title: (name: string) => string;
  description: string;
  warning: string;
  copyLabel: string;
  copiedMessage: string;
  done: string;
  doneUncopied: string;
}

/**
 * Shows a new secret's full value, the only time it exists outside the client's hands: copy button,
 * a clear warning, and no way to dismiss it by clicking outside (closing needs a deliberate click).
 */
export function SecretCreatedDialog({
  created,
  text,
  testId,
  onClose,
}: {
  /** The secret just created; null when the dialog is closed. */
  created: CreatedSecret | null;
  text: SecretDialogText;
  testId: string;
  onClose: () => void;
}) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  // The value is kept while the dialog animates out, then dropped.
  const [shown, setShown] = useState<CreatedSecret | null>(created);
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
          <DialogTitle>{text.title(shown?.name ?? "")}</DialogTitle>
          <DialogDescription>{text.description}</DialogDescription>
        </DialogHeader>
        <div className="flex items-start gap-2 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm">
          <TriangleAlertIcon
            className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-warning"
            aria-hidden
          />
          <p>{text.warning}</p>
        </div>
        <div className="flex items-center gap-2">
          <code
            className="min-w-0 flex-1 rounded-md border bg-muted px-3 py-2 font-mono text-sm break-all select-all"
            data-testid={testId}
          >
            {shown?.value}
          </code>
          {shown && (
            <CopyButton
              value={shown.value}
              label={text.copyLabel}
              copiedMessage={text.copiedMessage}
              onCopied={() => setCopied(true)}
              variant="default"
            />
          )}
        </div>
        <DialogFooter>
          <Button variant={copied ? "default" : "outline"} onClick={onClose}>
            {copied ? text.done : text.doneUncopied}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
