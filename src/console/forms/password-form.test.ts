import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { en } from "@/i18n/en";
import { translate } from "@/i18n/translate";
import type { Translate } from "@/i18n/types";
import {
  localizeChangeIssue,
  localizeResetIssue,
  passwordChangeFormSchema,
  passwordResetFormSchema,
} from "./password-form";
import type { FormIssue } from "./zod-form-resolver";

const t: Translate = (key, values) => translate(en, key, values);

/** The first message per field, as the form shows them. */
function messagesOf(
  schema: z.ZodType,
  values: unknown,
  localize: (t: Translate, issue: FormIssue) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of schema.safeParse(values).error?.issues ?? []) {
    out[issue.path.join(".")] ??= localize(t, issue) ?? issue.message;
  }
  return out;
}

describe("password forms", () => {
  it("reports a repetition that differs on the repeat field", () => {
    expect(
      messagesOf(passwordResetFormSchema, { password: "long-enough", confirm: "other" }, localizeResetIssue),
    ).toEqual({ confirm: en.password.mismatch });
    expect(
      passwordResetFormSchema.safeParse({ password: "long-enough", confirm: "long-enough" }).success,
    ).toBe(true);
  });

  it("words the new password's length rules, whatever the field is called", () => {
    expect(
      messagesOf(passwordResetFormSchema, { password: "short", confirm: "short" }, localizeResetIssue),
    ).toEqual({ password: en.password.tooShort });
    const long = "x".repeat(129);
    expect(
      messagesOf(
        passwordChangeFormSchema,
        { currentPassword: "", newPassword: long, confirm: long },
        localizeChangeIssue,
      ),
    ).toEqual({ currentPassword: en.validation.required, newPassword: en.password.tooLongPassword });
  });
});
