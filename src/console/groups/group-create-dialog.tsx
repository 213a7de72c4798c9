"use client";

import { useMemo, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { STRATEGY_NAMES, type GroupDetail } from "@/contracts/groups";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useT } from "@/i18n/i18n-provider";
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { applyServerIssues } from "../forms/server-errors";
import { zodFormResolver } from "../forms/zod-form-resolver";
import { createGroup } from "./group-api";
import {
  groupCreateFormSchema,
  localizeGroupIssue,
  slugFromName,
  STRATEGY_LABELS,
  type GroupCreateValues,
} from "./group-form-model";

/** The "New group" dialog: name, slug (suggested from the name), strategy and description. */
export function GroupCreateDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (group: GroupDetail) => void;
}) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-lg" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("groups.createTitle")}</DialogTitle>
          <DialogDescription>{t("groups.createDescription")}</DialogDescription>
        </DialogHeader>
        <CreateForm onCancel={() => onOpenChange(false)} onCreated={onCreated} />
      </DialogContent>
    </Dialog>
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
  const [formError, setFormError] = useState<string | null>(null);
  // The slug follows the name until the person edits the slug themselves.
  const [slugTouched, setSlugTouched] = useState(false);
  const resolver = useMemo(
    () => zodFormResolver<GroupCreateValues>(groupCreateFormSchema, (issue) => localizeGroupIssue(t, issue)),
    [t],
  );
  const { register, control, handleSubmit, setError, setValue, formState } = useForm<GroupCreateValues>({
    resolver,
    defaultValues: { name: "", slug: "", strategy: "weighted_round_robin", description: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      onCreated(await createGroup({ ...values, name: values.name.trim() }));
    } catch (error) {
      if (isApiError(error) && error.code === "GROUP_SLUG_TAKEN") {
        setError("slug", { type: "server", message: error.message }, { shouldFocus: true });
        return;
      }
      if (applyServerIssues(error, setError, ["name", "slug", "strategy", "description"]) === 0) {
        setFormError(describeError(t, error));
      }
    }
  });

  const nameField = register("name", {
    onChange: (event: { target: { value: string } }) => {
      if (!slugTouched) setValue("slug", slugFromName(event.target.value));
    },
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <FormField label={t("groups.fieldName")} error={errors.name?.message} required>
        <FormControl>
          <Input autoComplete="off" autoFocus {...nameField} />
        </FormControl>
      </FormField>
      <FormField
        label={t("groups.fieldSlug")}
        hint={t("groups.fieldSlugHint")}
        error={errors.slug?.message}
        required
      >
        <FormControl>
          <Input
            autoComplete="off"
            spellCheck={false}
            className="font-mono"
            {...register("slug", { onChange: () => setSlugTouched(true) })}
          />
        </FormControl>
      </FormField>
      <FormField label={t("groups.fieldStrategy")} error={errors.strategy?.message}>
        <Controller
          control={control}
          name="strategy"
          render={({ field }) => (
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger className="w-full" onBlur={field.onBlur} ref={field.ref}>
                  <SelectValue />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {STRATEGY_NAMES.map((name) => (
                  <SelectItem key={name} value={name}>
                    {t(STRATEGY_LABELS[name])}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
      </FormField>
      <FormField label={t("groups.fieldDescription")} error={errors.description?.message}>
        <FormControl>
          <Textarea rows={2} {...register("description")} />
        </FormControl>
      </FormField>
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={isSubmitting}
        submitLabel={t("common.create")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}
