import type { Translate } from "@/i18n/types";
import { localizeCommonIssue } from "../forms/localize-issue";
import type { FormIssue } from "../forms/zod-form-resolver";

/**
 * The message under a rule or channel field: missing values, bounds and malformed values in the
 * reader's language; the contract's own wording for its specific rules (URL shape, host name...).
 */
export function localizeAlertIssue(t: Translate, issue: FormIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      // Blank numbers are reported as missing before the contract sees them; this is text that is not one.
      return issue.expected === "int" ? t("validation.wholeNumber") : t("alerts.invalidValue");
    case "too_small":
      // Empty lists (states, recipients) and empty strings: nothing chosen or typed.
      if (issue.origin === "array" || issue.origin === "string") return t("validation.required");
      return localizeCommonIssue(t, issue);
    case "invalid_format":
    case "invalid_value":
      return t("alerts.invalidValue");
    default:
      return localizeCommonIssue(t, issue);
  }
}
