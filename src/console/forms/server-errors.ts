import type { FieldPath, FieldValues, UseFormSetError } from "react-hook-form";
import type { ErrorCode } from "@/core/vocabulary/error-codes";
import { isApiError } from "../api-client";

/**
 * Puts the API's validation issues (`details` of VALIDATION_FAILED) under the form fields they name;
 * returns how many landed on a field, so the caller can show the rest as a form-level error.
 * `mapPath` may translate an API path (`headers.X-Foo`) to a form path (`headers.2.name`).
 */
export function applyServerIssues<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly FieldPath<T>[],
  mapPath: (apiPath: string) => FieldPath<T> | undefined = () => undefined,
): number {
  if (!isApiError(error)) return 0;
  let placed = 0;
  for (const issue of error.issues) {
    const mapped = mapPath(issue.path);
    const head = issue.path.split(/[.[]/)[0] as FieldPath<T>;
    const target = mapped ?? (fields.includes(head) ? head : undefined);
    if (!target) continue;
    setError(target, { type: "server", message: issue.message }, { shouldFocus: placed === 0 });
    placed += 1;
  }
  return placed;
}

/** The field an error code is about (a name already taken), and the message to show under it. */
export interface CodeFieldTarget<T extends FieldValues> {
  field: FieldPath<T>;
  /** A localized message; without one the server's message is shown. */
  message?: string;
}

/** Where a form puts a failed call's errors. */
export interface ServerErrorPlacement<T extends FieldValues> {
  /** Fields that take server issues with the same name... */
  serverFields?: readonly FieldPath<T>[];
  /** ...and where other server issue paths (`condition.windowMs`) land. */
  mapServerPath?: (apiPath: string) => FieldPath<T> | undefined;
  /** Error codes that concern a single field rather than the whole form. */
  codeFields?: Partial<Record<ErrorCode, CodeFieldTarget<T>>>;
}

/**
 * Puts a failed call's error on the form: under the field its code concerns, else its validation
 * issues under their fields. Returns how many landed on a field; 0 means it is a form-level error.
 */
export function placeServerError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  { serverFields = [], mapServerPath, codeFields = {} }: ServerErrorPlacement<T>,
): number {
  if (!isApiError(error)) return 0;
  const target = Object.hasOwn(codeFields, error.code) ? codeFields[error.code as ErrorCode] : undefined;
  if (target) {
    setError(
      target.field,
      { type: "server", message: target.message ?? error.message },
      { shouldFocus: true },
    );
    return 1;
  }
  return applyServerIssues(error, setError, serverFields, mapServerPath);
}
