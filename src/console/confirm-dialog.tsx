"use client";

import { useState, type ReactNode } from "react";
import { LoaderCircleIcon, TriangleAlertIcon } from "lucide-react";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { useT } from "@/i18n/i18n-provider";
import type { DialogOpenProps } from "./forms/form-dialog";
import { describeError } from "./describe-error";

export interface ConfirmDialogProps extends DialogOpenProps {
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while `onConfirm` runs (default: `confirmLabel`). */
  busyLabel?: string;
  /** Runs on confirm; the dialog stays open (busy) until it settles, and shows the error if it throws. */
  onConfirm: () => Promise<void>;
  /**
   * Replaces the dialog's body for an error that needs more than a line (e.g. "still in use" with a
   * list); return undefined to show the standard error line.
   */
  explainError?: (error: unknown) => ReactNode | undefined;
  /** The error line's text (default: describeError). */
  describeFailure?: (error: unknown) => string;
  /** Extra content between the description and the buttons. */
  children?: ReactNode;
  destructive?: boolean;
}

/** A confirmation before a destructive action; Cancel has the initial focus, Escape cancels. */
export function ConfirmDialog({ open, onOpenChange, ...rest }: ConfirmDialogProps) {
  // A new body per opening (so no stale error), kept while closing (so the animation shows content).
  const [opening, setOpening] = useState({ open, generation: 0 });
  if (opening.open !== open) setOpening({ open, generation: opening.generation + (open ? 1 : 0) });
  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogContent>
        <ConfirmBody key={opening.generation} {...rest} onClose={() => onOpenChange(false)} />
      </AlertDialogContent>
    </AlertDialog>
  );
}

function ConfirmBody({
  title,
  description,
  confirmLabel,
  busyLabel,
  onConfirm,
  explainError,
  describeFailure,
  children,
  destructive = true,
  onClose,
}: Omit<ConfirmDialogProps, "open" | "onOpenChange"> & { onClose: () => void }) {
  const t = useT();
  const [state, setState] = useState<{ kind: "idle" | "busy" } | { kind: "failed"; error: unknown }>({
    kind: "idle",
  });

  async function confirm() {
    setState({ kind: "busy" });
    try {
      await onConfirm();
    } catch (error) {
      setState({ kind: "failed", error });
    }
  }

  const explained = state.kind === "failed" ? explainError?.(state.error) : undefined;
  if (explained !== undefined) {
    return (
      <>
        {explained}
        <AlertDialogFooter>
          <AlertDialogCancel>{t("common.close")}</AlertDialogCancel>
        </AlertDialogFooter>
      </>
    );
  }

  const busy = state.kind === "busy";
  return (
    <>
      <AlertDialogHeader>
        <AlertDialogTitle>{title}</AlertDialogTitle>
        <AlertDialogDescription>{description}</AlertDialogDescription>
      </AlertDialogHeader>
      {children}
      {state.kind === "failed" && (
        <p
          role="alert"
          className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {describeFailure ? describeFailure(state.error) : describeError(t, state.error)}
        </p>
      )}
      <AlertDialogFooter>
        <AlertDialogCancel disabled={busy} onClick={onClose}>
          {t("common.cancel")}
        </AlertDialogCancel>
        {/* A plain button, not AlertDialogAction: the dialog stays open until the server answers. */}
        <Button variant={destructive ? "destructive" : "default"} onClick={confirm} disabled={busy}>
          {busy && <LoaderCircleIcon className="animate-spin" aria-hidden />}
          {busy && busyLabel !== undefined ? busyLabel : confirmLabel}
        </Button>
      </AlertDialogFooter>
    </>
  );
}

/**
 * The body `explainError` returns for a refusal that needs a list (a provider still in use, a group
 * that still has keys): a warning title, the explanation, then `children` (the list and any link).
 */
export function RefusalExplanation({
  title,
  description,
  children,
}: {
  title: ReactNode;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <AlertDialogHeader>
        <AlertDialogTitle className="flex items-center gap-2">
          <TriangleAlertIcon className="size-5 text-warning" aria-hidden />
          {title}
        </AlertDialogTitle>
        <AlertDialogDescription>{description}</AlertDialogDescription>
      </AlertDialogHeader>
      {children}
    </>
  );
}
