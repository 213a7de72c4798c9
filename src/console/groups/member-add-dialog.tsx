"use client";

import { useMemo, useState } from "react";
import Link from "next/link";
import { Controller, useForm } from "react-hook-form";
import { z } from "zod";
import type { GroupDetail } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useT } from "@/i18n/i18n-provider";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { localizeCommonIssue } from "../forms/localize-issue";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { applyServerIssues } from "../forms/server-errors";
import { zodFormResolver } from "../forms/zod-form-resolver";
import { addMember } from "./group-api";

const schema = z.object({
  providerId: z.string().min(1),
  priority: z.int().min(0).max(1_000_000),
  weight: z
    .string()
    .refine((text) => text.trim() === "" || /^\d{1,7}$/.test(text.trim()), { params: { rule: "weight" } }),
});
type Values = z.input<typeof schema>;

export interface MemberAddDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  group: GroupDetail;
  /** Providers not yet in the group. */
  available: Provider[];
  /** False when no provider exists at all (points to the Providers page). */
  hasProviders: boolean;
  onAdded: (group: GroupDetail, providerName: string) => void;
}

/** Adds a provider to a group, by default as its own new tier after the existing ones. */
export function MemberAddDialog({
  open,
  onOpenChange,
  group,
  available,
  hasProviders,
  onAdded,
}: MemberAddDialogProps) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-md" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("groups.addMemberTitle", { group: group.name })}</DialogTitle>
          <DialogDescription>{t("groups.addMemberDescription")}</DialogDescription>
        </DialogHeader>
        {available.length === 0 ? (
          <>
            <p className="text-sm text-muted-foreground">
              {hasProviders ? t("groups.allProvidersAdded") : t("groups.noProvidersYet")}
            </p>
            <DialogFooter>
              {!hasProviders && (
                <Button asChild>
                  <Link href="/providers">{t("groups.goToProviders")}</Link>
                </Button>
              )}
              <Button variant="outline" onClick={() => onOpenChange(false)}>
                {t("common.close")}
              </Button>
            </DialogFooter>
          </>
        ) : (
          <AddForm
            group={group}
            available={available}
            onCancel={() => onOpenChange(false)}
            onAdded={onAdded}
          />
        )}
      </DialogContent>
    </Dialog>
  );
}

function AddForm({
  group,
  available,
  onCancel,
  onAdded,
}: {
  group: GroupDetail;
  available: Provider[];
  onCancel: () => void;
  onAdded: MemberAddDialogProps["onAdded"];
}) {
  const t = useT();
  const [formError, setFormError] = useState<string | null>(null);
  // Joining the last tier keeps traffic shared, the usual case for a pool of equivalent providers.
  const lastTier = group.providers.reduce((max, m) => Math.max(max, m.priority), 0);
  const resolver = useMemo(
    () =>
      zodFormResolver<Values>(schema, (issue) => {
        if (issue.path[0] === "providerId") return t("validation.required");
        if (issue.path[0] === "weight") return t("validation.wholeNumber");
        return localizeCommonIssue(t, issue);
      }),
    [t],
  );
  const { register, control, handleSubmit, setError, formState } = useForm<Values>({
    resolver,
    defaultValues: { providerId: "", priority: lastTier, weight: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    const provider = available.find((p) => p.id === values.providerId);
    try {
      const weight = values.weight.trim() === "" ? null : Number(values.weight);
      const detail = await addMember(group.id, {
        providerId: values.providerId,
        priority: values.priority,
        weight,
      });
      onAdded(detail, provider?.name ?? "");
    } catch (error) {
      if (applyServerIssues(error, setError, ["providerId", "priority", "weight"]) === 0) {
        setFormError(describeError(t, error));
      }
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <FormField label={t("groups.fieldProvider")} error={errors.providerId?.message} required>
        <Controller
          control={control}
          name="providerId"
          render={({ field }) => (
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger className="w-full" onBlur={field.onBlur} ref={field.ref}>
                  <SelectValue placeholder={t("groups.fieldProviderPlaceholder")} />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {available.map((provider) => (
                  <SelectItem key={provider.id} value={provider.id}>
                    {provider.name}
                    <span className="text-xs text-muted-foreground">
                      {provider.enabled ? `· ${provider.weight}` : `· ${t("common.disabled")}`}
                    </span>
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
      </FormField>
      <div className="grid gap-5 sm:grid-cols-2 sm:items-start">
        <FormField
          label={t("groups.fieldPriority")}
          hint={t("groups.fieldPriorityHint")}
          error={errors.priority?.message}
        >
          <FormControl>
            <Input
              type="number"
              inputMode="numeric"
              min={0}
              step={1}
              {...register("priority", { valueAsNumber: true })}
            />
          </FormControl>
        </FormField>
        <FormField
          label={t("groups.fieldWeightOverride")}
          hint={t("groups.fieldWeightOverrideHint")}
          error={errors.weight?.message}
        >
          <FormControl>
            <Input inputMode="numeric" autoComplete="off" {...register("weight")} />
          </FormControl>
        </FormField>
      </div>
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={isSubmitting} submitLabel={t("common.add")} />
    </form>
  );
}
