"use client";

import { useState } from "react";
import { useWatch } from "react-hook-form";
import type { GroupDetail } from "@/contracts/groups";
import { DEFAULT_STRATEGY } from "@/core/vocabulary/balancing";
import { useT } from "@/i18n/i18n-provider";
import { FormError } from "../form-error";
import { SelectField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { InputField, TextareaField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { createGroup } from "./group-api";
import {
  groupCreateFormSchema,
  listStrategyOptions,
  localizeGroupIssue,
  slugFromName,
  strategyHintKey,
  type GroupCreateValues,
} from "./group-form-model";

/** The "New group" dialog: name, slug (suggested from the name), strategy and description. */
export function GroupCreateDialog({
  open,
  onOpenChange,
  onCreated,
}: DialogOpenProps & { onCreated: (group: GroupDetail) => void }) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-lg"
      title={t("groups.createTitle")}
      description={t("groups.createDescription")}
    >
      <CreateForm onCancel={() => onOpenChange(false)} onCreated={onCreated} />
    </FormDialog>
  );
}

function CreateForm({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (group: GroupDetail) => void;
}) {
  const t = useT();
  // The slug follows the name until the person edits the slug themselves.
  const [slugTouched, setSlugTouched] = useState(false);
  const { form, onSubmit, formError, busy } = useDialogForm<GroupCreateValues, GroupCreateValues>({
    schema: groupCreateFormSchema,
    localize: localizeGroupIssue,
    defaultValues: { name: "", slug: "", strategy: DEFAULT_STRATEGY, description: "" },
    submit: async (values) => onCreated(await createGroup({ ...values, name: values.name.trim() })),
    serverFields: ["name", "slug", "strategy", "description"],
    codeFields: { GROUP_SLUG_TAKEN: { field: "slug" } },
  });
  const { register, control, setValue, formState } = form;
  const { errors } = formState;
  const strategy = useWatch({ control, name: "strategy" });

  const nameField = register("name", {
    onChange: (event: { target: { value: string } }) => {
      if (!slugTouched) setValue("slug", slugFromName(event.target.value));
    },
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <InputField
        label={t("groups.fieldName")}
        error={errors.name?.message}
        required
        autoComplete="off"
        autoFocus
        {...nameField}
      />
      <InputField
        label={t("groups.fieldSlug")}
        hint={t("groups.fieldSlugHint")}
        error={errors.slug?.message}
        required
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        {...register("slug", { onChange: () => setSlugTouched(true) })}
      />
      <SelectField
        control={control}
        name="strategy"
        label={t("groups.fieldStrategy")}
        hint={t(strategyHintKey(strategy))}
        options={listStrategyOptions(t)}
      />
      <TextareaField
        label={t("groups.fieldDescription")}
        error={errors.description?.message}
        rows={2}
        {...register("description")}
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={t("common.create")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}
