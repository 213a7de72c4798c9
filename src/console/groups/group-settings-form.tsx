"use client";

import { useMemo, useState } from "react";
import { useForm, useWatch, type FieldPath } from "react-hook-form";
import { LoaderCircleIcon } from "lucide-react";
import type { GroupDetail } from "@/contracts/groups";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { CAPTURE_MODES } from "@/core/vocabulary/capture";
import { DEFAULT_AFFINITY_HEADER, DEFAULT_AFFINITY_TTL_SECONDS } from "@/contracts/models";
import { SelectField, SwitchField } from "../forms/controlled-fields";
import { InputField, TextareaField } from "../forms/input-fields";
import { placeServerError } from "../forms/server-errors";
import { zodFormResolver } from "../forms/zod-form-resolver";
import { updateGroup } from "./group-api";
import {
  groupSettingsSchema,
  groupToSettingsValues,
  humanizeMs,
  listStrategyOptions,
  localizeGroupIssue,
  settingsToUpdate,
  strategyHintKey,
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
  "rateLimitPerMinute",
  "capture",
];

/** API paths whose form field has another name (the form types percent, KiB and flat affinity fields). */
const SERVER_PATHS: Readonly<Record<string, FieldPath<GroupSettingsValues>>> = {
  captureSampleRate: "captureSamplePercent",
  captureMaxBytes: "captureMaxKib",
  affinity: "affinityEnabled",
  "affinity.enabled": "affinityEnabled",
  "affinity.header": "affinityHeader",
  "affinity.ttlSeconds": "affinityTtlSeconds",
  hashHeader: "hashHeader",
};

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
  const strategy = useWatch({ control, name: "strategy" });
  const capture = useWatch({ control, name: "capture" });

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
      const placed = placeServerError(error, setError, {
        serverFields: FIELDS,
        mapServerPath: (path) => SERVER_PATHS[path],
        codeFields: { GROUP_SLUG_TAKEN: { field: "slug" } },
      });
      if (placed === 0) setFormError(describeError(t, error));
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
            <InputField
              label={t("groups.fieldName")}
              error={errors.name?.message}
              autoComplete="off"
              {...register("name")}
            />
            <InputField
              label={t("groups.fieldSlug")}
              hint={t("groups.fieldSlugHint")}
              error={errors.slug?.message}
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
              {...register("slug")}
            />
            <SelectField
              control={control}
              name="strategy"
              label={t("groups.fieldStrategy")}
              hint={t(strategyHintKey(strategy))}
              options={listStrategyOptions(t)}
              disabled={disabled}
            />
            <InputField
              label={t("groups.fieldMaxAttempts")}
              hint={t("groups.fieldMaxAttemptsHint")}
              error={errors.maxAttempts?.message}
              type="number"
              inputMode="numeric"
              min={1}
              max={10}
              {...register("maxAttempts", { valueAsNumber: true })}
            />
            <InputField
              label={t("groups.fieldRetryOn")}
              hint={t("groups.fieldRetryOnHint")}
              error={errors.retryOn?.message}
              fieldClassName="sm:col-span-2"
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
              {...register("retryOn")}
            />
            {TIMEOUTS.map(({ name, label }, index) => (
              <InputField
                key={name}
                label={t(label)}
                hint={t("groups.timeoutHint", { human: humanizeMs(Number(watched[index])) })}
                error={errors[name]?.message}
                type="number"
                inputMode="numeric"
                min={100}
                step={100}
                {...register(name, { valueAsNumber: true })}
              />
            ))}
            <TextareaField
              label={t("groups.fieldDescription")}
              error={errors.description?.message}
              fieldClassName="sm:col-span-2"
              rows={2}
              {...register("description")}
            />
          </fieldset>
          <fieldset disabled={disabled} className="grid gap-5 border-t pt-5 sm:grid-cols-2">
            <legend className="sr-only">{t("groups.limitsCaptureTitle")}</legend>
            <InputField
              label={t("groups.fieldGroupRateLimit")}
              hint={t("groups.fieldGroupRateLimitHint")}
              error={errors.rateLimitPerMinute?.message}
              inputMode="numeric"
              autoComplete="off"
              placeholder={t("groups.noLimit")}
              {...register("rateLimitPerMinute")}
            />
            <SelectField
              control={control}
              name="capture"
              label={t("groups.fieldCapture")}
              hint={t(`groups.captureHint_${capture}`)}
              options={CAPTURE_MODES.map((mode) => ({ value: mode, label: t(`groups.capture_${mode}`) }))}
              disabled={disabled}
            />
            <InputField
              label={t("groups.fieldCaptureSample")}
              hint={t("groups.fieldCaptureSampleHint")}
              error={errors.captureSamplePercent?.message}
              inputMode="decimal"
              autoComplete="off"
              {...register("captureSamplePercent")}
            />
            <InputField
              label={t("groups.fieldCaptureMax")}
              hint={t("groups.fieldCaptureMaxHint")}
              error={errors.captureMaxKib?.message}
              inputMode="numeric"
              autoComplete="off"
              {...register("captureMaxKib")}
            />
          </fieldset>
          <fieldset disabled={disabled} className="grid gap-5 border-t pt-5 sm:grid-cols-2">
            <legend className="sr-only">{t("groups.affinityTitle")}</legend>
            <SwitchField
              control={control}
              name="affinityEnabled"
              label={t("groups.fieldAffinity")}
              hint={t("groups.fieldAffinityHint")}
              className="rounded-lg border px-4 py-3 sm:col-span-2"
            />
            <InputField
              label={t("groups.fieldAffinityHeader")}
              hint={t("groups.fieldAffinityHeaderHint")}
              error={errors.affinityHeader?.message}
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
              placeholder={DEFAULT_AFFINITY_HEADER}
              {...register("affinityHeader")}
            />
            <InputField
              label={t("groups.fieldAffinityTtl")}
              hint={t("groups.fieldAffinityTtlHint")}
              error={errors.affinityTtlSeconds?.message}
              inputMode="numeric"
              autoComplete="off"
              placeholder={String(DEFAULT_AFFINITY_TTL_SECONDS)}
              {...register("affinityTtlSeconds")}
            />
            <InputField
              label={t("groups.fieldHashHeader")}
              hint={t("groups.fieldHashHeaderHint")}
              error={errors.hashHeader?.message}
              fieldClassName="sm:col-span-2"
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
              placeholder="x-user-id"
              {...register("hashHeader")}
            />
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
