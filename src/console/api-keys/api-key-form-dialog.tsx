"use client";

import type { ApiKey, CreatedApiKey } from "@/contracts/api-keys";
import type { Group } from "@/contracts/groups";
import { useT } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { FormError } from "../form-error";
import { SelectField, SwitchField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { InputField, TextareaField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { createApiKey, updateApiKey } from "./api-key-api";
import {
  apiKeyFormSchema,
  apiKeyToFormValues,
  emptyApiKeyForm,
  GLOBAL_SCOPE,
  KEY_CAPTURE_CHOICES,
  localizeApiKeyIssue,
  toCreatePayload,
  toUpdatePayload,
  type ApiKeyFormValues,
} from "./api-key-form-model";

/** The two optional limits, typed as text (empty = no limit). */
type LimitField =
  | "rateLimitPerMinute"
  | "maxConcurrency"
  | "quotaRequestsPerDay"
  | "quotaTokensPerDay"
  | "quotaTokensPerMonth"
  | "quotaCostPerMonthUsd";
const LIMITS: { name: LimitField; label: MessageKey; hint: MessageKey }[] = [
  { name: "rateLimitPerMinute", label: "apiKeys.fieldRateLimit", hint: "apiKeys.fieldRateLimitHint" },
  { name: "maxConcurrency", label: "apiKeys.fieldConcurrency", hint: "apiKeys.fieldConcurrencyHint" },
  { name: "quotaRequestsPerDay", label: "apiKeys.fieldQuotaRequestsPerDay", hint: "apiKeys.fieldQuotaHint" },
  { name: "quotaTokensPerDay", label: "apiKeys.fieldQuotaTokensPerDay", hint: "apiKeys.fieldQuotaHint" },
  { name: "quotaTokensPerMonth", label: "apiKeys.fieldQuotaTokensPerMonth", hint: "apiKeys.fieldQuotaHint" },
  {
    name: "quotaCostPerMonthUsd",
    label: "apiKeys.fieldQuotaCostPerMonth",
    hint: "apiKeys.fieldQuotaCostHint",
  },
];

export interface ApiKeyFormDialogProps extends DialogOpenProps {
  /** The key to edit; undefined to generate a new one. */
  apiKey?: ApiKey;
  groups: Group[];
  onCreated: (created: CreatedApiKey) => void;
  onUpdated: (key: ApiKey) => void;
}

/** Generate a key, or edit one's name, scope, limits, expiry and note. */
export function ApiKeyFormDialog({
  open,
  onOpenChange,
  apiKey,
  groups,
  onCreated,
  onUpdated,
}: ApiKeyFormDialogProps) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-lg"
      title={apiKey ? t("apiKeys.editTitle", { name: apiKey.name }) : t("apiKeys.createTitle")}
      description={apiKey ? t("apiKeys.editDescription") : t("apiKeys.createDescription")}
    >
      <KeyForm
        apiKey={apiKey}
        groups={groups}
        onCancel={() => onOpenChange(false)}
        onCreated={onCreated}
        onUpdated={onUpdated}
      />
    </FormDialog>
  );
}

function KeyForm({
  apiKey,
  groups,
  onCancel,
  onCreated,
  onUpdated,
}: Omit<ApiKeyFormDialogProps, keyof DialogOpenProps> & { onCancel: () => void }) {
  const t = useT();
  const { form, onSubmit, formError, busy } = useDialogForm<ApiKeyFormValues, ApiKeyFormValues>({
    schema: apiKeyFormSchema,
    localize: localizeApiKeyIssue,
    defaultValues: apiKey ? apiKeyToFormValues(apiKey) : emptyApiKeyForm(),
    submit: async (values) => {
      if (apiKey) onUpdated(await updateApiKey(apiKey.id, toUpdatePayload(values, apiKey)));
      else onCreated(await createApiKey(toCreatePayload(values)));
    },
    serverFields: ["name", "rateLimitPerMinute", "maxConcurrency", "note", "capture", "allowedModels"],
    mapServerPath: (path) => (path === "groupId" ? "scope" : path === "expiresAt" ? "expiresOn" : undefined),
  });
  const { register, control, formState } = form;
  const { errors } = formState;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <InputField
        label={t("apiKeys.fieldName")}
        hint={t("apiKeys.fieldNameHint")}
        error={errors.name?.message}
        required
        autoComplete="off"
        autoFocus
        {...register("name")}
      />
      <SelectField
        control={control}
        name="scope"
        label={t("apiKeys.fieldScope")}
        hint={t("apiKeys.fieldScopeHint")}
        options={[
          { value: GLOBAL_SCOPE, label: t("apiKeys.scopeGlobal") },
          ...groups.map((group, index) => ({
            value: group.id,
            label: (
              <>
                {group.name}
                <span className="font-mono text-xs text-muted-foreground">{group.slug}</span>
              </>
            ),
            separatorBefore: index === 0,
          })),
        ]}
      />
      <div className="grid gap-5 sm:grid-cols-2 sm:items-start">
        {LIMITS.map(({ name, label, hint }) => (
          <InputField
            key={name}
            label={t(label)}
            hint={t(hint)}
            error={errors[name]?.message}
            inputMode="numeric"
            autoComplete="off"
            placeholder={t("apiKeys.unlimited")}
            {...register(name)}
          />
        ))}
      </div>
      <SelectField
        control={control}
        name="capture"
        label={t("apiKeys.fieldCapture")}
        hint={t("apiKeys.fieldCaptureHint")}
        options={KEY_CAPTURE_CHOICES.map((choice) => ({
          value: choice,
          label: t(`apiKeys.capture_${choice}`),
        }))}
      />
      <TextareaField
        label={t("apiKeys.fieldAllowedModels")}
        hint={t("apiKeys.fieldAllowedModelsHint")}
        error={errors.allowedModels?.message}
        rows={3}
        spellCheck={false}
        autoComplete="off"
        className="font-mono"
        placeholder={"gpt-4.1*\nclaude-sonnet-*"}
        {...register("allowedModels")}
      />
      <InputField
        label={t("apiKeys.fieldExpires")}
        hint={t("apiKeys.fieldExpiresHint")}
        error={errors.expiresOn?.message}
        type="date"
        className="w-full sm:w-48"
        {...register("expiresOn")}
      />
      <TextareaField
        label={t("apiKeys.fieldNote")}
        error={errors.note?.message}
        rows={2}
        {...register("note")}
      />
      {apiKey && (
        <SwitchField
          control={control}
          name="enabled"
          label={t("apiKeys.fieldEnabled")}
          hint={t("apiKeys.fieldEnabledHint")}
          className="rounded-lg border px-4 py-3"
        />
      )}
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={apiKey ? t("common.save") : t("apiKeys.generate")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}
