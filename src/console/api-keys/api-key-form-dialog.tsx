"use client";

import { useMemo, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import type { ApiKey, CreatedApiKey } from "@/contracts/api-keys";
import type { Group } from "@/contracts/groups";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import {
  Select,
  SelectContent,
  SelectItem,
  SelectSeparator,
  SelectTrigger,
  SelectValue,
} from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { useT } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { applyServerIssues } from "../forms/server-errors";
import { zodFormResolver } from "../forms/zod-form-resolver";
import { createApiKey, updateApiKey } from "./api-key-api";
import {
  apiKeyFormSchema,
  apiKeyToFormValues,
  emptyApiKeyForm,
  GLOBAL_SCOPE,
  localizeApiKeyIssue,
  toCreatePayload,
  toUpdatePayload,
  type ApiKeyFormValues,
} from "./api-key-form-model";

export interface ApiKeyFormDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
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
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-lg" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>
            {apiKey ? t("apiKeys.editTitle", { name: apiKey.name }) : t("apiKeys.createTitle")}
          </DialogTitle>
          <DialogDescription>
            {apiKey ? t("apiKeys.editDescription") : t("apiKeys.createDescription")}
          </DialogDescription>
        </DialogHeader>
        <KeyForm
          apiKey={apiKey}
          groups={groups}
          onCancel={() => onOpenChange(false)}
          onCreated={onCreated}
          onUpdated={onUpdated}
        />
      </DialogContent>
    </Dialog>
  );
}

function KeyForm({
  apiKey,
  groups,
  onCancel,
  onCreated,
  onUpdated,
}: Omit<ApiKeyFormDialogProps, "open" | "onOpenChange"> & { onCancel: () => void }) {
  const t = useT();
  const [formError, setFormError] = useState<string | null>(null);
  const resolver = useMemo(
    () => zodFormResolver<ApiKeyFormValues>(apiKeyFormSchema, (issue) => localizeApiKeyIssue(t, issue)),
    [t],
  );
  const { register, control, handleSubmit, setError, formState } = useForm<ApiKeyFormValues>({
    resolver,
    defaultValues: apiKey ? apiKeyToFormValues(apiKey) : emptyApiKeyForm(),
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      if (apiKey) onUpdated(await updateApiKey(apiKey.id, toUpdatePayload(values, apiKey)));
      else onCreated(await createApiKey(toCreatePayload(values)));
    } catch (error) {
      const placed = applyServerIssues(
        error,
        setError,
        ["name", "rateLimitPerMinute", "maxConcurrency", "note"],
        (path) => (path === "groupId" ? "scope" : path === "expiresAt" ? "expiresOn" : undefined),
      );
      if (placed === 0) setFormError(describeError(t, error));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <FormField
        label={t("apiKeys.fieldName")}
        hint={t("apiKeys.fieldNameHint")}
        error={errors.name?.message}
        required
      >
        <FormControl>
          <Input autoComplete="off" autoFocus {...register("name")} />
        </FormControl>
      </FormField>
      <FormField
        label={t("apiKeys.fieldScope")}
        hint={t("apiKeys.fieldScopeHint")}
        error={errors.scope?.message}
      >
        <Controller
          control={control}
          name="scope"
          render={({ field }) => (
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger className="w-full" onBlur={field.onBlur} ref={field.ref}>
                  <SelectValue />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                <SelectItem value={GLOBAL_SCOPE}>{t("apiKeys.scopeGlobal")}</SelectItem>
                {groups.length > 0 && <SelectSeparator />}
                {groups.map((group) => (
                  <SelectItem key={group.id} value={group.id}>
                    {group.name}
                    <span className="font-mono text-xs text-muted-foreground">{group.slug}</span>
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
      </FormField>
      <div className="grid gap-5 sm:grid-cols-2 sm:items-start">
        <FormField
          label={t("apiKeys.fieldRateLimit")}
          hint={t("apiKeys.fieldRateLimitHint")}
          error={errors.rateLimitPerMinute?.message}
        >
          <FormControl>
            <Input
              inputMode="numeric"
              autoComplete="off"
              placeholder={t("apiKeys.unlimited")}
              {...register("rateLimitPerMinute")}
            />
          </FormControl>
        </FormField>
        <FormField
          label={t("apiKeys.fieldConcurrency")}
          hint={t("apiKeys.fieldConcurrencyHint")}
          error={errors.maxConcurrency?.message}
        >
          <FormControl>
            <Input
              inputMode="numeric"
              autoComplete="off"
              placeholder={t("apiKeys.unlimited")}
              {...register("maxConcurrency")}
            />
          </FormControl>
        </FormField>
      </div>
      <FormField
        label={t("apiKeys.fieldExpires")}
        hint={t("apiKeys.fieldExpiresHint")}
        error={errors.expiresOn?.message}
      >
        <FormControl>
          <Input type="date" className="w-full sm:w-48" {...register("expiresOn")} />
        </FormControl>
      </FormField>
      <FormField label={t("apiKeys.fieldNote")} error={errors.note?.message}>
        <FormControl>
          <Textarea rows={2} {...register("note")} />
        </FormControl>
      </FormField>
      {apiKey && (
        <Controller
          control={control}
          name="enabled"
          render={({ field }) => (
            <FormField
              inline
              label={t("apiKeys.fieldEnabled")}
              hint={t("apiKeys.fieldEnabledHint")}
              className="rounded-lg border px-4 py-3"
            >
              <FormControl>
                <Switch checked={field.value} onCheckedChange={field.onChange} onBlur={field.onBlur} />
              </FormControl>
            </FormField>
          )}
        />
      )}
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={isSubmitting}
        submitLabel={apiKey ? t("common.save") : t("apiKeys.generate")}
        busyLabel={t("common.saving")}
      />
    </form>
  );
}
