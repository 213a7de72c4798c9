"use client";

import { useMemo } from "react";
import type { CreatedApiKey } from "@/contracts/api-keys";
import { useT } from "@/i18n/i18n-provider";
import { SecretCreatedDialog } from "../secret-created-dialog";

/** Shows a new gateway key's full value, this once (see SecretCreatedDialog). */
export function ApiKeyCreatedDialog({
  created,
  onClose,
}: {
  /** The key just created; null when the dialog is closed. */
  created: CreatedApiKey | null;
  onClose: () => void;
}) {
  const t = useT();
  const secret = useMemo(() => created && { name: created.name, value: created.key }, [created]);
  return (
    <SecretCreatedDialog
      created={secret}
      testId="created-key"
      onClose={onClose}
      text={{
        title: (name) => t("apiKeys.createdTitle", { name }),
        description: t("apiKeys.createdDescription"),
        warning: t("apiKeys.createdWarning"),
        copyLabel: t("apiKeys.copyKey"),
        copiedMessage: t("apiKeys.keyCopied"),
        done: t("apiKeys.createdDone"),
        doneUncopied: t("apiKeys.createdDoneUncopied"),
      }}
    />
  );
}
