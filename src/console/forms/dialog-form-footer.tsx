"use client";

import type { ReactNode } from "react";
import { LoaderCircleIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { useT } from "@/i18n/i18n-provider";

/**
 * A form dialog's Cancel and submit buttons. While `busy` both are disabled and the submit button
 * spins (and reads `busyLabel` when one is given), so a slow save is neither repeated nor abandoned
 * half-way by the footer.
 */
export function DialogFormFooter({
  onCancel,
  busy,
  submitLabel,
  busyLabel,
  destructive = false,
  extra,
}: {
  onCancel: () => void;
  busy: boolean;
  submitLabel: ReactNode;
  busyLabel?: ReactNode;
  destructive?: boolean;
  /** Another action placed before Cancel (e.g. "Test connection"). */
  extra?: ReactNode;
}) {
  const t = useT();
  return (
    <DialogFooter>
      {extra}
      <Button type="button" variant="outline" onClick={onCancel} disabled={busy}>
        {t("common.cancel")}
      </Button>
      <Button type="submit" variant={destructive ? "destructive" : "default"} disabled={busy}>
        {busy && <LoaderCircleIcon className="animate-spin" aria-hidden />}
        {busy && busyLabel !== undefined ? busyLabel : submitLabel}
      </Button>
    </DialogFooter>
  );
}
