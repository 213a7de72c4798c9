"use client";

import { useMemo } from "react";
import { useWatch } from "react-hook-form";
import type { AlertChannel, AlertRule, AlertRuleCreateInput } from "@/contracts/alerts";
import { ALERT_RULE_TYPES, ALERT_SEVERITIES, WATCHED_PROVIDER_STATES } from "@/core/vocabulary/alerts";
import type { Group } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import { useT } from "@/i18n/i18n-provider";
import type { DialogOpenProps } from "../forms/form-dialog";
import type { MessageKey } from "@/i18n/types";
import { FormError } from "../form-error";
import { NumberField, SelectField, SwitchField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog } from "../forms/form-dialog";
import { InputField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { localizeAlertIssue } from "./alert-form-issues";
import { saveRule } from "./alerts-api";
import { CheckListField } from "./check-list-field";
import {
  createRuleFormSchema,
  emptyRuleForm,
  isGroupRule,
  listRuleNumberFields,
  ruleFieldOf,
  ruleToForm,
  TENANT_QUOTA,
  type RuleFormValues,
  type RuleNumberField,
} from "./rule-form-model";
import type { ApiKey } from "@/contracts/api-keys";

/** The alert dialogs' box: long forms scroll inside it. */
export const SCROLLING_DIALOG = "max-h-[90vh] overflow-y-auto sm:max-w-lg";

/** Label, hint and step of each number input. */
const NUMBER_FIELDS: Record<RuleNumberField, { label: MessageKey; hint?: MessageKey; step?: string }> = {
  minSuccessRatePercent: { label: "alerts.fieldMinSuccess", step: "0.1" },
  maxP95LatencyMs: { label: "alerts.fieldMaxP95" },
  minDropped: { label: "alerts.fieldMinDropped" },
  minUsedPercent: { label: "alerts.fieldMinUsedPercent", step: "0.1" },
  windowMinutes: { label: "alerts.fieldWindow" },
  minRequests: { label: "alerts.fieldMinRequests" },
  forMinutes: { label: "alerts.fieldFor", hint: "alerts.forHint" },
  cooldownMinutes: { label: "alerts.fieldCooldown", hint: "alerts.cooldownHint" },
};

export interface RuleDialogProps extends DialogOpenProps {
  rule?: AlertRule;
  groups: Group[];
  providers: Provider[];
  channels: AlertChannel[];
  /** Gateway keys a quota rule can watch (besides the tenant). */
  keys: ApiKey[];
  onSaved: (rule: AlertRule) => void;
}

/** Create or edit an alert rule; the fields follow the rule type. */
export function RuleDialog({ open, onOpenChange, rule, ...rest }: RuleDialogProps) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className={SCROLLING_DIALOG}
      title={rule ? t("alerts.editRule", { name: rule.name }) : t("alerts.createRule")}
      description={t("alerts.ruleDescription")}
    >
      <RuleForm rule={rule} onCancel={() => onOpenChange(false)} {...rest} />
    </FormDialog>
  );
}

function RuleForm({
  rule,
  groups,
  providers,
  channels,
  keys,
  onSaved,
  onCancel,
}: Omit<RuleDialogProps, "open" | "onOpenChange"> & { onCancel: () => void }) {
  const t = useT();
  const schema = useMemo(() => createRuleFormSchema(), []);
  const { form, onSubmit, formError, busy } = useDialogForm<RuleFormValues, AlertRuleCreateInput>({
    schema,
    localize: localizeAlertIssue,
    defaultValues: rule ? ruleToForm(rule) : emptyRuleForm(),
    submit: async (payload) => onSaved(await saveRule(rule?.id, payload)),
    mapServerPath: ruleFieldOf,
  });
  const { control, register, formState } = form;
  const { errors } = formState;
  const type = useWatch({ control, name: "type" });

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <InputField
        label={t("alerts.fieldName")}
        required
        error={errors.name?.message}
        maxLength={100}
        {...register("name")}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          control={control}
          name="type"
          label={t("alerts.fieldType")}
          options={ALERT_RULE_TYPES.map((name) => ({ value: name, label: t(`alerts.type_${name}`) }))}
        />
        <SelectField
          control={control}
          name="severity"
          label={t("alerts.fieldSeverity")}
          options={ALERT_SEVERITIES.map((name) => ({
            value: name,
            label: t(`alerts.severity_${name}`),
          }))}
        />
      </div>
      <p className="-mt-2 text-xs text-muted-foreground">{t(`alerts.typeHint_${type}`)}</p>

      {type === "provider_unhealthy" && (
        <>
          <CheckListField
            control={control}
            name="states"
            legend={t("alerts.fieldStates")}
            options={WATCHED_PROVIDER_STATES.map((state) => ({
              id: state,
              label: t(`health.state_${state}`),
            }))}
            boxed={false}
          />
          <CheckListField
            control={control}
            name="providerIds"
            legend={t("alerts.fieldProviders")}
            hint={t("alerts.providersHint")}
            options={providers.map((p) => ({ id: p.id, label: p.name }))}
          />
        </>
      )}

      {type === "quota_used" && (
        <SelectField
          control={control}
          name="quotaKeyId"
          label={t("alerts.fieldQuotaSubject")}
          options={[
            { value: TENANT_QUOTA, label: t("alerts.quotaSubjectTenant") },
            ...keys.map((key) => ({ value: key.id, label: key.name })),
          ]}
        />
      )}

      {isGroupRule(type) && (
        <SelectField
          control={control}
          name="groupId"
          label={t("alerts.fieldGroup")}
          required
          placeholder={t("alerts.chooseGroup")}
          options={groups.map((group) => ({ value: group.id, label: group.name }))}
        />
      )}

      <div className="grid gap-4 sm:grid-cols-2">
        {listRuleNumberFields(type).map((name) => {
          const { label, hint, step } = NUMBER_FIELDS[name];
          return (
            <NumberField
              key={name}
              control={control}
              name={name}
              label={t(label)}
              hint={hint && t(hint)}
              step={step}
            />
          );
        })}
      </div>

      <CheckListField
        control={control}
        name="channelIds"
        legend={t("alerts.fieldChannels")}
        hint={channels.length === 0 ? t("alerts.noChannelsHint") : t("alerts.channelsHint")}
        options={channels.map((c) => ({ id: c.id, label: c.name }))}
      />
      <SwitchField control={control} name="enabled" label={t("alerts.fieldEnabled")} />
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={rule ? t("common.save") : t("common.create")}
      />
    </form>
  );
}
