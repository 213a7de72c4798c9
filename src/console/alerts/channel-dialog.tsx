"use client";

import { useMemo } from "react";
import {
  useController,
  useWatch,
  type Control,
  type FieldErrors,
  type UseFormRegister,
} from "react-hook-form";
import type { AlertChannel, AlertChannelCreateInput, AlertChannelUpdateInput } from "@/contracts/alerts";
import {
  ALERT_CHANNEL_TYPES,
  channelViewKey,
  type ChannelFieldName,
  type ChannelFieldNameOfKind,
  type ChannelFieldSpec,
} from "@/core/vocabulary/alert-channels";
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
  clearFieldOf,
  clearLabelKey,
  createChannelFormSchema,
  emptyChannelForm,
  fieldLabelKey,
  layoutChannelFields,
  optionLabelKey,
  type ChannelFormValues,
  type ClearableField,
} from "./channel-form-model";

type ChannelPayload = AlertChannelCreateInput | AlertChannelUpdateInput;
type ChannelControl = Control<ChannelFormValues, unknown, ChannelPayload>;

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
  const type = useWatch({ control, name: "type" });
  // The type cannot change on edit, so the stored channel's masked view matches the fields shown.
  const view: Readonly<Record<string, unknown>> = channel?.config ?? {};

  return (
    <form className="grid gap-4" onSubmit={onSubmit} noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <InputField
          label={t("alerts.fieldName")}
          required
          error={formState.errors.name?.message}
          maxLength={100}
          {...register("name")}
        />
        <SelectField
          control={control}
          name="type"
          label={t("alerts.fieldChannelType")}
          disabled={editing}
          options={ALERT_CHANNEL_TYPES.map((name) => ({ value: name, label: t(`alerts.channel_${name}`) }))}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {layoutChannelFields(type).map(({ name, spec, wide }) => (
          <div key={name} className={wide ? "sm:col-span-2" : undefined}>
            <SettingField
              name={name}
              spec={spec}
              stored={view[channelViewKey(name, spec)]}
              editing={editing}
              control={control}
              register={register}
              errors={formState.errors}
            />
          </div>
        ))}
      </div>
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

/** One settings field, drawn by its kind; `stored` is the channel's masked view of it on edit. */
function SettingField({
  name,
  spec,
  stored,
  editing,
  control,
  register,
  errors,
}: {
  name: ChannelFieldName;
  spec: ChannelFieldSpec;
  stored: unknown;
  editing: boolean;
  control: ChannelControl;
  register: UseFormRegister<ChannelFormValues>;
  errors: FieldErrors<ChannelFormValues>;
}) {
  const t = useT();
  const label = t(fieldLabelKey(name));
  const error = errors[name]?.message;
  switch (spec.kind) {
    case "secretUrl": {
      const masked = typeof stored === "string" ? stored : undefined;
      return (
        <InputField
          label={label}
          required={!editing}
          error={error}
          hint={masked ? t("alerts.urlKeep", { url: masked }) : t("alerts.urlHint")}
          type="url"
          placeholder={masked ?? "https://"}
          autoComplete="off"
          {...register(name)}
        />
      );
    }
    case "secret": {
      const has = stored === true;
      const secret = name as ClearableField;
      return (
        <WriteOnlyField
          control={control}
          name={secret}
          label={label}
          hint={
            editing ? (has ? t("alerts.secretKeep") : t("alerts.secretNone")) : t("alerts.secretOptional")
          }
          clearLabel={editing && has ? t(clearLabelKey(secret)) : undefined}
        />
      );
    }
    case "port":
      return <NumberField control={control} name={name} label={label} />;
    case "choice": {
      const choice = name as ChannelFieldNameOfKind<"choice">;
      const options = spec.options.map((value) => ({ value, label: t(optionLabelKey(choice, value)) }));
      return <SelectField control={control} name={name} label={label} options={options} />;
    }
    case "emailList":
      return (
        <TextareaField
          label={label}
          required
          error={error}
          hint={t("alerts.toHint")}
          rows={2}
          {...register(name)}
        />
      );
    case "email":
      return (
        <InputField
          label={label}
          required
          error={error}
          type="email"
          placeholder="gateway@example.com"
          {...register(name)}
        />
      );
    case "host":
      return (
        <InputField label={label} required error={error} placeholder="smtp.example.com" {...register(name)} />
      );
    case "optionalText":
      return <InputField label={label} error={error} autoComplete="off" {...register(name)} />;
  }
}

/**
 * A write-only secret: typing a new one replaces the stored value (and undoes "clear"); the box
 * under it, shown when something is stored, clears it on save.
 */
function WriteOnlyField({
  control,
  name,
  label,
  hint,
  clearLabel,
}: {
  control: ChannelControl;
  name: ClearableField;
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
  const { field: clear } = useController({ control, name: clearFieldOf(name) });
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
