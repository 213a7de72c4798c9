"use client";

import type { ComponentProps, ReactNode } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { PasswordInput, type PasswordInputProps } from "@/components/ui/password-input";
import { Textarea } from "@/components/ui/textarea";
import { useT } from "@/i18n/i18n-provider";

/**
 * The labelled row around an input. `required` only marks the label (forms validate on submit, not
 * natively); `className` styles the input, `fieldClassName` the row.
 */
interface FieldFrame {
  label: string;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  fieldClassName?: string;
}

type Framed<P> = FieldFrame & Omit<P, "required">;

/** Splits a field's props into its row's and its input's. */
function splitFrame<P extends FieldFrame>({
  label,
  hint,
  error,
  required,
  fieldClassName,
  ...input
}: P): [FieldFrame, Omit<P, keyof FieldFrame>] {
  return [{ label, hint, error, required, fieldClassName }, input];
}

function FieldRow({
  label,
  hint,
  error,
  required,
  fieldClassName,
  children,
}: FieldFrame & { children: ReactNode }) {
  return (
    <FormField label={label} hint={hint} error={error} required={required} className={fieldClassName}>
      <FormControl>{children}</FormControl>
    </FormField>
  );
}

/** A labelled text input showing its error; spread `register(name)` into it. */
export function InputField(props: Framed<ComponentProps<"input">>) {
  const [frame, input] = splitFrame(props);
  return (
    <FieldRow {...frame}>
      <Input {...input} />
    </FieldRow>
  );
}

/** A labelled multi-line input showing its error; spread `register(name)` into it. */
export function TextareaField(props: Framed<ComponentProps<"textarea">>) {
  const [frame, input] = splitFrame(props);
  return (
    <FieldRow {...frame}>
      <Textarea {...input} />
    </FieldRow>
  );
}

/**
 * A labelled password input with its reveal button; spread `register(name)` into it. The reveal
 * button speaks of a password unless other labels are given (a credential).
 */
export function PasswordField(
  props: Framed<Omit<PasswordInputProps, "showLabel" | "hideLabel">> &
    Partial<Pick<PasswordInputProps, "showLabel" | "hideLabel">>,
) {
  const t = useT();
  const [frame, { showLabel, hideLabel, ...input }] = splitFrame(props);
  return (
    <FieldRow {...frame}>
      <PasswordInput
        showLabel={showLabel ?? t("signIn.showPassword")}
        hideLabel={hideLabel ?? t("signIn.hidePassword")}
        {...input}
      />
    </FieldRow>
  );
}

/** A new password and its repetition: registrations and errors of the two fields. */
export function NewPasswordFields({
  password,
  confirm,
  passwordError,
  confirmError,
  autoFocus,
}: {
  password: UseFormRegisterReturn;
  confirm: UseFormRegisterReturn;
  passwordError?: string;
  confirmError?: string;
  autoFocus?: boolean;
}) {
  const t = useT();
  return (
    <>
      <PasswordField
        label={t("password.new")}
        hint={t("password.newHint")}
        error={passwordError}
        autoComplete="new-password"
        autoFocus={autoFocus}
        {...password}
      />
      <PasswordField
        label={t("password.confirm")}
        error={confirmError}
        autoComplete="new-password"
        {...confirm}
      />
    </>
  );
}
