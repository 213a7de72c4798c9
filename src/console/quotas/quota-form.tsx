"use client";

import { useMemo, useState } from "react";
import { useForm, type FieldPath } from "react-hook-form";
import { LoaderCircleIcon } from "lucide-react";
import type { Quota } from "@/contracts/quota";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import type { MessageKey } from "@/i18n/types";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { InputField } from "../forms/input-fields";
import { placeServerError } from "../forms/server-errors";
import { zodFormResolver } from "../forms/zod-form-resolver";
import {
  formValuesToQuota,
  localizeQuotaIssue,
  QUOTA_METRICS,
  quotaFormSchema,
  quotaToFormValues,
  type QuotaFormValues,
  type QuotaMetric,
} from "./quota-form-model";

const LABELS: Record<QuotaMetric, MessageKey> = {
  requestsPerDay: "quotas.requestsPerDay",
  tokensPerDay: "quotas.tokensPerDay",
  tokensPerMonth: "quotas.tokensPerMonth",
  costPerMonthUsd: "quotas.costPerMonthUsd",
};

const SERVER_FIELDS: readonly FieldPath<QuotaFormValues>[] = QUOTA_METRICS;

/**
 * A quota (key or tenant) as an always-visible form: one field per limit, empty = unlimited. `save`
 * receives the whole quota (null when every field is empty); server issues under `quota.<field>` land
 * on the field. Read-only without `canEdit`.
 */
export function QuotaForm({
  quota,
  canEdit,
  description,
  save,
}: {
  quota: Quota | Record<string, number | null> | null;
  canEdit: boolean;
  description: string;
  save: (quota: Quota | null) => Promise<void>;
}) {
  const t = useT();
  const [formError, setFormError] = useState<string | null>(null);
  const resolver = useMemo(
    () => zodFormResolver<QuotaFormValues>(quotaFormSchema, (issue) => localizeQuotaIssue(t, issue)),
    [t],
  );
  const form = useForm<QuotaFormValues>({
    resolver,
    values: quotaToFormValues(quota),
    resetOptions: { keepDirtyValues: true },
  });
  const { register, handleSubmit, setError, reset, formState } = form;
  const { errors, isSubmitting, isDirty } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      await save(formValuesToQuota(values));
      toast.success(t("quotas.saved"));
    } catch (error) {
      const placed = placeServerError(error, setError, {
        mapServerPath: (path) => {
          const field = path.replace(/^quota\./, "");
          return SERVER_FIELDS.find((name) => name === field);
        },
      });
      if (placed === 0) setFormError(describeError(t, error));
    }
  });

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6" data-testid="quota-form">
        <CardHeader>
          <CardTitle>{t("quotas.title")}</CardTitle>
          <CardDescription>{description}</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-5">
          <fieldset disabled={!canEdit} className="grid gap-5 sm:grid-cols-2">
            {QUOTA_METRICS.map((metric) => (
              <InputField
                key={metric}
                label={t(LABELS[metric])}
                hint={t(metric === "costPerMonthUsd" ? "quotas.costHint" : "quotas.countHint")}
                error={errors[metric]?.message}
                inputMode={metric === "costPerMonthUsd" ? "decimal" : "numeric"}
                autoComplete="off"
                placeholder={t("quotas.unlimited")}
                {...register(metric)}
              />
            ))}
          </fieldset>
          <FormError>{formError}</FormError>
        </CardContent>
        {canEdit && (
          <CardFooter className="justify-end gap-2 border-t pt-6 [.border-t]:pt-6">
            <Button type="button" variant="ghost" disabled={!isDirty || isSubmitting} onClick={() => reset()}>
              {t("quotas.reset")}
            </Button>
            <Button type="submit" disabled={!isDirty || isSubmitting}>
              {isSubmitting && <LoaderCircleIcon className="animate-spin" aria-hidden />}
              {isSubmitting ? t("common.saving") : t("quotas.save")}
            </Button>
          </CardFooter>
        )}
      </form>
    </Card>
  );
}
