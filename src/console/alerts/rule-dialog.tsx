"use client";

import { useState, type FormEvent } from "react";
import { LoaderCircleIcon } from "lucide-react";
import {
  ALERT_RULE_TYPE_NAMES,
  ALERT_SEVERITY_NAMES,
  type AlertChannel,
  type AlertRule,
} from "@/contracts/alerts";
import type { Group } from "@/contracts/groups";
import type { Provider } from "@/contracts/providers";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
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
import { Switch } from "@/components/ui/switch";
import { useT } from "@/i18n/i18n-provider";
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import {
  emptyRuleForm,
  ruleFieldOf,
  ruleToForm,
  validateRuleForm,
  type FieldErrors,
  type RuleField,
  type RuleFormValues,
} from "./alert-form-model";
import { useOpening } from "../observability/use-opening";
import { describeFieldError, saveRule } from "./alerts-api";

const MINUTE = 60_000;
const STATES = ["degraded", "unhealthy", "ejected"] as const;

export interface RuleDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  rule?: AlertRule;
  groups: Group[];
  providers: Provider[];
  channels: AlertChannel[];
  onSaved: (rule: AlertRule) => void;
}

/** Create or edit an alert rule; the fields follow the rule type. */
export function RuleDialog({ open, onOpenChange, rule, ...rest }: RuleDialogProps) {
  const t = useT();
  const opening = useOpening(open);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-lg" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>
            {rule ? t("alerts.editRule", { name: rule.name }) : t("alerts.createRule")}
          </DialogTitle>
          <DialogDescription>{t("alerts.ruleDescription")}</DialogDescription>
        </DialogHeader>
        <RuleForm key={opening} rule={rule} onCancel={() => onOpenChange(false)} {...rest} />
      </DialogContent>
    </Dialog>
  );
}

function RuleForm({
  rule,
  groups,
  providers,
  channels,
  onSaved,
  onCancel,
}: Omit<RuleDialogProps, "open" | "onOpenChange"> & { onCancel: () => void }) {
  const t = useT();
  const [values, setValues] = useState<RuleFormValues>(() => (rule ? ruleToForm(rule) : emptyRuleForm()));
  const [errors, setErrors] = useState<FieldErrors<RuleField>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<RuleFormValues>) => setValues((current) => ({ ...current, ...patch }));
  const err = (field: RuleField, unit = 1) => describeFieldError(t, errors, field, unit);
  const type = values.type;
  const needsGroup =
    type === "group_success_rate" || type === "group_latency_p95" || type === "group_all_down";
  const hasWindow =
    type === "group_success_rate" || type === "group_latency_p95" || type === "log_rows_dropped";

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = validateRuleForm(values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      onSaved(await saveRule(rule?.id, result.payload));
    } catch (error) {
      const placed: FieldErrors<RuleField> = {};
      if (isApiError(error)) {
        for (const issue of error.issues) {
          const field = ruleFieldOf(issue.path);
          if (field) placed[field] = { code: "server", message: issue.message };
        }
      }
      setErrors(placed);
      if (Object.keys(placed).length === 0) setFormError(describeError(t, error));
      setBusy(false);
    }
  }

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <FormField label={t("alerts.fieldName")} required error={err("name")}>
        <FormControl>
          <Input value={values.name} onChange={(e) => set({ name: e.target.value })} maxLength={100} />
        </FormControl>
      </FormField>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label={t("alerts.fieldType")}>
          <Select value={type} onValueChange={(next) => set({ type: next as RuleFormValues["type"] })}>
            <FormControl>
              <SelectTrigger className="w-full">
                <SelectValue />
              </SelectTrigger>
            </FormControl>
            <SelectContent>
              {ALERT_RULE_TYPE_NAMES.map((name) => (
                <SelectItem key={name} value={name}>
                  {t(`alerts.type_${name}`)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </FormField>
        <FormField label={t("alerts.fieldSeverity")}>
          <Select
            value={values.severity}
            onValueChange={(next) => set({ severity: next as RuleFormValues["severity"] })}
          >
            <FormControl>
              <SelectTrigger className="w-full">
                <SelectValue />
              </SelectTrigger>
            </FormControl>
            <SelectContent>
              {ALERT_SEVERITY_NAMES.map((name) => (
                <SelectItem key={name} value={name}>
                  {t(`alerts.severity_${name}`)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </FormField>
      </div>
      <p className="-mt-2 text-xs text-muted-foreground">{t(`alerts.typeHint_${type}`)}</p>

      {type === "provider_unhealthy" && (
        <>
          <fieldset className="grid gap-2">
            <legend className="mb-2 text-sm font-medium">{t("alerts.fieldStates")}</legend>
            <div className="flex flex-wrap gap-4">
              {STATES.map((state) => (
                <label key={state} className="flex items-center gap-2 text-sm">
                  <Checkbox
                    checked={values.states.includes(state)}
                    onCheckedChange={(checked) =>
                      set({
                        states:
                          checked === true
                            ? [...values.states, state]
                            : values.states.filter((s) => s !== state),
                      })
                    }
                  />
                  {t(`health.state_${state}`)}
                </label>
              ))}
            </div>
            {err("states") && <p className="text-sm text-destructive">{err("states")}</p>}
          </fieldset>
          <CheckList
            legend={t("alerts.fieldProviders")}
            hint={t("alerts.providersHint")}
            options={providers.map((p) => ({ id: p.id, label: p.name }))}
            value={values.providerIds}
            onChange={(providerIds) => set({ providerIds })}
          />
        </>
      )}

      {needsGroup && (
        <FormField label={t("alerts.fieldGroup")} required error={err("groupId")}>
          <Select value={values.groupId} onValueChange={(groupId) => set({ groupId })}>
            <FormControl>
              <SelectTrigger className="w-full">
                <SelectValue placeholder={t("alerts.chooseGroup")} />
              </SelectTrigger>
            </FormControl>
            <SelectContent>
              {groups.map((group) => (
                <SelectItem key={group.id} value={group.id}>
                  {group.name}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </FormField>
      )}

      <div className="grid gap-4 sm:grid-cols-2">
        {type === "group_success_rate" && (
          <NumberField
            label={t("alerts.fieldMinSuccess")}
            value={values.minSuccessRatePercent}
            error={err("minSuccessRatePercent")}
            onChange={(v) => set({ minSuccessRatePercent: v })}
            step="0.1"
          />
        )}
        {type === "group_latency_p95" && (
          <NumberField
            label={t("alerts.fieldMaxP95")}
            value={values.maxP95LatencyMs}
            error={err("maxP95LatencyMs")}
            onChange={(v) => set({ maxP95LatencyMs: v })}
          />
        )}
        {type === "log_rows_dropped" && (
          <NumberField
            label={t("alerts.fieldMinDropped")}
            value={values.minDropped}
            error={err("minDropped")}
            onChange={(v) => set({ minDropped: v })}
          />
        )}
        {hasWindow && (
          <NumberField
            label={t("alerts.fieldWindow")}
            value={values.windowMinutes}
            error={err("windowMinutes", MINUTE)}
            onChange={(v) => set({ windowMinutes: v })}
          />
        )}
        {(type === "group_success_rate" || type === "group_latency_p95") && (
          <NumberField
            label={t("alerts.fieldMinRequests")}
            value={values.minRequests}
            error={err("minRequests")}
            onChange={(v) => set({ minRequests: v })}
          />
        )}
        <NumberField
          label={t("alerts.fieldFor")}
          hint={t("alerts.forHint")}
          value={values.forMinutes}
          error={err("forMinutes", MINUTE)}
          onChange={(v) => set({ forMinutes: v })}
        />
        <NumberField
          label={t("alerts.fieldCooldown")}
          hint={t("alerts.cooldownHint")}
          value={values.cooldownMinutes}
          error={err("cooldownMinutes", MINUTE)}
          onChange={(v) => set({ cooldownMinutes: v })}
        />
      </div>

      <CheckList
        legend={t("alerts.fieldChannels")}
        hint={channels.length === 0 ? t("alerts.noChannelsHint") : t("alerts.channelsHint")}
        options={channels.map((c) => ({ id: c.id, label: c.name }))}
        value={values.channelIds}
        onChange={(channelIds) => set({ channelIds })}
      />
      <FormField label={t("alerts.fieldEnabled")} inline>
        <FormControl>
          <Switch checked={values.enabled} onCheckedChange={(enabled) => set({ enabled })} />
        </FormControl>
      </FormField>
      <FormError>{formError}</FormError>
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCancel} disabled={busy}>
          {t("common.cancel")}
        </Button>
        <Button type="submit" disabled={busy}>
          {busy && <LoaderCircleIcon className="animate-spin" aria-hidden />}
          {rule ? t("common.save") : t("common.create")}
        </Button>
      </DialogFooter>
    </form>
  );
}

function NumberField({
  label,
  hint,
  value,
  error,
  onChange,
  step = "1",
}: {
  label: string;
  hint?: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  step?: string;
}) {
  return (
    <FormField label={label} hint={hint} error={error}>
      <FormControl>
        <Input
          type="number"
          inputMode="decimal"
          step={step}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      </FormControl>
    </FormField>
  );
}

/** A list of checkboxes (providers, channels); scrolls when long. */
export function CheckList({
  legend,
  hint,
  options,
  value,
  onChange,
}: {
  legend: string;
  hint?: string;
  options: { id: string; label: string }[];
  value: string[];
  onChange: (value: string[]) => void;
}) {
  return (
    <fieldset className="grid gap-2">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      {hint && <p className="text-xs text-muted-foreground">{hint}</p>}
      {options.length > 0 && (
        <div className="grid max-h-36 gap-2 overflow-y-auto rounded-md border p-2 sm:grid-cols-2">
          {options.map((option) => (
            <label key={option.id} className="flex min-w-0 items-center gap-2 text-sm">
              <Checkbox
                checked={value.includes(option.id)}
                onCheckedChange={(checked) =>
                  onChange(checked === true ? [...value, option.id] : value.filter((id) => id !== option.id))
                }
              />
              <span className="truncate">{option.label}</span>
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}
