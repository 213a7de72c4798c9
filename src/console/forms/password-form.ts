import { z } from "zod";
import { passwordChangeSchema, passwordSchema } from "@/contracts/users";
import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "./localize-issue";
import type { FormIssue } from "./zod-form-resolver";

/** Where a repeated password that differs is reported. */
const MISMATCH = { path: ["confirm"], message: "mismatch" };

/** Setting someone's password: the new one, typed twice. */
export const passwordResetFormSchema = z
  .object({ password: passwordSchema, confirm: z.string() })
  .refine((values) => values.confirm === values.password, MISMATCH);

/** Changing one's own password: the current one, then the new one typed twice. */
export const passwordChangeFormSchema = passwordChangeSchema
  .extend({ confirm: z.string() })
  .refine((values) => values.confirm === values.newPassword, MISMATCH);

/**
 * The message under a password form's field (`passwordField` holds the new password, `confirm` its
 * repetition); undefined for issues of other fields, so the caller can word those itself.
 */
export function localizePasswordIssue(
  t: Translate,
  issue: FormIssue,
  passwordField: string,
): string | undefined {
  const field = issue.path[0];
  if (field === "confirm") return t("password.mismatch");
  if (field !== passwordField) return undefined;
  if (issue.code === "too_small") return t("password.tooShort");
  if (issue.code === "too_big") return t("password.tooLongPassword");
  return undefined;
}

/** The message under a field of the reset-password form. */
export function localizeResetIssue(t: Translate, issue: FormIssue): string | undefined {
  return localizePasswordIssue(t, issue, "password") ?? localizeCommonIssue(t, issue);
}

/** The message under a field of the change-password form. */
export function localizeChangeIssue(t: Translate, issue: FormIssue): string | undefined {
  return localizePasswordIssue(t, issue, "newPassword") ?? localizeCommonIssue(t, issue);
}
