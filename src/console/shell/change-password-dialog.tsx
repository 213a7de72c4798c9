"use client";

import { useRouter } from "next/navigation";
import type { z } from "zod";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import { apiPost } from "../api-client";
import { FormError } from "../form-error";
import { endpoints } from "../endpoints";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { NewPasswordFields, PasswordField } from "../forms/input-fields";
import { localizeChangeIssue, passwordChangeFormSchema } from "../forms/password-form";
import { useDialogForm } from "../forms/use-dialog-form";

type FormValues = z.input<typeof passwordChangeFormSchema>;
type FormPayload = z.output<typeof passwordChangeFormSchema>;

/** Lets the signed-in user change their password; afterwards every session ends, so they sign in again. */
export function ChangePasswordDialog({ open, onOpenChange }: DialogOpenProps) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-md"
      title={t("password.title")}
      description={t("password.description")}
    >
      <ChangePasswordForm onCancel={() => onOpenChange(false)} />
    </FormDialog>
  );
}

function ChangePasswordForm({ onCancel }: { onCancel: () => void }) {
  const t = useT();
  const router = useRouter();
  const { form, onSubmit, formError, busy } = useDialogForm<FormValues, FormPayload>({
    schema: passwordChangeFormSchema,
    localize: localizeChangeIssue,
    defaultValues: { currentPassword: "", newPassword: "", confirm: "" },
    submit: async ({ currentPassword, newPassword }) => {
      await apiPost(endpoints.ownPassword, { currentPassword, newPassword });
      toast.success(t("password.success"));
      router.replace("/sign-in");
      router.refresh();
    },
    serverFields: ["currentPassword", "newPassword"],
    codeFields: {
      INVALID_CURRENT_PASSWORD: { field: "currentPassword", message: t("password.wrongCurrent") },
    },
  });
  const { register, formState } = form;
  const { errors } = formState;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      {/* Lets password managers pair the new password with the right account. */}
      <input type="text" name="username" autoComplete="username" hidden readOnly />
      <PasswordField
        label={t("password.current")}
        error={errors.currentPassword?.message}
        autoComplete="current-password"
        autoFocus
        {...register("currentPassword")}
      />
      <NewPasswordFields
        password={register("newPassword")}
        confirm={register("confirm")}
        passwordError={errors.newPassword?.message}
        confirmError={errors.confirm?.message}
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={busy} submitLabel={t("password.submit")} />
    </form>
  );
}
