"use client";

import Link from "next/link";
import type { Provider } from "@/contracts/providers";
import { useT } from "@/i18n/i18n-provider";
import { isApiError } from "../api-client";
import { ConfirmDialog, RefusalExplanation } from "../confirm-dialog";
import type { DialogOpenProps } from "../forms/form-dialog";
import { deleteProvider, readGroupsInUse } from "./provider-api";

export interface ProviderDeleteDialogProps extends DialogOpenProps {
  /** The provider to delete (kept while the dialog closes). */
  provider?: Provider;
  onDeleted: (provider: Provider) => void;
}

/** Asks before deleting a provider; when groups still use it, lists them instead of deleting. */
export function ProviderDeleteDialog({ open, provider, onOpenChange, onDeleted }: ProviderDeleteDialogProps) {
  const t = useT();
  if (provider === undefined) return null;
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title={t("providers.deleteTitle", { name: provider.name })}
      description={t("providers.deleteText")}
      confirmLabel={t("providers.deleteConfirm")}
      busyLabel={t("common.deleting")}
      onConfirm={async () => {
        await deleteProvider(provider.id);
        onDeleted(provider);
      }}
      explainError={(error) => {
        if (!isApiError(error) || error.code !== "PROVIDER_IN_USE") return undefined;
        return (
          <RefusalExplanation
            title={t("providers.inUseTitle", { name: provider.name })}
            description={t("providers.inUseText")}
          >
            <ul className="grid gap-1 rounded-md border bg-muted/40 p-2 text-sm">
              {readGroupsInUse(error.details).map((group) => (
                <li key={group.id}>
                  <Link
                    href={`/groups/${encodeURIComponent(group.id)}`}
                    className="flex items-center justify-between gap-3 rounded-sm px-2 py-1.5 outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50"
                    onClick={() => onOpenChange(false)}
                  >
                    <span className="font-medium">{group.name}</span>
                    {group.slug && (
                      <span className="font-mono text-xs text-muted-foreground">{group.slug}</span>
                    )}
                  </Link>
                </li>
              ))}
            </ul>
          </RefusalExplanation>
        );
      }}
    />
  );
}
