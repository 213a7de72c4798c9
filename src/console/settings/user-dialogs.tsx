"use client";

import { useMemo, useState } from "react";
import { Controller, useForm } from "react-hook-form";
import { z } from "zod";
import { passwordSchema, usernameSchema, USER_ROLE_NAMES, type User } from "@/contracts/users";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { PasswordInput } from "@/components/ui/password-input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { localizeCommonIssue } from "../forms/localize-issue";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { applyServerIssues } from "../forms/server-errors";
import { zodFormResolver, type FormIssue } from "../forms/zod-form-resolver";
import { createUser, resetUserPassword } from "./users-api";

const createSchema = z.object({
  username: usernameSchema,
  email: z.union([z.literal(""), z.email().max(254)]),
  password: passwordSchema,
  role: z.enum(USER_ROLE_NAMES),
});
type CreateValues = z.input<typeof createSchema>;

const resetSchema = z
  .object({ password: passwordSchema, confirm: z.string() })
  .refine((values) => values.confirm === values.password, { path: ["confirm"], message: "mismatch" });
type ResetValues = z.input<typeof resetSchema>;

function localize(t: Translate, issue: FormIssue): string | undefined {
  const field = issue.path[0];
  if (field === "username" && issue.code === "invalid_format") return t("settings.usernameRule");
  if (field === "email") return t("settings.emailInvalid");
  if (field === "confirm") return t("password.mismatch");
  if (field === "password" && issue.code === "too_small") return t("password.tooShort");
  if (field === "password" && issue.code === "too_big") return t("password.tooLongPassword");
  return localizeCommonIssue(t, issue);
}

/** Creates a console user with a role and an initial password. */
export function UserCreateDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (user: User) => void;
}) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-md" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("settings.createUserTitle")}</DialogTitle>
          <DialogDescription>{t("settings.createUserDescription")}</DialogDescription>
        </DialogHeader>
        <CreateForm onCancel={() => onOpenChange(false)} onCreated={onCreated} />
      </DialogContent>
    </Dialog>
  );
}

function CreateForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (user: User) => void }) {
  const t = useT();
  const [formError, setFormError] = useState<string | null>(null);
  const resolver = useMemo(
    () => zodFormResolver<CreateValues>(createSchema, (issue) => localize(t, issue)),
    [t],
  );
  const { register, control, handleSubmit, setError, formState } = useForm<CreateValues>({
    resolver,
    defaultValues: { username: "", email: "", password: "", role: "viewer" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async (values) => {
    setFormError(null);
    try {
      onCreated(
        await createUser({
          username: values.username.trim(),
          password: values.password,
          role: values.role,
          ...(values.email ? { email: values.email } : {}),
        }),
      );
    } catch (error) {
      if (isApiError(error) && error.code === "USERNAME_TAKEN") {
        setError("username", { type: "server", message: t("settings.usernameTaken") }, { shouldFocus: true });
        return;
      }
      if (isApiError(error) && error.code === "EMAIL_TAKEN") {
        setError("email", { type: "server", message: t("settings.emailTaken") }, { shouldFocus: true });
        return;
      }
      if (applyServerIssues(error, setError, ["username", "email", "password", "role"]) === 0) {
        setFormError(describeError(t, error));
      }
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <FormField
        label={t("settings.fieldUsername")}
        hint={t("settings.usernameRule")}
        error={errors.username?.message}
        required
      >
        <FormControl>
          <Input
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            autoFocus
            {...register("username")}
          />
        </FormControl>
      </FormField>
      <FormField label={t("settings.fieldEmail")} hint={t("common.optional")} error={errors.email?.message}>
        <FormControl>
          <Input type="email" autoComplete="off" {...register("email")} />
        </FormControl>
      </FormField>
      <FormField
        label={t("settings.fieldPassword")}
        hint={t("password.newHint")}
        error={errors.password?.message}
        required
      >
        <FormControl>
          <PasswordInput
            autoComplete="new-password"
            showLabel={t("signIn.showPassword")}
            hideLabel={t("signIn.hidePassword")}
            {...register("password")}
          />
        </FormControl>
      </FormField>
      <FormField label={t("settings.fieldRole")} hint={t("settings.roleHint")} error={errors.role?.message}>
        <Controller
          control={control}
          name="role"
          render={({ field }) => (
            <Select value={field.value} onValueChange={field.onChange}>
              <FormControl>
                <SelectTrigger className="w-full" onBlur={field.onBlur} ref={field.ref}>
                  <SelectValue />
                </SelectTrigger>
              </FormControl>
              <SelectContent>
                {USER_ROLE_NAMES.map((role) => (
                  <SelectItem key={role} value={role}>
                    {t(`roles.${role}`)}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
          )}
        />
      </FormField>
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={isSubmitting} submitLabel={t("settings.createUser")} />
    </form>
  );
}

/** Sets a new password for another user (who is signed out everywhere). */
export function UserPasswordDialog({
  user,
  open,
  onOpenChange,
  onDone,
}: {
  user: User | undefined;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDone: (user: User) => void;
}) {
  const t = useT();
  return (
    <Dialog open={open && user !== undefined} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-md" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("settings.resetTitle", { name: user?.displayUsername ?? "" })}</DialogTitle>
          <DialogDescription>{t("settings.resetDescription")}</DialogDescription>
        </DialogHeader>
        {user && <ResetForm key={user.id} user={user} onCancel={() => onOpenChange(false)} onDone={onDone} />}
      </DialogContent>
    </Dialog>
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
  const [formError, setFormError] = useState<string | null>(null);
  const resolver = useMemo(
    () => zodFormResolver<ResetValues>(resetSchema, (issue) => localize(t, issue)),
    [t],
  );
  const { register, handleSubmit, setError, formState } = useForm<ResetValues>({
    resolver,
    defaultValues: { password: "", confirm: "" },
  });
  const { errors, isSubmitting } = formState;
  const reveal = { showLabel: t("signIn.showPassword"), hideLabel: t("signIn.hidePassword") };

  const onSubmit = handleSubmit(async ({ password }) => {
    setFormError(null);
    try {
      await resetUserPassword(user.id, password);
      onDone(user);
    } catch (error) {
      if (applyServerIssues(error, setError, ["password"]) === 0) setFormError(describeError(t, error));
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <input type="text" name="username" autoComplete="username" value={user.username} hidden readOnly />
      <FormField label={t("password.new")} hint={t("password.newHint")} error={errors.password?.message}>
        <FormControl>
          <PasswordInput autoComplete="new-password" autoFocus {...reveal} {...register("password")} />
        </FormControl>
      </FormField>
      <FormField label={t("password.confirm")} error={errors.confirm?.message}>
        <FormControl>
          <PasswordInput autoComplete="new-password" {...reveal} {...register("confirm")} />
        </FormControl>
      </FormField>
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={isSubmitting} submitLabel={t("settings.resetSubmit")} />
    </form>
  );
}
