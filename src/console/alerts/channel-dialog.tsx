"use client";

import { useMemo } from "react";
import { useController, useWatch, type Control } from "react-hook-form";
import {
  ALERT_CHANNEL_TYPE_NAMES,
  SMTP_SECURITY_MODES,
  type AlertChannel,
  type AlertChannelCreateInput,
  type AlertChannelUpdateInput,
} from "@/contracts/alerts";
import { Checkbox } from "@/components/ui/checkbox";
import { useT } from "@/i18n/i18n-provider";
import type { DialogOpenProps } from "../forms/form-dialog";
import { FormError } from "../form-error";
import { NumberField, SelectField, SwitchField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog } from "../forms/form-dialog";
import { InputField, PasswordField, TextareaField } from "../forms/input-fields";
import { useDialogForm } from "../forms/use-dialog-form";
import { localizeAlertIssue } from "./alert-form-issues";
import { saveChannel } from "./alerts-api";
import { SCROLLING_DIALOG } from "./rule-dialog";
import {
  channelFieldOf,
  channelToForm,
  createChannelFormSchema,
  emptyChannelForm,
  FEISHU_MESSAGE_TYPES,
  type ChannelFormValues,
} from "./channel-form-model";

type ChannelPayload = AlertChannelCreateInput | AlertChannelUpdateInput;
type ChannelControl = Control<ChannelFormValues, unknown, ChannelPayload>;

const MESSAGE_TYPE_LABELS = { interactive: "alerts.messageInteractive", text: "alerts.messageText" } as const;

export interface ChannelDialogProps extends DialogOpenProps {
  channel?: AlertChannel;
  onSaved: (channel: AlertChannel) => void;
}

/** Create or edit a notification channel; URLs, secrets and passwords are write-only. */
export function ChannelDialog({ open, onOpenChange, channel, onSaved }: ChannelDialogProps) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className={SCROLLING_DIALOG}
      title={channel ? t("alerts.editChannel", { name: channel.name }) : t("alerts.createChannel")}
      description={t("alerts.channelDescription")}
    >
      <ChannelForm channel={channel} onSaved={onSaved} onCancel={() => onOpenChange(false)} />
    </FormDialog>
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
  const schema = useMemo(() => createChannelFormSchema(editing), [editing]);
  const { form, onSubmit, formError, busy } = useDialogForm<ChannelFormValues, ChannelPayload>({
    schema,
    localize: localizeAlertIssue,
    defaultValues: channel ? channelToForm(channel) : emptyChannelForm(),
    submit: async (payload) => onSaved(await saveChannel(channel?.id, payload)),
    mapServerPath: channelFieldOf,
  });
  const { control, register, formState } = form;
  const { errors } = formState;
  const type = useWatch({ control, name: "type" });
  const view = channel?.config;
  const urlMasked = view && view.type !== "email" ? view.urlMasked : undefined;
  const hasSecret = view && view.type !== "email" ? view.hasSecret : false;
  const hasPassword = view?.type === "email" ? view.hasPassword : false;

  const keepHint = (has: boolean) =>
    editing ? (has ? t("alerts.secretKeep") : t("alerts.secretNone")) : t("alerts.secretOptional");

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <InputField
          label={t("alerts.fieldName")}
          required
          error={errors.name?.message}
          maxLength={100}
          {...register("name")}
        />
        <SelectField
          control={control}
          name="type"
          label={t("alerts.fieldChannelType")}
          disabled={editing}
          options={ALERT_CHANNEL_TYPE_NAMES.map((name) => ({
            value: name,
            label: t(`alerts.channel_${name}`),
          }))}
        />
      </div>

      {type === "email" ? (
        <>
          <div className="grid gap-4 sm:grid-cols-[1fr_6rem]">
            <InputField
              label={t("alerts.fieldHost")}
              required
              error={errors.host?.message}
              placeholder="smtp.example.com"
              {...register("host")}
            />
            <NumberField control={control} name="port" label={t("alerts.fieldPort")} />
          </div>
          <SelectField
            control={control}
            name="security"
            label={t("alerts.fieldSecurity")}
            options={SMTP_SECURITY_MODES.map((mode) => ({
              value: mode,
              label: t(`alerts.security_${mode}`),
            }))}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <InputField
              label={t("alerts.fieldUsername")}
              error={errors.username?.message}
              autoComplete="off"
              {...register("username")}
            />
            <WriteOnlyField
              control={control}
              name="password"
              clearName="clearPassword"
              label={t("alerts.fieldPassword")}
              hint={keepHint(hasPassword)}
              clearLabel={editing && hasPassword ? t("alerts.clearPassword") : undefined}
            />
          </div>
          <InputField
            label={t("alerts.fieldFrom")}
            required
            error={errors.from?.message}
            type="email"
            placeholder="gateway@example.com"
            {...register("from")}
          />
          <TextareaField
            label={t("alerts.fieldTo")}
            required
            error={errors.to?.message}
            hint={t("alerts.toHint")}
            rows={2}
            {...register("to")}
          />
        </>
      ) : (
        <>
          <InputField
            label={t("alerts.fieldUrl")}
            required={!editing}
            error={errors.url?.message}
            hint={urlMasked ? t("alerts.urlKeep", { url: urlMasked }) : t("alerts.urlHint")}
            type="url"
            placeholder={urlMasked ?? "https://"}
            autoComplete="off"
            {...register("url")}
          />
          <WriteOnlyField
            control={control}
            name="secret"
            clearName="clearSecret"
            label={t("alerts.fieldSecret")}
            hint={keepHint(hasSecret)}
            clearLabel={editing && hasSecret ? t("alerts.clearSecret") : undefined}
          />
          {type === "feishu" && (
            <SelectField
              control={control}
              name="messageType"
              label={t("alerts.fieldMessageType")}
              options={FEISHU_MESSAGE_TYPES.map((value) => ({
                value,
                label: t(MESSAGE_TYPE_LABELS[value]),
              }))}
            />
          )}
        </>
      )}
      <SwitchField control={control} name="enabled" label={t("alerts.fieldEnabled")} />
      <FormError>{formError}</FormError>
      <DialogFormFooter
        onCancel={onCancel}
        busy={busy}
        submitLabel={editing ? t("common.save") : t("common.create")}
      />
    </form>
  );
}

/**
 * A write-only secret: typing a new one replaces the stored value (and undoes "clear"); the box
 * under it, shown when something is stored, clears it on save.
 */
function WriteOnlyField({
  control,
  name,
  clearName,
  label,
  hint,
  clearLabel,
}: {
  control: ChannelControl;
  name: "secret" | "password";
  clearName: "clearSecret" | "clearPassword";
  label: string;
  hint: string;
  /** Offers the "clear" box when set. */
  clearLabel: string | undefined;
}) {
  const t = useT();
  // Taken apart so the ref stays a ref: the compiler lint treats the whole `field` as one otherwise.
  const {
    field: { ref, value, onChange, onBlur },
    fieldState,
  } = useController({ control, name });
  const { field: clear } = useController({ control, name: clearName });
  return (
    <div className="grid gap-2">
      <PasswordField
        label={label}
        error={fieldState.error?.message}
        hint={hint}
        showLabel={t("common.show")}
        hideLabel={t("common.hide")}
        name={name}
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
          clear.onChange(false);
        }}
        onBlur={onBlur}
        ref={ref}
        autoComplete="new-password"
      />
      {clearLabel && (
        <label className="flex items-center gap-2 text-sm text-muted-foreground">
          <Checkbox
            checked={clear.value}
            onCheckedChange={(checked) => {
              clear.onChange(checked === true);
              if (checked === true) onChange("");
            }}
          />
          {clearLabel}
        </label>
      )}
    </div>
  );
}
