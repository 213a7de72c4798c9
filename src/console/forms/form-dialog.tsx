"use client";

import { Fragment, type ReactNode } from "react";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { useT } from "@/i18n/i18n-provider";
import { useOpening } from "./use-opening";

/** What every dialog takes from the page that opens it. */
export interface DialogOpenProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

/**
 * A dialog holding one form: title, description, then the form (which brings its own footer). The
 * form is remounted at each opening, so it starts from fresh values, and keeps its content while
 * the dialog closes.
 */
export function FormDialog({
  open,
  onOpenChange,
  title,
  description,
  className,
  children,
}: DialogOpenProps & {
  title: ReactNode;
  description: ReactNode;
  /** Width (and overflow) of the dialog box. */
  className?: string;
  children: ReactNode;
}) {
  const t = useT();
  const opening = useOpening(open);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className={className} closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <Fragment key={opening}>{children}</Fragment>
      </DialogContent>
    </Dialog>
  );
}
