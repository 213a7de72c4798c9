"use client";

import { useState } from "react";
import Link from "next/link";
import { LoaderCircleIcon, TriangleAlertIcon } from "lucide-react";
import type { Provider } from "@/contracts/providers";
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
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import type { DialogOpenProps } from "../forms/form-dialog";
import { deleteProvider, readGroupsInUse } from "./provider-api";

export interface ProviderDeleteDialogProps extends DialogOpenProps {
  /** The provider to delete (kept while the dialog closes). */
  provider?: Provider;
  onDeleted: (provider: Provider) => void;
}

type DeleteState =
  | { kind: "idle" }
  | { kind: "deleting" }
  | { kind: "in-use"; groups: { id: string; slug: string; name: string }[] }
  | { kind: "failed"; message: string };

/** Asks before deleting a provider; when groups still use it, lists them instead of deleting. */
export function ProviderDeleteDialog({ open, provider, onOpenChange, onDeleted }: ProviderDeleteDialogProps) {
  const t = useT();
  return (
    <AlertDialog open={open && provider !== undefined} onOpenChange={onOpenChange}>
      <AlertDialogContent>
        {provider && (
          <DeleteBody
            key={provider.id}
            provider={provider}
            onClose={() => onOpenChange(false)}
            onDeleted={onDeleted}
            t={t}
          />
        )}
      </AlertDialogContent>
    </AlertDialog>
  );
}

function DeleteBody({
  provider,
  onClose,
  onDeleted,
  t,
}: {
  provider: Provider;
  onClose: () => void;
  onDeleted: (provider: Provider) => void;
  t: ReturnType<typeof useT>;
}) {
  const [state, setState] = useState<DeleteState>({ kind: "idle" });

  async function confirm() {
    setState({ kind: "deleting" });
    try {
      await deleteProvider(provider.id);
      onDeleted(provider);
    } catch (error) {
      if (isApiError(error) && error.code === "PROVIDER_IN_USE") {
        setState({ kind: "in-use", groups: readGroupsInUse(error.details) });
      } else {
        setState({ kind: "failed", message: describeError(t, error) });
      }
    }
  }

  if (state.kind === "in-use") {
    return (
      <>
        <AlertDialogHeader>
          <AlertDialogTitle className="flex items-center gap-2">
            <TriangleAlertIcon className="size-5 text-warning" aria-hidden />
            {t("providers.inUseTitle", { name: provider.name })}
          </AlertDialogTitle>
          <AlertDialogDescription>{t("providers.inUseText")}</AlertDialogDescription>
        </AlertDialogHeader>
        <ul className="grid gap-1 rounded-md border bg-muted/40 p-2 text-sm">
          {state.groups.map((group) => (
            <li key={group.id}>
              <Link
                href={`/groups/${encodeURIComponent(group.id)}`}
                className="flex items-center justify-between gap-3 rounded-sm px-2 py-1.5 outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50"
                onClick={onClose}
              >
                <span className="font-medium">{group.name}</span>
                {group.slug && <span className="font-mono text-xs text-muted-foreground">{group.slug}</span>}
              </Link>
            </li>
          ))}
        </ul>
        <AlertDialogFooter>
          <AlertDialogCancel>{t("common.close")}</AlertDialogCancel>
        </AlertDialogFooter>
      </>
    );
  }

  const deleting = state.kind === "deleting";
  return (
    <>
      <AlertDialogHeader>
        <AlertDialogTitle>{t("providers.deleteTitle", { name: provider.name })}</AlertDialogTitle>
        <AlertDialogDescription>{t("providers.deleteText")}</AlertDialogDescription>
      </AlertDialogHeader>
      {state.kind === "failed" && (
        <p
          role="alert"
          className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {state.message}
        </p>
      )}
      <AlertDialogFooter>
        <AlertDialogCancel disabled={deleting}>{t("common.cancel")}</AlertDialogCancel>
        {/* A plain button, not AlertDialogAction: the dialog must stay open until the server answers. */}
        <Button variant="destructive" onClick={confirm} disabled={deleting}>
          {deleting && <LoaderCircleIcon className="animate-spin" aria-hidden />}
          {deleting ? t("common.deleting") : t("providers.deleteConfirm")}
        </Button>
      </AlertDialogFooter>
    </>
  );
}
