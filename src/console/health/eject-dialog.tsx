"use client";

import { useMemo } from "react";
import type { ProviderEjectInput, ProviderHealth } from "@/contracts/health";
import { useT } from "@/i18n/i18n-provider";
import type { DialogOpenProps } from "../forms/form-dialog";
import { FormError } from "../form-error";
import { SelectField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog } from "../forms/form-dialog";
import { TextareaField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import {
  createEjectFormSchema,
  EJECT_DURATIONS,
  emptyEjectForm,
  localizeEjectIssue,
  type EjectFormValues,
} from "./eject-form-model";
import { ejectProvider } from "./health-api";

/** Manual ejection: why (audited) and for how long. */
export function EjectDialog({
  provider,
  open,
  onOpenChange,
  onEjected,
}: DialogOpenProps & {
  provider: ProviderHealth | undefined;
  onEjected: (health: ProviderHealth) => void;
}) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-md"
      title={t("health.ejectTitle", { name: provider?.name ?? "" })}
      description={t("health.ejectDescription")}
    >
      {provider && (
        <EjectForm provider={provider} onCancel={() => onOpenChange(false)} onEjected={onEjected} />
      )}
    </FormDialog>
  );
}

function EjectForm({
  provider,
  onCancel,
  onEjected,
}: {
  provider: ProviderHealth;
  onCancel: () => void;
  onEjected: (health: ProviderHealth) => void;
}) {
  const t = useT();
  const schema = useMemo(() => createEjectFormSchema(), []);
  const { form, onSubmit, formError, busy } = useDialogForm<EjectFormValues, ProviderEjectInput>({
    schema,
    localize: localizeEjectIssue,
    defaultValues: emptyEjectForm(),
    submit: async ({ reason, durationMs }) =>
      onEjected(await ejectProvider(provider.providerId, reason, durationMs)),
    serverFields: ["reason"],
    mapServerPath: (path) => (path === "durationMs" ? "duration" : undefined),
  });
  const { control, register, formState } = form;
  const { errors } = formState;

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <TextareaField
        label={t("health.reason")}
        error={errors.reason?.message}
        required
        hint={t("health.reasonHint")}
        rows={3}
        maxLength={500}
        {...register("reason")}
      />
      <SelectField
        control={control}
        name="duration"
        label={t("health.duration")}
        options={EJECT_DURATIONS.map((option) => ({ value: option.value, label: t(option.label) }))}
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={busy} submitLabel={t("health.eject")} destructive />
    </form>
  );
}
