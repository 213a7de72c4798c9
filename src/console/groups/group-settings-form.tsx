"use client";

import { useMemo, useState } from "react";
import { Controller, useForm, useWatch, type FieldPath } from "react-hook-form";
import { LoaderCircleIcon } from "lucide-react";
import { STRATEGY_NAMES, type GroupDetail } from "@/contracts/groups";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { applyServerIssues } from "../forms/server-errors";
import { zodFormResolver } from "../forms/zod-form-resolver";
import { updateGroup } from "./group-api";
import {
  groupSettingsSchema,
  groupToSettingsValues,
  humanizeMs,
  localizeGroupIssue,
  settingsToUpdate,
  STRATEGY_LABELS,
  type GroupSettingsValues,
} from "./group-form-model";

const FIELDS: readonly FieldPath<GroupSettingsValues>[] = [
  "name",
  "slug",
  "description",
  "strategy",
  "maxAttempts",
  "retryOn",
  "connectTimeoutMs",
  "firstByteTimeoutMs",
  "idleTimeoutMs",
  "totalTimeoutMs",
];

const TIMEOUTS: {
  name: "connectTimeoutMs" | "firstByteTimeoutMs" | "idleTimeoutMs" | "totalTimeoutMs";
  label: MessageKey;
}[] = [
  { name: "connectTimeoutMs", label: "groups.fieldConnectTimeout" },
  { name: "firstByteTimeoutMs", label: "groups.fieldFirstByteTimeout" },
  { name: "idleTimeoutMs", label: "groups.fieldIdleTimeout" },
  { name: "totalTimeoutMs", label: "groups.fieldTotalTimeout" },
];

/** The group's routing settings as an always-visible form; read-only for viewers. */
export function GroupSettingsForm({
  group,
  canEdit,
  onSaved,
}: {
  group: GroupDetail;
  canEdit: boolean;
  onSaved: (group: GroupDetail) => void;
}) {
  const t = useT();
  const [formError, setFormError] = useState<string | null>(null);
  const resolver = useMemo(
    () => zodFormResolver<GroupSettingsValues>(groupSettingsSchema, (issue) => localizeGroupIssue(t, issue)),
    [t],
  );
  // Follows the group as it changes elsewhere on the page, without wiping fields being edited here.
  const form = useForm<GroupSettingsValues>({
    resolver,
    values: groupToSettingsValues(group),
    resetOptions: { keepDirtyValues: true },
  });
  const { register, control, handleSubmit, setError, reset, formState } = form;
  const { errors, isSubmitting, isDirty } = formState;
  const watched = useWatch({
    control,
    name: ["connectTimeoutMs", "firstByteTimeoutMs", "idleTimeoutMs", "totalTimeoutMs"],
  });

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const update = settingsToUpdate(values, group);
    if (Object.keys(update).length === 0) {
      toast.info(t("groups.noChanges"));
      return;
    }
    try {
      const saved = await updateGroup(group.id, update);
      onSaved(saved);
      toast.success(t("groups.settingsSaved"));
    } catch (error) {
      if (isApiError(error) && error.code === "GROUP_SLUG_TAKEN") {
        setError("slug", { type: "server", message: error.message }, { shouldFocus: true });
        return;
      }
      if (applyServerIssues(error, setError, FIELDS) === 0) setFormError(describeError(t, error));
    }
  });

  const disabled = !canEdit;
  return (
    <Card>
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6">
        <CardHeader>
          <CardTitle>{t("groups.settingsTitle")}</CardTitle>
          <CardDescription>{t("groups.settingsDescription")}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-5">
          <fieldset disabled={disabled} className="grid gap-5 sm:grid-cols-2">
            <FormField label={t("groups.fieldName")} error={errors.name?.message}>
              <FormControl>
                <Input autoComplete="off" {...register("name")} />
              </FormControl>
            </FormField>
            <FormField
              label={t("groups.fieldSlug")}
              hint={t("groups.fieldSlugHint")}
              error={errors.slug?.message}
            >
              <FormControl>
                <Input autoComplete="off" spellCheck={false} className="font-mono" {...register("slug")} />
              </FormControl>
            </FormField>
            <FormField label={t("groups.fieldStrategy")} error={errors.strategy?.message}>
              <Controller
                control={control}
                name="strategy"
                render={({ field }) => (
                  <Select value={field.value} onValueChange={field.onChange} disabled={disabled}>
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
            <FormField
              label={t("groups.fieldMaxAttempts")}
              hint={t("groups.fieldMaxAttemptsHint")}
              error={errors.maxAttempts?.message}
            >
              <FormControl>
                <Input
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={10}
                  {...register("maxAttempts", { valueAsNumber: true })}
                />
              </FormControl>
            </FormField>
            <FormField
              label={t("groups.fieldRetryOn")}
              hint={t("groups.fieldRetryOnHint")}
              error={errors.retryOn?.message}
              className="sm:col-span-2"
            >
              <FormControl>
                <Input autoComplete="off" spellCheck={false} className="font-mono" {...register("retryOn")} />
              </FormControl>
            </FormField>
            {TIMEOUTS.map(({ name, label }, index) => (
              <FormField
                key={name}
                label={t(label)}
                hint={t("groups.timeoutHint", { human: humanizeMs(Number(watched[index])) })}
                error={errors[name]?.message}
              >
                <FormControl>
                  <Input
                    type="number"
                    inputMode="numeric"
                    min={100}
                    step={100}
                    {...register(name, { valueAsNumber: true })}
                  />
                </FormControl>
              </FormField>
            ))}
            <FormField
              label={t("groups.fieldDescription")}
              error={errors.description?.message}
              className="sm:col-span-2"
            >
              <FormControl>
                <Textarea rows={2} {...register("description")} />
              </FormControl>
            </FormField>
          </fieldset>
          <FormError>{formError}</FormError>
        </CardContent>
        {canEdit && (
          <CardFooter className="justify-end gap-2 border-t pt-6 [.border-t]:pt-6">
            <Button type="button" variant="ghost" disabled={!isDirty || isSubmitting} onClick={() => reset()}>
              {t("groups.reset")}
            </Button>
            <Button type="submit" disabled={!isDirty || isSubmitting}>
              {isSubmitting && <LoaderCircleIcon className="animate-spin" aria-hidden />}
              {isSubmitting ? t("common.saving") : t("common.save")}
            </Button>
          </CardFooter>
        )}
      </form>
    </Card>
  );
}
