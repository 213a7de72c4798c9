"use client";

import { useMemo } from "react";
import { Controller, useFieldArray, useWatch, type FieldPath } from "react-hook-form";
import { PlusIcon, Trash2Icon } from "lucide-react";
import type { Provider } from "@/contracts/providers";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useT } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { FormError } from "../form-error";
import { SelectField, SwitchField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { InputField, PasswordField, TextareaField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { createProvider, updateProvider } from "./provider-api";
import { ProviderTestButton } from "./provider-test";
import {
  AUTH_STYLE_CHOICES,
  authFieldsForBaseUrl,
  createProviderFormSchema,
  emptyProviderForm,
  headerRowPath,
  localizeProviderIssue,
  providerToFormValues,
  toCreatePayload,
  toUpdatePayload,
  type ProviderFormValues,
} from "./provider-form-model";

export interface ProviderFormDialogProps extends DialogOpenProps {
  /** The provider to edit; undefined to create one. */
  provider?: Provider;
  /** Called with the saved provider after a successful create or update. */
  onSaved: (provider: Provider, mode: "create" | "edit") => void;
}

/** The create / edit provider dialog. */
export function ProviderFormDialog({ open, onOpenChange, provider, onSaved }: ProviderFormDialogProps) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-2xl"
      title={provider ? t("providers.editTitle", { name: provider.name }) : t("providers.createTitle")}
      description={provider ? t("providers.editDescription") : t("providers.createDescription")}
    >
      <ProviderForm provider={provider} onCancel={() => onOpenChange(false)} onSaved={onSaved} />
    </FormDialog>
  );
}

/** The two inputs of a header row. */
const HEADER_PARTS: { part: "name" | "value"; label: MessageKey }[] = [
  { part: "name", label: "providers.headerName" },
  { part: "value", label: "providers.headerValue" },
];

const FIELDS: readonly FieldPath<ProviderFormValues>[] = [
  "name",
  "baseUrl",
  "authStyle",
  "authHeaderName",
  "apiKey",
  "weight",
  "enabled",
  "healthCheckPath",
  "headers",
  "description",
  "rateLimitPerMinute",
  "maxConcurrency",
  "models",
];

function ProviderForm({
  provider,
  onCancel,
  onSaved,
}: {
  provider?: Provider;
  onCancel: () => void;
  onSaved: ProviderFormDialogProps["onSaved"];
}) {
  const t = useT();
  const schema = useMemo(() => createProviderFormSchema(), []);
  const { form, onSubmit, formError, busy } = useDialogForm<ProviderFormValues, ProviderFormValues>({
    schema,
    localize: localizeProviderIssue,
    defaultValues: provider ? providerToFormValues(provider) : emptyProviderForm(),
    submit: async (values) => {
      const saved = provider
        ? await updateProvider(provider.id, toUpdatePayload(values, provider))
        : await createProvider(toCreatePayload(values));
      onSaved(saved, provider ? "edit" : "create");
    },
    serverFields: FIELDS,
    mapServerPath: headerRowPath,
    codeFields: { PROVIDER_NAME_TAKEN: { field: "name" } },
  });
  const { register, control, formState } = form;
  const headers = useFieldArray({ control, name: "headers" });
  const authStyle = useWatch({ control, name: "authStyle" });
  const removeApiKey = useWatch({ control, name: "removeApiKey" });
  const { errors, isDirty } = formState;

  const credentialDisabled = authStyle === "none" || removeApiKey;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <InputField
        label={t("providers.fieldName")}
        hint={t("providers.fieldNameHint")}
        error={errors.name?.message}
        required
        autoComplete="off"
        autoFocus
        {...register("name")}
      />

      <InputField
        label={t("providers.fieldBaseUrl")}
        hint={t("providers.fieldBaseUrlHint")}
        error={errors.baseUrl?.message}
        required
        type="url"
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        placeholder="https://api.example.com"
        className="font-mono"
        {...register("baseUrl", {
          // A new provider's auth style follows its host (Anthropic → x-api-key) until chosen by hand.
          onChange: (event: { target: { value: string } }) => {
            if (provider || formState.dirtyFields.authStyle || formState.dirtyFields.authHeaderName) return;
            const fields = authFieldsForBaseUrl(event.target.value);
            form.setValue("authStyle", fields.authStyle);
            form.setValue("authHeaderName", fields.authHeaderName);
          },
        })}
      />

      <div className="grid gap-5 sm:grid-cols-[14rem_1fr]">
        <SelectField
          control={control}
          name="authStyle"
          label={t("providers.fieldAuthStyle")}
          options={AUTH_STYLE_CHOICES.map((style) => ({
            value: style,
            label: t(`providers.authStyle_${style}`),
          }))}
        />
        <PasswordField
          label={t("providers.fieldApiKey")}
          error={errors.apiKey?.message}
          hint={
            provider?.hasApiKey
              ? t("providers.fieldApiKeyHintKeep", { masked: provider.apiKeyMasked ?? "••••" })
              : t("providers.fieldApiKeyHintNew")
          }
          autoComplete="new-password"
          className="font-mono"
          disabled={credentialDisabled}
          placeholder={provider?.hasApiKey ? t("providers.fieldApiKeyPlaceholderKeep") : "sk-…"}
          showLabel={t("common.show")}
          hideLabel={t("common.hide")}
          {...register("apiKey")}
        />
      </div>
      {authStyle === "header" && (
        <InputField
          label={t("providers.fieldAuthHeaderName")}
          hint={t("providers.fieldAuthHeaderNameHint")}
          error={errors.authHeaderName?.message}
          required
          autoComplete="off"
          spellCheck={false}
          placeholder="x-goog-api-key"
          className="font-mono"
          {...register("authHeaderName")}
        />
      )}
      {provider?.hasApiKey && (
        <Controller
          control={control}
          name="removeApiKey"
          render={({ field }) => (
            <div className="-mt-2 flex items-center gap-2 sm:ml-[calc(14rem+1.25rem)]">
              <Checkbox
                id="provider-remove-key"
                checked={field.value}
                onCheckedChange={(v) => field.onChange(v === true)}
              />
              <Label htmlFor="provider-remove-key" className="font-normal text-muted-foreground">
                {t("providers.fieldApiKeyRemove")}
              </Label>
            </div>
          )}
        />
      )}

      <div className="grid gap-5 sm:grid-cols-[10rem_1fr] sm:items-start">
        <InputField
          label={t("providers.fieldWeight")}
          hint={t("providers.fieldWeightHint")}
          error={errors.weight?.message}
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          {...register("weight", { valueAsNumber: true })}
        />
        <InputField
          label={t("providers.fieldHealthCheckPath")}
          hint={t("providers.fieldHealthCheckPathHint")}
          error={errors.healthCheckPath?.message}
          autoComplete="off"
          spellCheck={false}
          placeholder="/v1/models"
          className="font-mono"
          {...register("healthCheckPath")}
        />
      </div>

      <div className="grid gap-5 sm:grid-cols-2 sm:items-start">
        <InputField
          label={t("providers.fieldRateLimit")}
          hint={t("providers.fieldRateLimitHint")}
          error={errors.rateLimitPerMinute?.message}
          inputMode="numeric"
          autoComplete="off"
          placeholder={t("providers.noCap")}
          {...register("rateLimitPerMinute")}
        />
        <InputField
          label={t("providers.fieldConcurrency")}
          hint={t("providers.fieldConcurrencyHint")}
          error={errors.maxConcurrency?.message}
          inputMode="numeric"
          autoComplete="off"
          placeholder={t("providers.noCap")}
          {...register("maxConcurrency")}
        />
      </div>

      <TextareaField
        label={t("providers.fieldModels")}
        hint={t("providers.fieldModelsHint")}
        error={errors.models?.message}
        rows={3}
        spellCheck={false}
        autoComplete="off"
        className="font-mono"
        placeholder={"gpt-4.1*\nclaude-sonnet-*"}
        {...register("models")}
      />

      <SwitchField
        control={control}
        name="enabled"
        label={t("providers.fieldEnabled")}
        hint={t("providers.fieldEnabledHint")}
        className="rounded-lg border px-4 py-3"
      />

      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm font-medium">{t("providers.fieldHeaders")}</legend>
        <p className="-mt-1 text-xs text-muted-foreground">{t("providers.fieldHeadersHint")}</p>
        {headers.fields.map((row, index) => {
          const rowErrors = errors.headers?.[index];
          return (
            <div key={row.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
              {HEADER_PARTS.map(({ part, label }) => {
                const message = rowErrors?.[part]?.message;
                return (
                  <div key={part} className="grid gap-1">
                    <Input
                      aria-label={`${t(label)} ${index + 1}`}
                      aria-invalid={rowErrors?.[part] ? true : undefined}
                      placeholder={t(label)}
                      autoComplete="off"
                      spellCheck={false}
                      className="font-mono"
                      {...register(`headers.${index}.${part}`)}
                    />
                    {message && <p className="text-xs font-medium text-destructive">{message}</p>}
                  </div>
                );
              })}
              <Button
                type="button"
                variant="ghost"
                size="icon"
                onClick={() => headers.remove(index)}
                aria-label={t("providers.removeHeader", { index: index + 1 })}
              >
                <Trash2Icon />
              </Button>
            </div>
          );
        })}
        <div>
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() => headers.append({ name: "", value: "" })}
          >
            <PlusIcon />
            {t("providers.addHeader")}
          </Button>
        </div>
      </fieldset>

      <TextareaField
        label={t("providers.fieldDescription")}
        error={errors.description?.message}
        rows={2}
        {...register("description")}
      />

      <FormError>{formError}</FormError>

      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={provider ? t("common.save") : t("common.create")}
        busyLabel={t("common.saving")}
        extra={provider && <ProviderTestButton provider={provider} dirty={isDirty} />}
      />
    </form>
  );
}
