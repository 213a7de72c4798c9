"use client";

import Link from "next/link";
import { useFieldArray, type UseFormReturn } from "react-hook-form";
import { ArrowRightIcon, PlusIcon, Trash2Icon } from "lucide-react";
import type { GroupDetail, Member } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { useT } from "@/i18n/i18n-provider";
import { FormError } from "../form-error";
import { SelectField, SwitchField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { InputField, TextareaField } from "../forms/input-fields";
import { modelFieldPath } from "../forms/model-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { addMember, updateMember } from "./group-api";
import {
  emptyMemberForm,
  localizeMemberIssue,
  memberFormSchema,
  memberToFormValues,
  toMemberCreatePayload,
  toMemberUpdatePayload,
  type MemberFormValues,
} from "./member-form-model";

export interface MemberFormDialogProps extends DialogOpenProps {
  group: GroupDetail;
  /** The membership to edit; undefined to add a provider. */
  member?: Member;
  /** Providers not yet in the group (adding). */
  available: Provider[];
  /** False when no provider exists at all (points to the Providers page). */
  hasProviders: boolean;
  onSaved: (group: GroupDetail, providerName: string, mode: "add" | "edit") => void;
}

/**
 * Adds a provider to a group (by default as part of the last tier) or edits a membership: priority,
 * weight override, the models it serves here and its model aliases.
 */
export function MemberFormDialog({
  open,
  onOpenChange,
  group,
  member,
  available,
  hasProviders,
  onSaved,
}: MemberFormDialogProps) {
  const t = useT();
  const adding = member === undefined;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-xl"
      title={
        adding
          ? t("groups.addMemberTitle", { group: group.name })
          : t("groups.editMemberTitle", { name: member.providerName, group: group.name })
      }
      description={adding ? t("groups.addMemberDescription") : t("groups.editMemberDescription")}
    >
      {adding && available.length === 0 ? (
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
        <MemberForm
          group={group}
          member={member}
          available={available}
          onCancel={() => onOpenChange(false)}
          onSaved={onSaved}
        />
      )}
    </FormDialog>
  );
}

function MemberForm({
  group,
  member,
  available,
  onCancel,
  onSaved,
}: {
  group: GroupDetail;
  member?: Member;
  available: Provider[];
  onCancel: () => void;
  onSaved: MemberFormDialogProps["onSaved"];
}) {
  const t = useT();
  // Joining the last tier keeps traffic shared, the usual case for a pool of equivalent providers.
  const lastTier = group.providers.reduce((max, m) => Math.max(max, m.priority), 0);
  const { form, onSubmit, formError, busy } = useDialogForm<MemberFormValues, MemberFormValues>({
    schema: memberFormSchema,
    localize: localizeMemberIssue,
    defaultValues: member ? memberToFormValues(member) : emptyMemberForm(lastTier),
    submit: async (values) => {
      if (member) {
        const detail = await updateMember(group.id, member.providerId, toMemberUpdatePayload(values, member));
        onSaved(detail, member.providerName, "edit");
        return;
      }
      const provider = available.find((p) => p.id === values.providerId);
      const detail = await addMember(group.id, toMemberCreatePayload(values));
      onSaved(detail, provider?.name ?? "", "add");
    },
    serverFields: ["providerId", "priority", "weight", "enabled"],
    mapServerPath: (path, values) =>
      modelFieldPath(path, "models", values.aliases) as "models" | "aliases" | undefined,
  });
  const { register, control, formState } = form;
  const { errors } = formState;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-5">
      {!member && (
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
      )}
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
      {member && (
        <SwitchField
          control={control}
          name="enabled"
          label={t("groups.fieldMemberEnabled")}
          hint={t("groups.fieldMemberEnabledHint")}
          className="rounded-lg border px-4 py-3"
        />
      )}
      <TextareaField
        label={t("groups.fieldMemberModels")}
        hint={
          member && member.providerModels.length > 0
            ? t("groups.fieldMemberModelsHintProvider", { models: member.providerModels.join(", ") })
            : t("groups.fieldMemberModelsHint")
        }
        error={errors.models?.message}
        rows={3}
        spellCheck={false}
        autoComplete="off"
        className="font-mono"
        placeholder={"claude-sonnet-*\ngpt-4.1*"}
        {...register("models")}
      />
      <AliasRows form={form} />
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={member ? t("common.save") : t("common.add")}
        busyLabel={member ? t("common.saving") : undefined}
      />
    </form>
  );
}

/** The alias rows: client model name → this upstream's name. */
function AliasRows({ form }: { form: UseFormReturn<MemberFormValues, unknown, MemberFormValues> }) {
  const t = useT();
  const { control, formState } = form;
  const rows = useFieldArray({ control, name: "aliases" });
  const errors = formState.errors.aliases;
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-2 text-sm font-medium">{t("groups.fieldAliases")}</legend>
      <p className="-mt-1 text-xs text-muted-foreground">{t("groups.fieldAliasesHint")}</p>
      {rows.fields.map((row, index) => (
        <div key={row.id} className="grid grid-cols-[1fr_auto_1fr_auto] items-start gap-2">
          <AliasInput form={form} index={index} part="from" />
          <ArrowRightIcon className="mt-2.5 size-4 text-muted-foreground" aria-hidden />
          <AliasInput form={form} index={index} part="to" />
          <Button
            type="button"
            variant="ghost"
            size="icon"
            onClick={() => rows.remove(index)}
            aria-label={t("groups.removeAlias", { index: index + 1 })}
          >
            <Trash2Icon />
          </Button>
        </div>
      ))}
      {errors?.root?.message || errors?.message ? (
        <p className="text-xs font-medium text-destructive">{errors.root?.message ?? errors.message}</p>
      ) : null}
      <div>
        <Button type="button" variant="outline" size="sm" onClick={() => rows.append({ from: "", to: "" })}>
          <PlusIcon />
          {t("groups.addAlias")}
        </Button>
      </div>
    </fieldset>
  );
}

/** One name of an alias row, with its error under it. */
function AliasInput({
  form,
  index,
  part,
}: {
  form: UseFormReturn<MemberFormValues, unknown, MemberFormValues>;
  index: number;
  part: "from" | "to";
}) {
  const t = useT();
  const message = form.formState.errors.aliases?.[index]?.[part]?.message;
  const label = part === "from" ? t("groups.aliasFrom") : t("groups.aliasTo");
  return (
    <div className="grid gap-1">
      <Input
        aria-label={`${label} ${index + 1}`}
        aria-invalid={message ? true : undefined}
        placeholder={part === "from" ? "claude-sonnet-4" : "anthropic/claude-sonnet-4"}
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        {...form.register(`aliases.${index}.${part}`)}
      />
      {message && <p className="text-xs font-medium text-destructive">{message}</p>}
    </div>
  );
}
