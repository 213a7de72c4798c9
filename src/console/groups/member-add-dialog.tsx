"use client";

import Link from "next/link";
import { z } from "zod";
import type { GroupDetail } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { FormError } from "../form-error";
import { SelectField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { InputField } from "../forms/input-fields";
import { localizeCommonIssue } from "../forms/localize-issue";
import { useDialogForm } from "../forms/use-dialog-form";
import type { FormIssue } from "../forms/zod-form-resolver";
import { addMember } from "./group-api";

const schema = z.object({
  providerId: z.string().min(1),
  priority: z.int().min(0).max(1_000_000),
  weight: z
    .string()
    .refine((text) => text.trim() === "" || /^\d{1,7}$/.test(text.trim()), { params: { rule: "weight" } }),
});
type Values = z.input<typeof schema>;
type Payload = z.output<typeof schema>;

function localizeMemberIssue(t: Translate, issue: FormIssue): string | undefined {
  if (issue.path[0] === "providerId") return t("validation.required");
  if (issue.path[0] === "weight") return t("validation.wholeNumber");
  return localizeCommonIssue(t, issue);
}

export interface MemberAddDialogProps extends DialogOpenProps {
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
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-md"
      title={t("groups.addMemberTitle", { group: group.name })}
      description={t("groups.addMemberDescription")}
    >
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
        <AddForm group={group} available={available} onCancel={() => onOpenChange(false)} onAdded={onAdded} />
      )}
    </FormDialog>
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
  // Joining the last tier keeps traffic shared, the usual case for a pool of equivalent providers.
  const lastTier = group.providers.reduce((max, m) => Math.max(max, m.priority), 0);
  const { form, onSubmit, formError, busy } = useDialogForm<Values, Payload>({
    schema,
    localize: localizeMemberIssue,
    defaultValues: { providerId: "", priority: lastTier, weight: "" },
    submit: async (values) => {
      const provider = available.find((p) => p.id === values.providerId);
      const weight = values.weight.trim() === "" ? null : Number(values.weight);
      const detail = await addMember(group.id, {
        providerId: values.providerId,
        priority: values.priority,
        weight,
      });
      onAdded(detail, provider?.name ?? "");
    },
    serverFields: ["providerId", "priority", "weight"],
  });
  const { register, control, formState } = form;
  const { errors } = formState;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      <SelectField
        control={control}
        name="providerId"
        label={t("groups.fieldProvider")}
        required
        placeholder={t("groups.fieldProviderPlaceholder")}
        options={available.map((provider) => ({
          value: provider.id,
          label: (
            <>
              {provider.name}
              <span className="text-xs text-muted-foreground">
                {provider.enabled ? `· ${provider.weight}` : `· ${t("common.disabled")}`}
              </span>
            </>
          ),
        }))}
      />
      <div className="grid gap-5 sm:grid-cols-2 sm:items-start">
        <InputField
          label={t("groups.fieldPriority")}
          hint={t("groups.fieldPriorityHint")}
          error={errors.priority?.message}
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          {...register("priority", { valueAsNumber: true })}
        />
        <InputField
          label={t("groups.fieldWeightOverride")}
          hint={t("groups.fieldWeightOverrideHint")}
          error={errors.weight?.message}
          inputMode="numeric"
          autoComplete="off"
          {...register("weight")}
        />
      </div>
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={busy} submitLabel={t("common.add")} />
    </form>
  );
}
