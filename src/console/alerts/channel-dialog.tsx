"use client";

import { useState, type FormEvent } from "react";
import { LoaderCircleIcon } from "lucide-react";
import { ALERT_CHANNEL_TYPE_NAMES, SMTP_SECURITY_MODES, type AlertChannel } from "@/contracts/alerts";
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
import { PasswordInput } from "@/components/ui/password-input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import { useT } from "@/i18n/i18n-provider";
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import {
  channelFieldOf,
  channelToForm,
  emptyChannelForm,
  validateChannelForm,
  type ChannelField,
  type ChannelFormValues,
  type FieldErrors,
} from "./alert-form-model";
import { useOpening } from "../observability/use-opening";
import { describeFieldError, saveChannel } from "./alerts-api";

export interface ChannelDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  channel?: AlertChannel;
  onSaved: (channel: AlertChannel) => void;
}

/** Create or edit a notification channel; URLs, secrets and passwords are write-only. */
export function ChannelDialog({ open, onOpenChange, channel, onSaved }: ChannelDialogProps) {
  const t = useT();
  const opening = useOpening(open);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[90vh] overflow-y-auto sm:max-w-lg" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>
            {channel ? t("alerts.editChannel", { name: channel.name }) : t("alerts.createChannel")}
          </DialogTitle>
          <DialogDescription>{t("alerts.channelDescription")}</DialogDescription>
        </DialogHeader>
        <ChannelForm key={opening} channel={channel} onSaved={onSaved} onCancel={() => onOpenChange(false)} />
      </DialogContent>
    </Dialog>
  );
}

function ChannelForm({
  channel,
  onSaved,
  onCancel,
}: {
  channel?: AlertChannel;
  onSaved: (channel: AlertChannel) => void;
  onCancel: () => void;
}) {
  const t = useT();
  const editing = channel !== undefined;
  const [values, setValues] = useState<ChannelFormValues>(() =>
    channel ? channelToForm(channel) : emptyChannelForm(),
  );
  const [errors, setErrors] = useState<FieldErrors<ChannelField>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<ChannelFormValues>) => setValues((current) => ({ ...current, ...patch }));
  const err = (field: ChannelField) => describeFieldError(t, errors, field);
  const reveal = { showLabel: t("common.show"), hideLabel: t("common.hide") };
  const view = channel?.config;
  const urlMasked = view && view.type !== "email" ? view.urlMasked : undefined;
  const hasSecret = view && view.type !== "email" ? view.hasSecret : false;
  const hasPassword = view?.type === "email" ? view.hasPassword : false;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = validateChannelForm(values, editing);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setFormError(null);
    setBusy(true);
    try {
      onSaved(await saveChannel(channel?.id, result.payload));
    } catch (error) {
      const placed: FieldErrors<ChannelField> = {};
      if (isApiError(error)) {
        for (const issue of error.issues) {
          const field = channelFieldOf(issue.path);
          if (field) placed[field] = { code: "server", message: issue.message };
        }
      }
      setErrors(placed);
      if (Object.keys(placed).length === 0) setFormError(describeError(t, error));
      setBusy(false);
    }
  }

  const keepHint = (has: boolean) =>
    editing ? (has ? t("alerts.secretKeep") : t("alerts.secretNone")) : t("alerts.secretOptional");

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField label={t("alerts.fieldName")} required error={err("name")}>
          <FormControl>
            <Input value={values.name} onChange={(e) => set({ name: e.target.value })} maxLength={100} />
          </FormControl>
        </FormField>
        <FormField label={t("alerts.fieldChannelType")}>
          <Select
            value={values.type}
            disabled={editing}
            onValueChange={(type) => set({ type: type as ChannelFormValues["type"] })}
          >
            <FormControl>
              <SelectTrigger className="w-full">
                <SelectValue />
              </SelectTrigger>
            </FormControl>
            <SelectContent>
              {ALERT_CHANNEL_TYPE_NAMES.map((name) => (
                <SelectItem key={name} value={name}>
                  {t(`alerts.channel_${name}`)}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </FormField>
      </div>

      {values.type === "email" ? (
        <>
          <div className="grid gap-4 sm:grid-cols-[1fr_6rem]">
            <FormField label={t("alerts.fieldHost")} required error={err("host")}>
              <FormControl>
                <Input
                  value={values.host}
                  onChange={(e) => set({ host: e.target.value })}
                  placeholder="smtp.example.com"
                />
              </FormControl>
            </FormField>
            <FormField label={t("alerts.fieldPort")} error={err("port")}>
              <FormControl>
                <Input type="number" value={values.port} onChange={(e) => set({ port: e.target.value })} />
              </FormControl>
            </FormField>
          </div>
          <FormField label={t("alerts.fieldSecurity")}>
            <Select
              value={values.security}
              onValueChange={(security) => set({ security: security as ChannelFormValues["security"] })}
            >
              <FormControl>
                <SelectTrigger className="w-full">
                  <SelectValue />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {SMTP_SECURITY_MODES.map((mode) => (
                  <SelectItem key={mode} value={mode}>
                    {t(`alerts.security_${mode}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          </FormField>
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField label={t("alerts.fieldUsername")} error={err("username")}>
              <FormControl>
                <Input
                  value={values.username}
                  onChange={(e) => set({ username: e.target.value })}
                  autoComplete="off"
                />
              </FormControl>
            </FormField>
            <FormField label={t("alerts.fieldPassword")} error={err("password")} hint={keepHint(hasPassword)}>
              <FormControl>
                <PasswordInput
                  {...reveal}
                  value={values.password}
                  onChange={(e) => set({ password: e.target.value, clearPassword: false })}
                  autoComplete="new-password"
                />
              </FormControl>
            </FormField>
          </div>
          {editing && hasPassword && (
            <ClearBox
              label={t("alerts.clearPassword")}
              checked={values.clearPassword}
              onChange={(clearPassword) => set({ clearPassword, password: "" })}
            />
          )}
          <FormField label={t("alerts.fieldFrom")} required error={err("from")}>
            <FormControl>
              <Input
                type="email"
                value={values.from}
                onChange={(e) => set({ from: e.target.value })}
                placeholder="gateway@example.com"
              />
            </FormControl>
          </FormField>
          <FormField label={t("alerts.fieldTo")} required error={err("to")} hint={t("alerts.toHint")}>
            <FormControl>
              <Textarea rows={2} value={values.to} onChange={(e) => set({ to: e.target.value })} />
            </FormControl>
          </FormField>
        </>
      ) : (
        <>
          <FormField
            label={t("alerts.fieldUrl")}
            required={!editing}
            error={err("url")}
            hint={urlMasked ? t("alerts.urlKeep", { url: urlMasked }) : t("alerts.urlHint")}
          >
            <FormControl>
              <Input
                type="url"
                value={values.url}
                onChange={(e) => set({ url: e.target.value })}
                placeholder={urlMasked ?? "https://"}
                autoComplete="off"
              />
            </FormControl>
          </FormField>
          <FormField label={t("alerts.fieldSecret")} error={err("secret")} hint={keepHint(hasSecret)}>
            <FormControl>
              <PasswordInput
                {...reveal}
                value={values.secret}
                onChange={(e) => set({ secret: e.target.value, clearSecret: false })}
                autoComplete="new-password"
              />
            </FormControl>
          </FormField>
          {editing && hasSecret && (
            <ClearBox
              label={t("alerts.clearSecret")}
              checked={values.clearSecret}
              onChange={(clearSecret) => set({ clearSecret, secret: "" })}
            />
          )}
          {values.type === "feishu" && (
            <FormField label={t("alerts.fieldMessageType")}>
              <Select
                value={values.messageType}
                onValueChange={(messageType) =>
                  set({ messageType: messageType as ChannelFormValues["messageType"] })
                }
              >
                <FormControl>
                  <SelectTrigger className="w-full">
                    <SelectValue />
                  </SelectTrigger>
                </FormControl>
                <SelectContent>
                  <SelectItem value="interactive">{t("alerts.messageInteractive")}</SelectItem>
                  <SelectItem value="text">{t("alerts.messageText")}</SelectItem>
                </SelectContent>
              </Select>
            </FormField>
          )}
        </>
      )}
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
          {editing ? t("common.save") : t("common.create")}
        </Button>
      </DialogFooter>
    </form>
  );
}

function ClearBox({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="-mt-2 flex items-center gap-2 text-sm text-muted-foreground">
      <Checkbox checked={checked} onCheckedChange={(value) => onChange(value === true)} />
      {label}
    </label>
  );
}
