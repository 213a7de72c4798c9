"use client";

import { useMemo, useState } from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { passwordChangeSchema } from "@/contracts/users";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormControl, FormField } from "@/components/ui/form-field";
import { PasswordInput } from "@/components/ui/password-input";
import { toast } from "@/components/ui/toaster";
import { useT } from "@/i18n/i18n-provider";
import type { Translate } from "@/i18n/types";
import { apiPost, isApiError } from "../api-client";
import { describeError } from "../describe-error";
import { FormError } from "../form-error";
import { endpoints } from "../endpoints";
import { localizeCommonIssue } from "../forms/localize-issue";
import { DialogFormFooter } from "../forms/dialog-form-footer";
import { applyServerIssues } from "../forms/server-errors";
import { zodFormResolver, type FormIssue } from "../forms/zod-form-resolver";

const formSchema = passwordChangeSchema
  .extend({ confirm: z.string() })
  .refine((values) => values.confirm === values.newPassword, { path: ["confirm"], message: "mismatch" });

type FormValues = z.input<typeof formSchema>;

function localize(t: Translate, issue: FormIssue): string | undefined {
  const field = issue.path[0];
  if (field === "confirm") return t("password.mismatch");
  if (field === "newPassword" && issue.code === "too_small") return t("password.tooShort");
  if (field === "newPassword" && issue.code === "too_big") return t("password.tooLongPassword");
  return localizeCommonIssue(t, issue);
}

/** Lets the signed-in user change their password; afterwards every session ends, so they sign in again. */
export function ChangePasswordDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const t = useT();
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="sm:max-w-md" closeLabel={t("common.close")}>
        <DialogHeader>
          <DialogTitle>{t("password.title")}</DialogTitle>
          <DialogDescription>{t("password.description")}</DialogDescription>
        </DialogHeader>
        <ChangePasswordForm onCancel={() => onOpenChange(false)} />
      </DialogContent>
    </Dialog>
  );
}

function ChangePasswordForm({ onCancel }: { onCancel: () => void }) {
  const t = useT();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const resolver = useMemo(() => zodFormResolver<FormValues>(formSchema, (issue) => localize(t, issue)), [t]);
  const { register, handleSubmit, setError, formState } = useForm<FormValues>({
    resolver,
    defaultValues: { currentPassword: "", newPassword: "", confirm: "" },
  });
  const { errors, isSubmitting } = formState;

  const onSubmit = handleSubmit(async ({ currentPassword, newPassword }) => {
    setFormError(null);
    try {
      await apiPost(endpoints.ownPassword, { currentPassword, newPassword });
      toast.success(t("password.success"));
      router.replace("/sign-in");
      router.refresh();
    } catch (error) {
      if (isApiError(error) && error.code === "INVALID_CURRENT_PASSWORD") {
        setError(
          "currentPassword",
          { type: "server", message: t("password.wrongCurrent") },
          { shouldFocus: true },
        );
        return;
      }
      if (applyServerIssues(error, setError, ["currentPassword", "newPassword"]) === 0) {
        setFormError(describeError(t, error));
      }
    }
  });

  const reveal = { showLabel: t("signIn.showPassword"), hideLabel: t("signIn.hidePassword") };
  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      {/* Lets password managers pair the new password with the right account. */}
      <input type="text" name="username" autoComplete="username" hidden readOnly />
      <FormField label={t("password.current")} error={errors.currentPassword?.message}>
        <FormControl>
          <PasswordInput
            autoComplete="current-password"
            autoFocus
            {...reveal}
            {...register("currentPassword")}
          />
        </FormControl>
      </FormField>
      <FormField label={t("password.new")} hint={t("password.newHint")} error={errors.newPassword?.message}>
        <FormControl>
          <PasswordInput autoComplete="new-password" {...reveal} {...register("newPassword")} />
        </FormControl>
      </FormField>
      <FormField label={t("password.confirm")} error={errors.confirm?.message}>
        <FormControl>
          <PasswordInput autoComplete="new-password" {...reveal} {...register("confirm")} />
        </FormControl>
      </FormField>
      <FormError>{formError}</FormError>
      <DialogFormFooter onCancel={onCancel} busy={isSubmitting} submitLabel={t("password.submit")} />
    </form>
  );
}
