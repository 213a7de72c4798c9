"use client";

import { z } from "zod";
import { passwordSchema, usernameSchema, type User } from "@/contracts/users";
import { DEFAULT_USER_ROLE, USER_ROLES } from "@/core/vocabulary/users";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { FormError } from "../form-error";
import { SelectField } from "../forms/controlled-fields";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { FormDialog, type DialogOpenProps } from "../forms/form-dialog";
import { localizeCommonIssue } from "../forms/localize-issue";
import { InputField, NewPasswordFields, PasswordField } from "../forms/input-fields";
import { localizePasswordIssue, localizeResetIssue, passwordResetFormSchema } from "../forms/password-form";
import { useDialogForm } from "../forms/use-dialog-form";
import type { FormIssue } from "../forms/zod-form-resolver";
import { createUser, resetUserPassword } from "./users-api";

const createSchema = z.object({
  username: usernameSchema,
  email: z.union([z.literal(""), z.email().max(254)]),
  password: passwordSchema,
  role: z.enum(USER_ROLES),
});
type CreateValues = z.input<typeof createSchema>;
type CreatePayload = z.output<typeof createSchema>;
type ResetValues = z.input<typeof passwordResetFormSchema>;
type ResetPayload = z.output<typeof passwordResetFormSchema>;

function localizeCreateIssue(t: Translate, issue: FormIssue): string | undefined {
  const field = issue.path[0];
  if (field === "username" && issue.code === "invalid_format") return t("settings.usernameRule");
  if (field === "email") return t("settings.emailInvalid");
  return localizePasswordIssue(t, issue, "password") ?? localizeCommonIssue(t, issue);
}

/** Creates a console user with a role and an initial password. */
export function UserCreateDialog({
  open,
  onOpenChange,
  onCreated,
}: DialogOpenProps & { onCreated: (user: User) => void }) {
  const t = useT();
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      className="sm:max-w-md"
      title={t("settings.createUserTitle")}
      description={t("settings.createUserDescription")}
    >
      <CreateForm onCancel={() => onOpenChange(false)} onCreated={onCreated} />
    </FormDialog>
  );
}

function CreateForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (user: User) => void }) {
  const t = useT();
  const { form, onSubmit, formError, busy } = useDialogForm<CreateValues, CreatePayload>({
    schema: createSchema,
    localize: localizeCreateIssue,
    defaultValues: { username: "", email: "", password: "", role: DEFAULT_USER_ROLE },
    submit: async (values) =>
      onCreated(
        await createUser({
          username: values.username.trim(),
          password: values.password,
          role: values.role,
          ...(values.email ? { email: values.email } : {}),
        }),
      ),
    serverFields: ["username", "email", "password", "role"],
    codeFields: {
      USERNAME_TAKEN: { field: "username", message: t("settings.usernameTaken") },
      EMAIL_TAKEN: { field: "email", message: t("settings.emailTaken") },
    },
  });
  const { register, control, formState } = form;
  const { errors } = formState;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <InputField
        label={t("settings.fieldUsername")}
        hint={t("settings.usernameRule")}
        error={errors.username?.message}
        required
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        autoFocus
        {...register("username")}
      />
      <InputField
        label={t("settings.fieldEmail")}
        hint={t("common.optional")}
        error={errors.email?.message}
        type="email"
        autoComplete="off"
        {...register("email")}
      />
      <PasswordField
        label={t("settings.fieldPassword")}
        hint={t("password.newHint")}
        error={errors.password?.message}
        required
        autoComplete="new-password"
        {...register("password")}
      />
      <SelectField
        control={control}
        name="role"
        label={t("settings.fieldRole")}
        hint={t("settings.roleHint")}
        options={USER_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={busy} submitLabel={t("settings.createUser")} />
    </form>
  );
}

/** Sets a new password for another user (who is signed out everywhere). */
export function UserPasswordDialog({
  user,
  open,
  onOpenChange,
  onDone,
}: DialogOpenProps & { user: User | undefined; onDone: (user: User) => void }) {
  const t = useT();
  return (
    <FormDialog
      open={open && user !== undefined}
      onOpenChange={onOpenChange}
      className="sm:max-w-md"
      title={t("settings.resetTitle", { name: user?.displayUsername ?? "" })}
      description={t("settings.resetDescription")}
    >
      {user && <ResetForm user={user} onCancel={() => onOpenChange(false)} onDone={onDone} />}
    </FormDialog>
  );
}

function ResetForm({
  user,
  onCancel,
  onDone,
}: {
  user: User;
  onCancel: () => void;
  onDone: (user: User) => void;
}) {
  const t = useT();
  const { form, onSubmit, formError, busy } = useDialogForm<ResetValues, ResetPayload>({
    schema: passwordResetFormSchema,
    localize: localizeResetIssue,
    defaultValues: { password: "", confirm: "" },
    submit: async ({ password }) => {
      await resetUserPassword(user.id, password);
      onDone(user);
    },
    serverFields: ["password"],
  });
  const { register, formState } = form;
  const { errors } = formState;

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <input type="text" name="username" autoComplete="username" value={user.username} hidden readOnly />
      <NewPasswordFields
        password={register("password")}
        confirm={register("confirm")}
        passwordError={errors.password?.message}
        confirmError={errors.confirm?.message}
        autoFocus
      />
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={busy} submitLabel={t("settings.resetSubmit")} />
    </form>
  );
}
