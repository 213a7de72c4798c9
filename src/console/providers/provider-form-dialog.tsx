"use client";

import { useMemo, useState } from "react";
import { Controller, useFieldArray, useForm, useWatch, type FieldPath } from "react-hook-form";
import { PlusIcon, Trash2Icon } from "lucide-react";
import type { Provider } from "@/contracts/providers";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { PasswordInput } from "@/components/ui/password-input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { useT } from "@/i18n/i18n-provider";
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { applyServerIssues } from "../forms/server-errors";
import { zodFormResolver } from "../forms/zod-form-resolver";
import { createProvider, updateProvider } from "./provider-api";
import { ProviderTestButton } from "./provider-test";
import {
  createProviderFormSchema,
  emptyProviderForm,
  localizeProviderIssue,
  providerToFormValues,
  toCreatePayload,
  toUpdatePayload,
  type ProviderFormValues,
} from "./provider-form-model";

export interface ProviderFormDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The provider to edit; undefined to create one. */
  provider?: Provider;
  /** Called with the saved provider after a successful create or update. */
  onSaved: (provider: Provider, mode: "create" | "edit") => void;
}

/** The create / edit provider dialog. */
export function ProviderFormDialog({ open, onOpenChange, provider, onSaved }: ProviderFormDialogProps) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-2xl" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>
            {provider ? t("providers.editTitle", { name: provider.name }) : t("providers.createTitle")}
          </DialogTitle>
          <DialogDescription>
            {provider ? t("providers.editDescription") : t("providers.createDescription")}
          </DialogDescription>
        </DialogHeader>
        {/* The content unmounts once closed, so every opening starts from the provider's current values. */}
        <ProviderForm provider={provider} onCancel={() => onOpenChange(false)} onSaved={onSaved} />
      </DialogContent>
    </Dialog>
  );
}

const FIELDS: readonly FieldPath<ProviderFormValues>[] = [
  "name",
  "baseUrl",
  "authStyle",
  "apiKey",
  "weight",
  "enabled",
  "healthCheckPath",
  "headers",
  "description",
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
  const [formError, setFormError] = useState<string | null>(null);
  const resolver = useMemo(
    () =>
      zodFormResolver<ProviderFormValues>(createProviderFormSchema(), (issue) =>
        localizeProviderIssue(t, issue),
      ),
    [t],
  );
  const form = useForm<ProviderFormValues, unknown, ProviderFormValues>({
    resolver,
    defaultValues: provider ? providerToFormValues(provider) : emptyProviderForm(),
  });
  const { register, control, handleSubmit, setError, formState } = form;
  const headers = useFieldArray({ control, name: "headers" });
  const authStyle = useWatch({ control, name: "authStyle" });
  const removeApiKey = useWatch({ control, name: "removeApiKey" });
  const { errors, isSubmitting, isDirty } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      const saved = provider
        ? await updateProvider(provider.id, toUpdatePayload(values, provider))
        : await createProvider(toCreatePayload(values));
      onSaved(saved, provider ? "edit" : "create");
    } catch (error) {
      if (isApiError(error) && error.code === "PROVIDER_NAME_TAKEN") {
        setError("name", { type: "server", message: error.message }, { shouldFocus: true });
        return;
      }
      const placed = applyServerIssues(error, setError, FIELDS, (path) => headerRowPath(path, values));
      if (placed === 0) setFormError(describeError(t, error));
    }
  });

  const credentialDisabled = authStyle === "none" || removeApiKey;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <FormField
        label={t("providers.fieldName")}
        hint={t("providers.fieldNameHint")}
        error={errors.name?.message}
        required
      >
        <FormControl>
          <Input autoComplete="off" autoFocus {...register("name")} />
        </FormControl>
      </FormField>

      <FormField
        label={t("providers.fieldBaseUrl")}
        hint={t("providers.fieldBaseUrlHint")}
        error={errors.baseUrl?.message}
        required
      >
        <FormControl>
          <Input
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://api.example.com"
            className="font-mono"
            {...register("baseUrl")}
          />
        </FormControl>
      </FormField>

      <div className="grid gap-5 sm:grid-cols-[14rem_1fr]">
        <FormField label={t("providers.fieldAuthStyle")} error={errors.authStyle?.message}>
          <Controller
            control={control}
            name="authStyle"
            render={({ field }) => (
              <Select value={field.value} onValueChange={field.onChange}>
                <FormControl>
                  <SelectTrigger className="w-full" onBlur={field.onBlur} ref={field.ref}>
                    <SelectValue />
                  </SelectTrigger>
                </FormControl>
                <SelectContent>
                  <SelectItem value="bearer">{t("providers.authBearer")}</SelectItem>
                  <SelectItem value="x-api-key">{t("providers.authXApiKey")}</SelectItem>
                  <SelectItem value="none">{t("providers.authNone")}</SelectItem>
                </SelectContent>
              </Select>
            )}
          />
        </FormField>
        <FormField
          label={t("providers.fieldApiKey")}
          error={errors.apiKey?.message}
          hint={
            provider?.hasApiKey
              ? t("providers.fieldApiKeyHintKeep", { masked: provider.apiKeyMasked ?? "••••" })
              : t("providers.fieldApiKeyHintNew")
          }
        >
          <FormControl>
            <PasswordInput
              autoComplete="new-password"
              className="font-mono"
              disabled={credentialDisabled}
              placeholder={provider?.hasApiKey ? t("providers.fieldApiKeyPlaceholderKeep") : "sk-…"}
              showLabel={t("common.show")}
              hideLabel={t("common.hide")}
              {...register("apiKey")}
            />
          </FormControl>
        </FormField>
      </div>
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
        <FormField
          label={t("providers.fieldWeight")}
          hint={t("providers.fieldWeightHint")}
          error={errors.weight?.message}
        >
          <FormControl>
            <Input
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              {...register("weight", { valueAsNumber: true })}
            />
          </FormControl>
        </FormField>
        <FormField
          label={t("providers.fieldHealthCheckPath")}
          hint={t("providers.fieldHealthCheckPathHint")}
          error={errors.healthCheckPath?.message}
        >
          <FormControl>
            <Input
              autoComplete="off"
              spellCheck={false}
              placeholder="/v1/models"
              className="font-mono"
              {...register("healthCheckPath")}
            />
          </FormControl>
        </FormField>
      </div>

      <Controller
        control={control}
        name="enabled"
        render={({ field }) => (
          <FormField
            inline
            label={t("providers.fieldEnabled")}
            hint={t("providers.fieldEnabledHint")}
            className="rounded-lg border px-4 py-3"
          >
            <FormControl>
              <Switch checked={field.value} onCheckedChange={field.onChange} onBlur={field.onBlur} />
            </FormControl>
          </FormField>
        )}
      />

      <fieldset className="grid gap-2">
        <legend className="mb-2 text-sm font-medium">{t("providers.fieldHeaders")}</legend>
        <p className="-mt-1 text-xs text-muted-foreground">{t("providers.fieldHeadersHint")}</p>
        {headers.fields.map((row, index) => {
          const rowErrors = errors.headers?.[index];
          return (
            <div key={row.id} className="grid grid-cols-[1fr_1fr_auto] items-start gap-2">
              <div className="grid gap-1">
                <Input
                  aria-label={`${t("providers.headerName")} ${index + 1}`}
                  aria-invalid={rowErrors?.name ? true : undefined}
                  placeholder={t("providers.headerName")}
                  autoComplete="off"
                  spellCheck={false}
                  className="font-mono"
                  {...register(`headers.${index}.name`)}
                />
                {rowErrors?.name?.message && (
                  <p className="text-xs font-medium text-destructive">{rowErrors.name.message}</p>
                )}
              </div>
              <div className="grid gap-1">
                <Input
                  aria-label={`${t("providers.headerValue")} ${index + 1}`}
                  aria-invalid={rowErrors?.value ? true : undefined}
                  placeholder={t("providers.headerValue")}
                  autoComplete="off"
                  spellCheck={false}
                  className="font-mono"
                  {...register(`headers.${index}.value`)}
                />
                {rowErrors?.value?.message && (
                  <p className="text-xs font-medium text-destructive">{rowErrors.value.message}</p>
                )}
              </div>
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

      <FormField label={t("providers.fieldDescription")} error={errors.description?.message}>
        <FormControl>
          <Textarea rows={2} {...register("description")} />
        </FormControl>
      </FormField>

      <FormError>{formError}</FormError>

      <DialogFormFooter
        onCancel={onCancel}
        busy={isSubmitting}
        submitLabel={provider ? t("common.save") : t("common.create")}
        busyLabel={t("common.saving")}
        extra={provider && <ProviderTestButton provider={provider} dirty={isDirty} />}
      />
    </form>
  );
}

// The API reports header problems as `headers.<Name>`; the form shows them on that row's name field.
function headerRowPath(
  apiPath: string,
  values: ProviderFormValues,
): FieldPath<ProviderFormValues> | undefined {
  const match = /^headers(?:\.|\[")(.+?)(?:"\])?$/.exec(apiPath);
  if (!match) return undefined;
  const name = match[1]?.toLowerCase();
  const index = values.headers.findIndex((row) => row.name.trim().toLowerCase() === name);
  return index >= 0 ? `headers.${index}.name` : undefined;
}
