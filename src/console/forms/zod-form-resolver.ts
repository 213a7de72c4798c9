import { toNestErrors, validateFieldsNatively } from "@hookform/resolvers";
import type { FieldError, FieldErrors, FieldValues, Resolver } from "react-hook-form";
import type { z } from "zod";

/** One zod issue as a form sees it. */
export type FormIssue = z.core.$ZodIssue;

/** Turns an issue into the message shown under the field; undefined keeps the schema's own message. */
export type IssueLocalizer = (issue: FormIssue) => string | undefined;

/**
 * A react-hook-form resolver over a zod 4 schema whose messages go through `localize` first, so the
 * shared contract schemas (English messages, exact rules) can be reused in a localized form.
 * Name the form's value type explicitly: `zodFormResolver<MyFormValues>(schema, localize)`.
 */
export function zodFormResolver<TFieldValues extends FieldValues, Output = TFieldValues>(
  schema: z.ZodType<Output, unknown>,
  localize: IssueLocalizer,
): Resolver<TFieldValues, unknown, Output> {
  return async (values, _context, options) => {
    const result = await schema.safeParseAsync(values);
    if (result.success) {
      if (options.shouldUseNativeValidation) validateFieldsNatively({}, options);
      return { values: result.data, errors: {} };
    }
    const flat: Record<string, FieldError> = {};
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join(".");
      // The first problem per field is the one to fix first; later ones often follow from it.
      if (flat[path]) continue;
      flat[path] = { type: issue.code, message: localize(issue) ?? issue.message };
    }
    return { values: {}, errors: toNestErrors(flat as FieldErrors, options) };
  };
}
