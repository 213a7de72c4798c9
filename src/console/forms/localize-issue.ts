import type { Translate } from "@/i18n/types";
import { MISSING } from "./contract-issues";
import type { FormIssue } from "./zod-form-resolver";

/**
 * Localizes the issues every form shares (empty, too long, out of range, not a number); returns
 * undefined for rule-specific ones (formats, custom checks) so the caller can word those itself.
 */
export function localizeCommonIssue(t: Translate, issue: FormIssue): string | undefined {
  switch (issue.code) {
    case "custom":
      return (issue.params as { rule?: string } | undefined)?.rule === MISSING
        ? t("validation.required")
        : undefined;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") {
        return min <= 1 ? t("validation.required") : t("validation.tooShort", { min });
      }
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
        return t("validation.min", { min });
      }
      return undefined;
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return t("validation.tooLong", { max });
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
        return t("validation.max", { max });
      }
      return undefined;
    }
    case "invalid_type":
      if (issue.expected === "number" || issue.expected === "int") return t("validation.wholeNumber");
      if (issue.expected === "string") return t("validation.required");
      return undefined;
    default:
      return undefined;
  }
}
